import type { OperatorPlugin } from './contract.js'
import { ERR_PLUGIN_CONFIG } from '../errors.js'
import { createAjv, errorExpectation, errorKey } from '../config/ajv.js'
import { resolveEnvRefs } from '../config/env-refs.js'

const ajv = createAjv()

function setPath (target: Record<string, unknown>, dotted: string, value: unknown): void {
  const parts = dotted.split('.')
  let node = target
  for (const part of parts.slice(0, -1)) {
    const next = node[part]
    if (next === null || typeof next !== 'object') node[part] = {}
    node = node[part] as Record<string, unknown>
  }
  node[parts[parts.length - 1]!] = value
}

function isPlainObject (v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

function deepMerge (base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base }
  for (const [k, v] of Object.entries(over)) {
    out[k] = isPlainObject(v) && isPlainObject(out[k]) ? deepMerge(out[k] as Record<string, unknown>, v) : v
  }
  return out
}

/**
 * A plugin's effective config: its documented environment variables mapped onto keys, overlaid by the config file
 * (after `${VAR}` references are resolved), then validated against the plugin's schema with defaults filled in.
 */
export function buildPluginConfig (plugin: OperatorPlugin, fileConfig: Readonly<Record<string, unknown>>,
  env: Readonly<Record<string, string | undefined>>): Record<string, unknown> {
  const fromEnv: Record<string, unknown> = {}
  for (const [variable, key] of Object.entries(plugin.env ?? {})) {
    const value = env[variable]
    if (value !== undefined && value !== '') setPath(fromEnv, key, value)
  }
  let fromFile: Record<string, unknown>
  try {
    fromFile = resolveEnvRefs(fileConfig, env) as Record<string, unknown>
  } catch (err) {
    throw new ERR_PLUGIN_CONFIG(plugin.name, 'config', (err as Error).message)
  }
  const config = deepMerge(fromEnv, fromFile)
  if (plugin.configSchema !== undefined) {
    const validate = ajv.compile(plugin.configSchema)
    if (!validate(config)) {
      const error = validate.errors![0]!
      const key = errorKey(error)
      const variable = Object.entries(plugin.env ?? {}).find(([, k]) => k === key)?.[0]
      const hint = error.keyword === 'required' && variable !== undefined ? ` (set ${variable})` : ''
      throw new ERR_PLUGIN_CONFIG(plugin.name, key === '' ? 'config' : key, `${errorExpectation(error)}${hint}`)
    }
  }
  return config
}
