import { Ajv, type ErrorObject } from 'ajv'

/**
 * Ajv for config validation with defaults filled in. `coerceTypes` is for plugin config, where values from the
 * environment arrive as strings; the JSON config file is validated as typed. `verbose` keeps each error's schema, so
 * an `expected` annotation can say in words what a pattern means.
 */
export function createAjv ({ coerceTypes = true }: { coerceTypes?: boolean } = {}): Ajv {
  return new Ajv({ allErrors: false, useDefaults: true, coerceTypes, strict: false, verbose: true })
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
