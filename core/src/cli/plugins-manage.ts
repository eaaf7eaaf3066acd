import { existsSync, readFileSync, statSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import { ERR_PLUGIN_UNKNOWN } from '../errors.js'
import { firstPartyByName } from '../config/first-party.js'
import { loadPluginModule } from '../plugins/resolve.js'
import { pluginApiVersion } from '../plugins/contract.js'
import { appDir, dependencies, findPlugin, type AppDir } from './app-dir.js'
import { appendPlugin, pluginEntries, readConfigText, removePlugin, setEnabled, writeConfigText } from './config-edit.js'
import { isPathSpec, runNpm } from './npm.js'

const NPM_QUIET = ['--no-audit', '--no-fund']
const RESTART = 'restart the daemon for it to take effect'

/**
 * The package `npm install <spec>` put in the app: the dependency it added or changed, else (the same spec installed
 * again) the one the spec names: a folder's or tarball's package by its `file:` entry, a registry spec by its name.
 */
function installedName (app: AppDir, spec: string, before: Record<string, string>, after: Record<string, string>): string {
  const changed = Object.keys(after).find((name) => before[name] !== after[name])
  if (changed !== undefined) return changed
  const path = resolve(app.dir, spec)
  if (isPathSpec(spec) && existsSync(path)) {
    if (statSync(path).isDirectory()) return (JSON.parse(readFileSync(resolve(path, 'package.json'), 'utf8')) as { name: string }).name
    // A tarball: the dependency npm saved as file:<its path>.
    const named = Object.keys(after).find((name) => after[name]!.endsWith(basename(path)))
    if (named !== undefined) return named
  }
  return spec.replace(/(?!^)@[^/]*$/, '')   // name@range, @scope/name@range → the name
}

/**
 * `operator plugins add <package|tarball|folder>`: npm installs it into the app, it is checked to be an Operator
 * plugin for this core's plugin API, and the config file names it, enabled. A package that fails the check is
 * uninstalled again, so the app is left as it was.
 */
export async function pluginsAdd (spec: string, cwd: string): Promise<string> {
  const app = appDir(cwd)
  const config = readConfigText(app.configPath)
  const before = dependencies(app)
  // A folder or tarball goes to npm as an absolute file: spec: npm reads `plugins/x` as a GitHub repository.
  const npmSpec = isPathSpec(spec) ? `file:${resolve(app.dir, spec)}` : spec
  await runNpm(['install', npmSpec, ...NPM_QUIET], app.dir)
  const name = installedName(app, spec, before, dependencies(app))
  let loaded
  try {
    loaded = await loadPluginModule(name, [app.dir])
  } catch (err) {
    if (before[name] === undefined) await runNpm(['uninstall', name, ...NPM_QUIET], app.dir)
    throw err
  }
  const { index } = findPlugin(app, config, name)
  if (index === undefined) appendPlugin(config, firstPartyByName(name)?.short ?? name, true)
  else setEnabled(config, index, true)
  writeConfigText(config)
  const version = loaded.manifest?.version !== undefined ? `@${loaded.manifest.version}` : ''
  return `Added ${name}${version} (plugin '${loaded.plugin.name}', plugin API ${pluginApiVersion(loaded.plugin)}), ` +
    `enabled in ${basename(app.configPath)}; ${RESTART}`
}

/** `operator plugins remove <name>`: npm uninstalls it and the config file no longer names it. */
export async function pluginsRemove (word: string, cwd: string): Promise<string> {
  const app = appDir(cwd)
  const config = readConfigText(app.configPath)
  const { index, dependency } = findPlugin(app, config, word)
  if (index === undefined && dependency === undefined) {
    throw new ERR_PLUGIN_UNKNOWN(word, `${basename(app.configPath)} does not name it and no dependency of the app is that plugin (operator plugins lists them)`)
  }
  // npm first: if it fails, the config still matches what is installed.
  if (dependency !== undefined) await runNpm(['uninstall', dependency, ...NPM_QUIET], app.dir)
  if (index !== undefined) {
    removePlugin(config, index)
    writeConfigText(config)
  }
  return `Removed ${dependency ?? word}${index !== undefined ? ` and its entry in ${basename(app.configPath)}` : ''}; ${RESTART}`
}

/**
 * `operator plugins enable|disable <name>`: sets `enabled` on its entry in the config file (adding one for an
 * installed or first-party plugin it does not name yet); nothing else in the file changes.
 */
export function pluginsSetEnabled (word: string, enabled: boolean, cwd: string): string {
  const app = appDir(cwd)
  const config = readConfigText(app.configPath)
  const { index, dependency } = findPlugin(app, config, word)
  const file = basename(app.configPath)
  const state = enabled ? 'enabled' : 'disabled'
  if (index !== undefined) {
    const entry = pluginEntries(config)[index]!
    if ((typeof entry === 'string' || entry.enabled !== false) === enabled) return `${word} is already ${state} in ${file}`
    setEnabled(config, index, enabled)
  } else {
    const firstParty = firstPartyByName(dependency ?? word)
    if (dependency === undefined && firstParty === undefined) {
      throw new ERR_PLUGIN_UNKNOWN(word, `${file} does not name it and no dependency of the app is that plugin (operator plugins add <package> installs one)`)
    }
    appendPlugin(config, firstParty?.short ?? dependency!, enabled)
  }
  writeConfigText(config)
  return `${enabled ? 'Enabled' : 'Disabled'} ${word} in ${file}; ${RESTART}`
}
