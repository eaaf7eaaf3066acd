import { Ajv, type ErrorObject } from 'ajv'

/**
 * Ajv for config validation with defaults filled in. `coerceTypes` is for plugin config, where values from the
 * environment arrive as strings; the JSON config file is validated as typed.
 */
export function createAjv ({ coerceTypes = true }: { coerceTypes?: boolean } = {}): Ajv {
  return new Ajv({ allErrors: false, useDefaults: true, coerceTypes, strict: false })
}
/** `/plugins/2/enabled` → `plugins[2].enabled`; a missing property names itself. */
export function errorKey (error: ErrorObject): string {
  const parts = error.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
  if (error.keyword === 'required') parts.push(String((error.params as { missingProperty: string }).missingProperty))
  if (error.keyword === 'additionalProperties') parts.push(String((error.params as { additionalProperty: string }).additionalProperty))
  return parts.reduce((key, p) => (/^\d+$/.test(p) ? `${key}[${p}]` : key === '' ? p : `${key}.${p}`), '')
}

/** What was expected, in words: `must be integer`, `is required`, `is not a known setting`. */
export function errorExpectation (error: ErrorObject): string {
  if (error.keyword === 'required') return 'is required'
  if (error.keyword === 'additionalProperties') return 'is not a known setting'
  if (error.keyword === 'enum') {
    const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')
    return `must be one of ${allowed}`
  }
  return error.message ?? 'is invalid'
}
