import { Ajv, type AnySchema, type ErrorObject } from 'ajv'

export interface AjvOptions {
  /** Coerce strings to the schema's types: for plugin config and the environment, whose values arrive as strings. */
  readonly coerceTypes?: boolean
}

const shared = new Map<boolean, Ajv>()

/**
 * The Ajv for config validation with defaults filled in: one per option set, made on first use. `coerceTypes` is for
 * plugin config and the environment, where values arrive as strings; the JSON config file is validated as typed.
 * `verbose` keeps each error's schema, so an `expected` annotation can say in words what a pattern means.
 *
 * Compiled validators are cached by schema object, so `sharedAjv().compile(schema)` at each use compiles once.
 * Schemas are not checked against the JSON Schema meta-schema here (compiling it costs start-up ~20 ms per instance,
 * ~45-60 ms with every plugin): core's own schemas are checked by test/config-schemas.test.ts, a plugin's by the test
 * harness (refused) and `operator config check` (warned), through `schemaProblem`.
 */
export function sharedAjv ({ coerceTypes = true }: AjvOptions = {}): Ajv {
  let ajv = shared.get(coerceTypes)
  if (ajv === undefined) {
    ajv = new Ajv({
      allErrors: false, useDefaults: true, coerceTypes, strict: false, verbose: true, validateSchema: false,
      // Each schema is compiled once and validates a handful of objects: the optimiser's pass over the generated code
      // (it does not change what a validator accepts) costs more than it saves, about half of each compile.
      code: { optimize: false }
    })
    shared.set(coerceTypes, ajv)
  }
  return ajv
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
