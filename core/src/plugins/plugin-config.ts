import type { ValidateFunction } from 'ajv'
import type { OperatorPlugin } from './contract.js'
import { ERR_PLUGIN_CONFIG, ERR_PLUGIN_INVALID } from '../errors.js'
import { compileSchema, errorExpectation, errorKey, schemaProblem } from '../config/ajv.js'
import { resolveEnvRefs } from '../config/env-refs.js'
import { envValueError, isSecretVariable, shownValue } from '../config/env-values.js'

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
 * A bad value that came from a variable is reported by the variable's name and value (secrets redacted).
 */
export function buildPluginConfig (plugin: OperatorPlugin, fileConfig: Readonly<Record<string, unknown>>,
  env: Readonly<Record<string, string | undefined>>): Record<string, unknown> {
  const fromEnv: Record<string, unknown> = {}
  /** Config key → the variable that supplied it. */
  const variables = new Map<string, string>()
  for (const [variable, key] of Object.entries(plugin.env ?? {})) {
    const value = env[variable]
    if (value !== undefined && value !== '') {
      setPath(fromEnv, key, value)
      variables.set(key, variable)
    }
  }
  const resolved = resolveEnvRefs(fileConfig, env, `Plugin '${plugin.name}'`)
  const fromFile = (resolved.value ?? {}) as Record<string, unknown>
  // The file wins: a key it sets came from the file (or from the variable it references), not from the env table.
  for (const key of [...variables.keys()]) if (hasPath(fromFile, key)) variables.delete(key)
  for (const [key, variable] of resolved.sources) variables.set(key, variable)

  const config = deepMerge(fromEnv, fromFile)
  if (plugin.configSchema !== undefined) {
    const validate = compilePluginSchema(plugin)
    if (!validate(config)) {
      const error = validate.errors![0]!
      const key = errorKey(error)
      const expectation = errorExpectation(error)
      const variable = variables.get(key)
      const markedSecret = (error.parentSchema as { secret?: unknown } | undefined)?.secret === true
      if (variable !== undefined && error.keyword !== 'required' && error.keyword !== 'additionalProperties') {
        throw envValueError(variable, expectation, env[variable], isSecretVariable(variable, markedSecret),
          ` (plugin '${plugin.name}', config key ${key})`)
      }
      const documented = Object.entries(plugin.env ?? {}).find(([, k]) => k === key)?.[0]
      const hint = error.keyword === 'required' && documented !== undefined ? ` (set ${documented})` : ''
      const got = key !== '' && isScalar(error.data) && error.keyword !== 'required' && error.keyword !== 'additionalProperties'
        ? `, got ${shownValue(error.data, isSecretVariable(key, markedSecret))}`
        : ''
      throw new ERR_PLUGIN_CONFIG(plugin.name, key === '' ? 'config' : key, `${expectation}${got}${hint}`)
    }
  }
  return config
}

/**
 * The plugin's config validator. Start-up does not check the schema against the meta-schema (see `sharedAjv`); what
 * Ajv cannot compile still stops it, naming the plugin.
 */
function compilePluginSchema (plugin: OperatorPlugin): ValidateFunction {
  try {
    return compileSchema(plugin.configSchema!)
  } catch (err) {
    throw new ERR_PLUGIN_INVALID(plugin.name, `its configSchema cannot be compiled: ${(err as Error).message}`)
  }
}

/**
 * What is wrong with a plugin's configSchema as a JSON Schema (draft-07), or undefined. Start-up skips this check to
 * start faster; the test harness (`createTestOperator`) refuses such a plugin, so its author learns of it from the
 * first test, and `operator config check` warns about it.
 */
export function pluginSchemaProblem (plugin: OperatorPlugin): string | undefined {
  if (plugin.configSchema === undefined) return undefined
  const problem = schemaProblem(plugin.configSchema)
  return problem === undefined ? undefined : `its configSchema is not a valid JSON Schema: ${problem}`
}

/** `pluginSchemaProblem` as an error naming the plugin. */
export function checkPluginSchema (plugin: OperatorPlugin): void {
  const problem = pluginSchemaProblem(plugin)
  if (problem !== undefined) throw new ERR_PLUGIN_INVALID(plugin.name, problem)
}

function isScalar (v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
}

function hasPath (target: Record<string, unknown>, dotted: string): boolean {
  let node: unknown = target
  for (const part of dotted.split('.')) {
    if (!isPlainObject(node) || !(part in node)) return false
    node = node[part]
  }
  return true
}
