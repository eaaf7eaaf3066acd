import type { JsonSchema } from '@operator/core'

/** Basic auth (`username` + `password`) or a bearer `token`. */
export type PrometheusAuth = {
  readonly username?: string
  readonly password?: string
  readonly token?: string
}

export type PrometheusConfig = {
  /** Base URL of the Prometheus server (a path prefix such as `/prometheus` is kept). */
  readonly url: string
  readonly auth?: PrometheusAuth
  /** Cap on each request to Prometheus, in ms. */
  readonly timeoutMs: number
  /** Short names for PromQL: added to the defaults; an empty string removes a default. */
  readonly queries: Readonly<Record<string, string>>
}

/** What `metrics cpu` means unless config says otherwise (documented in the README). */
export const DEFAULT_QUERIES: Readonly<Record<string, string>> = {
  up: 'up',
  down: 'up == 0',
  cpu: '100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m])))',
  memory: '100 * (1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes)',
  disk: '100 * (1 - node_filesystem_avail_bytes{fstype!~"tmpfs|overlay"} / node_filesystem_size_bytes{fstype!~"tmpfs|overlay"})',
  errors: 'sum by (job) (rate(http_requests_total{code=~"5.."}[5m]))'
}

export const configSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['url'],
  properties: {
    url: { type: 'string', pattern: '^https?://[^\\s]+$', expected: 'an http(s) URL' },
    auth: {
      type: 'object',
      additionalProperties: false,
      properties: {
        username: { type: 'string', minLength: 1 },
        password: { type: 'string' },
        token: { type: 'string', minLength: 1 }
      },
      minProperties: 1,
      // Basic auth needs both halves; a token alone is bearer auth (and wins if both are given).
      allOf: [
        { if: { required: ['username'] }, then: { required: ['password'] } },
        { if: { required: ['password'] }, then: { required: ['username'] } }
      ]
    },
    timeoutMs: { type: 'integer', minimum: 100, maximum: 120_000, default: 5000 },
    queries: {
      type: 'object',
      default: {},
      propertyNames: { pattern: '^[a-z][a-z0-9_-]{0,31}$' },
      additionalProperties: { type: 'string' }
    }
  }
}

/** How the documented environment variables map onto config keys. */
export const configEnv: Readonly<Record<string, string>> = {
  PROMETHEUS_URL: 'url',
  PROMETHEUS_USERNAME: 'auth.username',
  PROMETHEUS_PASSWORD: 'auth.password',
  PROMETHEUS_BEARER_TOKEN: 'auth.token'
}

/** The defaults overlaid by config; names are matched case-insensitively, so they are kept lower case. */
export function namedQueries (configured: Readonly<Record<string, string>>): ReadonlyMap<string, string> {
  const merged = new Map(Object.entries(DEFAULT_QUERIES))
  for (const [name, promql] of Object.entries(configured)) {
    const key = name.toLowerCase()
    if (promql.trim() === '') merged.delete(key)
    else merged.set(key, promql.trim())
  }
  return merged
}

/** The Authorization header for the configured credentials, if any. */
export function authHeaders (auth: PrometheusAuth | undefined): Record<string, string> {
  if (auth?.token !== undefined) return { authorization: `Bearer ${auth.token}` }
  if (auth?.username !== undefined) {
    const pair = `${auth.username}:${auth.password ?? ''}`
    return { authorization: `Basic ${Buffer.from(pair).toString('base64')}` }
  }
  return {}
}
