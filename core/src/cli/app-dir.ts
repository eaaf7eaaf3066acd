import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { ERR_APP_DIR_MISSING } from '../errors.js'
import { DEFAULT_CONFIG_FILE } from '../config/env-schema.js'
import { readDotEnv } from '../app.js'
import { firstPartyByName } from '../config/first-party.js'
import type { PackageManifest } from '../plugins/resolve.js'
import { entryPackage, pluginEntries, type ConfigText } from './config-edit.js'

/** An app directory: a package.json that lists the daemon and its plugins, and the config file beside it. */
export interface AppDir {
  readonly dir: string
  readonly packageJson: string
  /** operator.config.json, or what OPERATOR_CONFIG names (from the environment or .env, as the daemon reads it). */
  readonly configPath: string
}

export function appDir (cwd: string): AppDir {
  const packageJson = join(cwd, 'package.json')
  if (!existsSync(packageJson)) throw new ERR_APP_DIR_MISSING(cwd)
  const named = process.env.OPERATOR_CONFIG ?? readDotEnv(cwd).OPERATOR_CONFIG
  return { dir: cwd, packageJson, configPath: resolve(cwd, named === undefined || named === '' ? DEFAULT_CONFIG_FILE : named) }
}

/** The app's `dependencies` (what `npm install <x>` saved). */
export function dependencies (app: AppDir): Record<string, string> {
  return (JSON.parse(readFileSync(app.packageJson, 'utf8')) as { dependencies?: Record<string, string> }).dependencies ?? {}
}

/** The manifest of an installed package, or undefined when it is not installed in the app. */
export function installedManifest (app: AppDir, name: string): PackageManifest | undefined {
  try {
    return JSON.parse(readFileSync(join(app.dir, 'node_modules', name, 'package.json'), 'utf8')) as PackageManifest
  } catch {
    return undefined
  }
}

/** Where a plugin a person named (package name, first-party short name, or plugin id) is in the app. */
export interface FoundPlugin {
  /** Its index in the config file's `plugins`, when the file names it. */
  readonly index: number | undefined
  /** Its npm package, when it is a dependency of the app. */
  readonly dependency: string | undefined
}

/** The same plugin under any of its names: `prometheus`, `@operator/plugin-prometheus`, or the id `newrelic`. */
function sameName (app: AppDir, word: string, packageName: string): boolean {
  if (packageName === word) return true
  const a = firstPartyByName(word)
  if (a !== undefined && a === firstPartyByName(packageName)) return true
  return installedManifest(app, packageName)?.operator?.pluginId === word
}

export function findPlugin (app: AppDir, config: ConfigText, word: string): FoundPlugin {
  const index = pluginEntries(config).findIndex((e) => sameName(app, word, entryPackage(e)))
  const dependency = Object.keys(dependencies(app)).find((name) => sameName(app, word, name))
  return { index: index === -1 ? undefined : index, dependency }
}
