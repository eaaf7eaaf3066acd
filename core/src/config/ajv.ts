import { createHash } from 'node:crypto'
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Ajv, AnySchema, ErrorObject, Options, ValidateFunction } from 'ajv'

export interface AjvOptions {
  /** Coerce strings to the schema's types: for plugin config and the environment, whose values arrive as strings. */
  readonly coerceTypes?: boolean
}

// Ajv is CommonJS; loaded on first need, not at import: a start with a warm validator cache never loads it (~40 ms).
const require = createRequire(import.meta.url)

/** Today's options for each option set; `code.source` keeps the generated code for the validator cache. */
function ajvOptions (coerceTypes: boolean): Options {
  return {
    allErrors: false, useDefaults: true, coerceTypes, strict: false, verbose: true, validateSchema: false,
    // Each schema is compiled once and validates a handful of objects: the optimiser's pass over the generated code
    // (it does not change what a validator accepts) costs more than it saves, about half of each compile.
    code: { optimize: false, source: true }
  }
}

const shared = new Map<boolean, Ajv>()

/**
 * The Ajv for config validation with defaults filled in: one per option set, made on first use. `coerceTypes` is for
 * plugin config and the environment, where values arrive as strings; the JSON config file is validated as typed.
 * `verbose` keeps each error's schema, so an `expected` annotation can say in words what a pattern means.
 *
 * Validators are compiled through `compileSchema`, which caches them. Schemas are not checked against the JSON Schema
 * meta-schema here (compiling it costs start-up ~20 ms per instance, ~45-60 ms with every plugin): core's own schemas
 * are checked by test/config-schemas.test.ts, a plugin's by the test harness (refused) and `operator config check`
 * (warned), through `schemaProblem`.
 */
export function sharedAjv ({ coerceTypes = true }: AjvOptions = {}): Ajv {
  let ajv = shared.get(coerceTypes)
  if (ajv === undefined) {
    const { Ajv: AjvClass } = require('ajv') as typeof import('ajv')
    ajv = new AjvClass(ajvOptions(coerceTypes))
    shared.set(coerceTypes, ajv)
  }
  return ajv
}

const compiled = new Map<boolean, WeakMap<object, ValidateFunction>>()

/**
 * The validator for `schema`: compiled once per process (by schema object) and kept on disk as standalone code, so a
 * later start loads it without loading Ajv. The cache never stops a start: a file that cannot be read or written is
 * passed over and the schema compiled. What Ajv cannot compile throws, as `Ajv.compile` does.
 */
export function compileSchema<T = unknown> (schema: AnySchema, { coerceTypes = true }: AjvOptions = {}): ValidateFunction<T> {
  let inProcess = compiled.get(coerceTypes)
  if (inProcess === undefined) compiled.set(coerceTypes, inProcess = new WeakMap())
  const key = typeof schema === 'object' ? schema : undefined
  const known = key === undefined ? undefined : inProcess.get(key)
  if (known !== undefined) return known as ValidateFunction<T>

  const file = cacheFile(schema, coerceTypes)
  let validate = file === undefined ? undefined : loadCached(file)
  if (validate === undefined) {
    const ajv = sharedAjv({ coerceTypes })
    validate = ajv.compile(schema)
    if (file !== undefined) writeCached(file, ajv, validate)
  }
  if (key !== undefined) inProcess.set(key, validate)
  return validate as ValidateFunction<T>
}

/** `OPERATOR_CACHE_DIR`, else `.cache/validators` in core's package directory. */
export function validatorCacheDir (): string {
  const dir = process.env.OPERATOR_CACHE_DIR
  return dir !== undefined && dir !== '' ? dir : fileURLToPath(new URL('../../.cache/validators', import.meta.url))
}

let ajvVersion: string | undefined

/** The cache file for a schema: named by a hash of Ajv's version, the options and the schema; undefined if unhashable. */
function cacheFile (schema: AnySchema, coerceTypes: boolean): string | undefined {
  try {
    ajvVersion ??= (require('ajv/package.json') as { version: string }).version
    const json = JSON.stringify({ ajv: ajvVersion, options: ajvOptions(coerceTypes), schema })
    return join(validatorCacheDir(), `${createHash('sha256').update(json).digest('hex')}.cjs`)
  } catch {
    return undefined
  }
}

function loadCached (file: string): ValidateFunction | undefined {
  try {
    const validate = require(file) as unknown
    return typeof validate === 'function' ? validate as ValidateFunction : undefined
  } catch {
    // Missing, unreadable or corrupt: compiled again and rewritten.
    return undefined
  }
}

/** Writes the validator as standalone CommonJS, its runtime requires made absolute so the file works from anywhere. */
function writeCached (file: string, ajv: Ajv, validate: ValidateFunction): void {
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`
  try {
    const standaloneCode = require('ajv/dist/standalone') as (ajv: Ajv, validate: ValidateFunction) => string
    const code = standaloneCode(ajv, validate)
      .replace(/require\("([^"]+)"\)/g, (_, id: string) => `require(${JSON.stringify(require.resolve(id))})`)
    mkdirSync(join(file, '..'), { recursive: true })
    writeFileSync(temp, code)
    renameSync(temp, file)
  } catch {
    // A read-only install compiles at each start.
    try { rmSync(temp, { force: true }) } catch {}
  }
}

/** Ajv's `errorsText`, without Ajv: `env/PORT must be integer, env/HOST ...`. */
export function errorsText (errors: readonly ErrorObject[] | null | undefined, { dataVar = 'data' }: { dataVar?: string } = {}): string {
  if (errors === null || errors === undefined || errors.length === 0) return 'No errors'
  return errors.map((e) => `${dataVar}${e.instancePath} ${String(e.message)}`).join(', ')
}

/**
 * What is wrong with a JSON Schema itself (checked against the draft-07 meta-schema), or undefined when nothing is.
 * Ajv validates against a meta-schema without coercion or defaults, so the schema is not changed.
 */
export function schemaProblem (schema: unknown): string | undefined {
  if (schema === null || (typeof schema !== 'object' && typeof schema !== 'boolean')) return 'it is not an object'
  const ajv = sharedAjv()
  try {
    if (ajv.validateSchema(schema as AnySchema) === true) return undefined
    return ajv.errorsText(ajv.errors, { dataVar: 'schema' })
  } catch (err) {
    // An unknown $schema (draft 2020-12...) or a $schema that is not a string.
    return (err as Error).message
  }
}

/** `/plugins/2/enabled` → `plugins[2].enabled`; a missing property names itself. */
export function errorKey (error: ErrorObject): string {
  const parts = error.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
  if (error.keyword === 'required') parts.push(String((error.params as { missingProperty: string }).missingProperty))
  if (error.keyword === 'additionalProperties') parts.push(String((error.params as { additionalProperty: string }).additionalProperty))
  return parts.reduce((key, p) => (/^\d+$/.test(p) ? `${key}[${p}]` : key === '' ? p : `${key}.${p}`), '')
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  integer: 'a whole number', number: 'a number', boolean: 'true or false', string: 'text', object: 'an object', array: 'a list'
}

/**
 * What was expected, in words: `must be a whole number`, `is required`, `must be an http(s) URL`. A schema may say
 * what its pattern means with an `expected` annotation (`{ "pattern": "^https?://", "expected": "an http(s) URL" }`).
 */
export function errorExpectation (error: ErrorObject): string {
  const params = error.params as Record<string, unknown>
  const expected = (error.parentSchema as { expected?: unknown } | undefined)?.expected
  if (typeof expected === 'string' && error.keyword !== 'required' && error.keyword !== 'additionalProperties') {
    return `must be ${expected}`
  }
  switch (error.keyword) {
    case 'required': return 'is required'
    case 'additionalProperties': return 'is not a known setting'
    case 'enum': return `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`
    case 'type': {
      const types = String(params.type).split(',')
      return `must be ${types.map((t) => TYPE_WORDS[t] ?? t).join(' or ')}`
    }
    case 'minimum': return `must be at least ${String(params.limit)}`
    case 'maximum': return `must be at most ${String(params.limit)}`
    case 'minLength': return params.limit === 1 ? 'must not be empty' : `must be at least ${String(params.limit)} characters`
    case 'pattern': return `must match the pattern ${String(params.pattern)}`
  }
  return error.message ?? 'is invalid'
}
