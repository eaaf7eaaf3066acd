import type { ErrorObject } from 'ajv'
import { ERR_CONFIG_ENV_VALUE } from '../errors.js'
import { errorExpectation, errorKey } from './ajv.js'

const SECRET_NAME_RE = /TOKEN|KEY|SECRET|PASSWORD/i
const MAX_SHOWN = 60

/** A variable whose value must never be shown: its name says so, or the plugin's schema marks the key `secret`. */
export function isSecretVariable (name: string, markedSecret = false): boolean {
  return markedSecret || SECRET_NAME_RE.test(name)
}

/**
 * A value as an error may show it: quoted, cut to a readable length, a password inside a URL blanked; a secret only
 * by its length.
 */
export function shownValue (value: unknown, secret: boolean): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value)
  if (secret) return `<redacted, ${[...text].length} characters>`
  const clean = text.replace(/:[^@/\s]*@/g, ':<redacted>@')
  const cut = [...clean].length > MAX_SHOWN ? `${[...clean].slice(0, MAX_SHOWN).join('')}...` : clean
  return typeof value === 'string' ? `'${cut}'` : cut
}

/** `PROMETHEUS_URL must be an http(s) URL, got 'garbage'`, plus where the variable went when that helps. */
export function envValueError (variable: string, expectation: string, value: unknown, secret: boolean, context = ''): Error {
  return new ERR_CONFIG_ENV_VALUE(`${variable} ${expectation}, got ${shownValue(value, secret)}${context}`)
}

/**
 * A failed environment validation (an error carrying Ajv's `errors` about `env`) as one line naming the variable and
 * its value. Anything else is returned unchanged.
 */
export function envSchemaError (err: unknown, env: Readonly<Record<string, string | undefined>>): unknown {
  const errors = (err as { errors?: unknown } | null)?.errors
  if (!Array.isArray(errors) || errors.length === 0) return err
  const first = errors[0] as ErrorObject
  const variable = errorKey(first)
  if (variable === '') return err
  return envValueError(variable, errorExpectation(first), env[variable] ?? '', isSecretVariable(variable))
}
