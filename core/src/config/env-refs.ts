import { ERR_CONFIG_ENV_REF } from '../errors.js'

const REF_RE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g
const WHOLE_REF_RE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?\}$/

export interface ResolvedRefs {
  readonly value: unknown
  /** Config key → the variable its whole value came from (`"url": "${SHOP_URL}"`), for errors that name it. */
  readonly sources: ReadonlyMap<string, string>
}

const OMIT = Symbol('omit')

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string of a config value with the environment's values.
 * A reference to an unset (or empty) variable with no default is an error naming `where` and the key. A key whose
 * whole value is one reference that comes out empty (`${VAR:-}` with VAR unset) is left out, so an optional setting
 * stays unset instead of failing its pattern.
 */
export function resolveEnvRefs (value: unknown, env: Readonly<Record<string, string | undefined>>, where: string): ResolvedRefs {
  const sources = new Map<string, string>()
  const walk = (v: unknown, key: string): unknown => {
    if (typeof v === 'string') {
      const out = v.replace(REF_RE, (_m, name: string, fallback: string | undefined) => {
        const set = env[name]
        if (set !== undefined && set !== '') return set
        if (fallback !== undefined) return fallback
        const at = key === '' ? where : `${where} config key ${key}`
        throw new ERR_CONFIG_ENV_REF(at, name, `set ${name} or write \${${name}:-default}`)
      })
      const whole = WHOLE_REF_RE.exec(v)
      if (whole !== null) {
        if (out === '') return OMIT
        sources.set(key, whole[1]!)
      }
      return out
    }
    if (Array.isArray(v)) return v.map((item, i) => walk(item, `${key}[${i}]`)).filter((item) => item !== OMIT)
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {}
      for (const [k, item] of Object.entries(v)) {
        const resolved = walk(item, key === '' ? k : `${key}.${k}`)
        if (resolved !== OMIT) out[k] = resolved
      }
      return out
    }
    return v
  }
  const resolved = walk(value, '')
  return { value: resolved === OMIT ? undefined : resolved, sources }
}
