import type { JsonSchema } from '@operator/core'
import { apiBaseForSite, canonicalSite, KNOWN_SITES } from './sites.js'

/**
 * The validated config as register() receives it (defaults filled in by the schema). A type alias, not an interface,
 * so that it is assignable to core's Record<string, unknown> config type (createTestOperator, embedding).
 */
export type DatadogConfig = {
  readonly apiKey: string
  readonly appKey?: string
  readonly site: string
  readonly url?: string
  readonly timeoutMs: number
  readonly queries: Readonly<Record<string, string>>
}

/** Named queries a person can text instead of a Datadog query: `metrics cpu`. Config adds to and overrides these. */
export const DEFAULT_QUERIES: Readonly<Record<string, string>> = {
  cpu: 'avg:system.cpu.user{*}by{host}',
  load: 'avg:system.load.1{*}by{host}',
  memory: 'avg:system.mem.used{*}by{host}',
  disk: 'max:system.disk.in_use{*}by{host}',
  up: 'avg:datadog.agent.running{*}by{host}',
  errors: 'sum:trace.http.request.errors{*}by{service}.as_count()'
}

export const configSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['apiKey'],
  properties: {
    apiKey: { type: 'string', minLength: 1, description: 'Datadog API key (DD-API-KEY)' },
    appKey: { type: 'string', minLength: 1, description: 'Datadog application key (DD-APPLICATION-KEY): queries and monitors' },
    site: { type: 'string', minLength: 1, default: 'datadoghq.com', description: 'Datadog site, e.g. datadoghq.eu or eu' },
    url: { type: 'string', pattern: '^https?://[^\\s]+$', expected: 'an http(s) URL', description: 'API base URL; overrides the site (proxies, tests)' },
    timeoutMs: { type: 'integer', minimum: 100, maximum: 60000, default: 5000 },
    queries: {
      type: 'object',
      default: {},
      propertyNames: { pattern: '^[a-z0-9][a-z0-9_.-]{0,31}$' },
      additionalProperties: { type: 'string', minLength: 1 }
    }
  }
}

/** Documented environment variables → config keys. */
export const env: Readonly<Record<string, string>> = {
  DATADOG_API_KEY: 'apiKey',
  DATADOG_APP_KEY: 'appKey',
  DATADOG_SITE: 'site',
  DATADOG_URL: 'url',
  DATADOG_TIMEOUT_MS: 'timeoutMs'
}

export interface Settings {
  /** Where requests go: the site's API host, or the `url` override. */
  readonly baseUrl: string
  /** The canonical site name, for messages. */
  readonly site: string
  readonly timeoutMs: number
  readonly queries: Readonly<Record<string, string>>
}

/** Resolves the site and URL once at start-up; a bad value stops the daemon with a message a person can act on. */
export function resolveSettings (config: DatadogConfig): Settings {
  const site = canonicalSite(config.site)
  if (site === undefined) {
    throw new Error(`unknown Datadog site '${config.site.slice(0, 40)}' (DATADOG_SITE): use one of ${KNOWN_SITES.join(', ')}`)
  }
  let baseUrl = apiBaseForSite(site)!
  if (config.url !== undefined) {
    // The schema has checked the scheme; what is left is a URL that does not parse (`http://[`).
    let parsed: URL
    try {
      parsed = new URL(config.url)
    } catch {
      throw new Error('url (DATADOG_URL) must be an http(s) URL such as https://api.datadoghq.com')
    }
    baseUrl = `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`
  }
  const queries: Record<string, string> = { ...DEFAULT_QUERIES }
  for (const [name, query] of Object.entries(config.queries)) queries[name.toLowerCase()] = query
  return { baseUrl, site, timeoutMs: config.timeoutMs, queries }
}
