import { ERR_CONFIG_ENV_REF } from '../errors.js'

const REF_RE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string of a config value with the environment's values.
 * A string that is exactly one reference to an unset variable with no default is an error naming the key.
 */
export function resolveEnvRefs (value: unknown, env: Readonly<Record<string, string | undefined>>, key = ''): unknown {
  if (typeof value === 'string') {
    return value.replace(REF_RE, (_m, name: string, fallback: string | undefined) => {
      const v = env[name]
      if (v !== undefined && v !== '') return v
      if (fallback !== undefined) return fallback
      throw new ERR_CONFIG_ENV_REF(key === '' ? '(root)' : key, name)
    })
  }
  if (Array.isArray(value)) return value.map((v, i) => resolveEnvRefs(v, env, `${key}[${i}]`))
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = resolveEnvRefs(v, env, key === '' ? k : `${key}.${k}`)
    return out
  }
  return value
}
