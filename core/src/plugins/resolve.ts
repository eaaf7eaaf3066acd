import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, isAbsolute, join, relative, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ERR_PLUGIN_INVALID, ERR_PLUGIN_NOT_FOUND, ERR_PLUGIN_API_VERSION, ERR_PLUGIN_IMPORT } from '../errors.js'
import { FIRST_PARTY } from '../config/first-party.js'
import { closestPluginName } from './known-names.js'
import { isOperatorPlugin, pluginApiVersion, PLUGIN_API_VERSION, type OperatorPlugin } from './contract.js'

export interface PackageManifest {
  readonly name?: string
  readonly version?: string
  readonly main?: string
  readonly exports?: unknown
  readonly keywords?: readonly string[]
  readonly operator?: {
    readonly pluginId?: string
    readonly api?: number
    /** The command words (names and aliases) the plugin registers, so they can answer what to set while it is off. */
    readonly commands?: readonly unknown[]
  }
}

export interface LoadedModule {
  readonly specifier: string
  /** The package directory, or the file for a plain module path. */
  readonly location: string
  readonly manifest: PackageManifest | undefined
  readonly plugin: OperatorPlugin
}

function isPath (specifier: string): boolean {
  return specifier.startsWith('.') || isAbsolute(specifier)
}

/** Walks up from each base directory looking in node_modules, as Node's resolver does. */
function findPackageDir (name: string, baseDirs: readonly string[]): string | undefined {
  for (const base of baseDirs) {
    let dir = resolve(base)
    for (;;) {
      const candidate = join(dir, 'node_modules', name)
      if (existsSync(join(candidate, 'package.json'))) return candidate
      const parent = dirname(dir)
      if (parent === dir) break
      dir = parent
    }
  }
  return undefined
}

/** The ESM entry of a package: exports["."] (import/node/default conditions), else main, else index.js. */
function entryOf (manifest: PackageManifest): string {
  let target: unknown = manifest.exports
  if (target !== null && typeof target === 'object' && !Array.isArray(target) && '.' in target) {
    target = (target as Record<string, unknown>)['.']
  }
  for (let depth = 0; depth < 4 && target !== null && typeof target === 'object' && !Array.isArray(target); depth++) {
    const conditions = target as Record<string, unknown>
    target = conditions.import ?? conditions.node ?? conditions.default
  }
  if (typeof target === 'string') return target
  return manifest.main ?? 'index.js'
}

function readManifest (dir: string): PackageManifest {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageManifest
}

/**
 * Why a name resolved to nothing, and what to do. A name close to a known plugin is a typo: say which one was meant.
 * The name as typed is never put in an `npm install` line: even a name close to nothing we know may be a typo of a
 * published plugin, and a package under the misspelt name would be someone else's (typosquatting).
 */
function notFoundReason (specifier: string, baseDirs: readonly string[]): string {
  const firstParty = FIRST_PARTY.map((p) => p.short).join(', ')
  const meant = closestPluginName(specifier, baseDirs)
  if (meant !== undefined) return `no plugin or installed package has that name; did you mean '${meant}'?`
  if (specifier.startsWith('@operator/')) return `there is no first-party plugin of that name (first-party plugins: ${firstParty})`
  return 'no installed package has that name. Check its spelling in the config file; a third-party plugin must be ' +
    `installed first, by the name its own documentation gives (first-party plugins: ${firstParty})`
}

/** The package a file belongs to: the nearest package.json with a name, walking up from it. */
function owningPackage (path: string): { dir: string, name: string } | undefined {
  let dir = path
  do {
    dir = dirname(dir)
    try {
      const { name } = readManifest(dir)
      if (typeof name === 'string') return { dir, name }
    } catch { /* no (readable) package.json here: keep walking */ }
  } while (dirname(dir) !== dir)
  return undefined
}

/** `@scope/name/sub.js` → `@scope/name`; `name/sub` → `name`. */
function packageOf (specifier: string): string {
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!
}

/**
 * A plugin whose own files exist but whose import of something else failed: name what is missing, whose it is and
 * how to get it, whether the plugin, a package it uses, or a package that one uses (core's own dependencies, say)
 * lacks it. Undefined when the error is not a missing module.
 */
function missingImport (location: string, err: { code?: string; message?: string }): string | undefined {
  const message = err.message ?? ''
  // ESM: `Cannot find package|module 'x' imported from /file`; CommonJS (require inside a dependency): a require stack.
  const match = err.code === 'ERR_MODULE_NOT_FOUND'
    ? /Cannot find (?:package|module) '([^']+)' imported from (.+)$/m.exec(message)
    : err.code === 'MODULE_NOT_FOUND' ? /Cannot find module '([^']+)'\s*\nRequire stack:\n- (.+)$/m.exec(message) : null
  if (match === null) return undefined
  const [, missing, importer] = match as unknown as [string, string, string]
  const from = relative(location, importer) || importer
  const importing = owningPackage(importer)
  const who = importing === undefined || importing.dir === location ? 'the plugin' : importing.name
  if (isAbsolute(missing) || missing.startsWith('.')) {
    // A file is missing, not a package: whose file it is decides what to do.
    const file = resolve(dirname(importer), missing)
    const owner = owningPackage(file)
    if (owner === undefined || owner.dir === location) {
      return `${from} imports ${relative(location, file) || file}, which does not exist (is the package built? npm run build in ${location})`
    }
    return `${from} imports ${owner.name}, which is installed without its file ${relative(owner.dir, file)}: ` +
      `reinstall it (npm install in the app directory), or build it if it is a local folder (${owner.dir})`
  }
  const name = packageOf(missing)
  const help = name === '@operator/core'
    ? ' (the core package is a peer dependency: install @operator/core beside the plugin, npm install @operator/core)'
    : who === 'the plugin'
      ? ` (install the plugin's dependencies: npm install ${name}, or npm install in ${location})`
      : ` (a dependency of ${who} is missing: npm install in the app directory installs it, or npm install ${name})`
  return `${from} imports the package '${name}', which is not installed where ${who} is${help}`
}

function locate (specifier: string, baseDirs: readonly string[]): { location: string; entry: string; manifest?: PackageManifest } {
  if (isPath(specifier)) {
    const path = resolve(baseDirs[0]!, specifier)
    if (!existsSync(path)) throw new ERR_PLUGIN_NOT_FOUND(specifier, `no file or directory at ${path}`)
    if (statSync(path).isDirectory()) {
      if (!existsSync(join(path, 'package.json'))) throw new ERR_PLUGIN_NOT_FOUND(specifier, `${path} has no package.json`)
      const manifest = readManifest(path)
      return { location: path, entry: join(path, entryOf(manifest)), manifest }
    }
    return { location: path, entry: path }
  }
  const dir = findPackageDir(specifier, baseDirs)
  if (dir === undefined) throw new ERR_PLUGIN_NOT_FOUND(specifier, notFoundReason(specifier, baseDirs))
  const manifest = readManifest(dir)
  return { location: dir, entry: join(dir, entryOf(manifest)), manifest }
}

/**
 * The command words a plugin package declares in its manifest, and its plugin id, read without importing it; no
 * commands when it is not installed, is a plain module file, or declares none.
 */
export function declaredCommands (specifier: string, baseDirs: readonly string[]): { commands: string[], pluginId?: string } {
  let manifest: PackageManifest | undefined
  try {
    manifest = locate(specifier, baseDirs).manifest
  } catch {
    return { commands: [] }
  }
  const commands = manifest?.operator?.commands
  const pluginId = manifest?.operator?.pluginId
  return {
    commands: Array.isArray(commands) ? commands.filter((c): c is string => typeof c === 'string') : [],
    ...(typeof pluginId === 'string' ? { pluginId } : {})
  }
}

/** Finds, checks and imports one plugin package (or module path). Importing has no side effects by contract. */
export async function loadPluginModule (specifier: string, baseDirs: readonly string[]): Promise<LoadedModule> {
  const { location, entry, manifest } = locate(specifier, baseDirs)
  if (manifest !== undefined) {
    const api = manifest.operator?.api
    if (manifest.operator === undefined) {
      throw new ERR_PLUGIN_INVALID(specifier, 'its package.json has no "operator": { "pluginId", "api" } field')
    }
    if (api !== PLUGIN_API_VERSION) throw new ERR_PLUGIN_API_VERSION(specifier, String(api), String(PLUGIN_API_VERSION))
  }
  if (!existsSync(entry)) throw new ERR_PLUGIN_NOT_FOUND(specifier, `its entry ${entry} does not exist (is the package built?)`)
  let mod: { default?: unknown }
  try {
    mod = await import(pathToFileURL(entry).href) as { default?: unknown }
  } catch (err) {
    const e = err as { code?: string; message?: string }
    const missing = missingImport(statSync(location).isDirectory() ? location : dirname(location), e)
    if (missing !== undefined) throw new ERR_PLUGIN_IMPORT(specifier, missing)
    throw new ERR_PLUGIN_INVALID(specifier, `importing it failed: ${(e.message ?? String(err)).split('\n')[0]}`)
  }
  const plugin = mod.default
  if (!isOperatorPlugin(plugin)) {
    throw new ERR_PLUGIN_INVALID(specifier, 'its default export was not made with definePlugin()')
  }
  if (pluginApiVersion(plugin) !== PLUGIN_API_VERSION) {
    throw new ERR_PLUGIN_API_VERSION(specifier, String(pluginApiVersion(plugin)), String(PLUGIN_API_VERSION))
  }
  if (manifest?.operator?.pluginId !== undefined && manifest.operator.pluginId !== plugin.name) {
    throw new ERR_PLUGIN_INVALID(specifier, `package.json says pluginId '${manifest.operator.pluginId}' but the plugin is named '${plugin.name}'`)
  }
  return { specifier, location, manifest, plugin }
}
