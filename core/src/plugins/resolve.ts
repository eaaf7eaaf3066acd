import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ERR_PLUGIN_INVALID, ERR_PLUGIN_NOT_FOUND, ERR_PLUGIN_API_VERSION } from '../errors.js'
import { isOperatorPlugin, pluginApiVersion, PLUGIN_API_VERSION, type OperatorPlugin } from './contract.js'

export interface PackageManifest {
  readonly name?: string
  readonly version?: string
  readonly main?: string
  readonly exports?: unknown
  readonly keywords?: readonly string[]
  readonly operator?: { readonly pluginId?: string; readonly api?: number }
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
  if (dir === undefined) {
    throw new ERR_PLUGIN_NOT_FOUND(specifier, `no such package installed (run npm install ${specifier}, or fix the name in the config file)`)
  }
  const manifest = readManifest(dir)
  return { location: dir, entry: join(dir, entryOf(manifest)), manifest }
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
  let mod: { default?: unknown }
  try {
    mod = await import(pathToFileURL(entry).href) as { default?: unknown }
  } catch (err) {
    const e = err as { code?: string; message?: string }
    if (e.code === 'ERR_MODULE_NOT_FOUND' && (e.message ?? '').includes(entry)) {
      throw new ERR_PLUGIN_NOT_FOUND(specifier, `its entry ${entry} does not exist (is the package built?)`)
    }
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
