import type { JsonSchema } from '@operator/core'

/**
 * The validated config as register() receives it (defaults filled in by the schema). A type alias, not an interface,
 * so that it is assignable to core's Record<string, unknown> config type.
 */
export type NewRelicConfig = {
  readonly apiKey: string
  readonly accountId: number
  readonly region: string
  readonly url?: string
  readonly timeoutMs: number
  readonly maxConcurrent: number
  readonly windowMinutes: number
  readonly issuesWindowHours: number
  readonly queries: Readonly<Record<string, string>>
}

/** NerdGraph's two regions: the account's data lives in one of them, and a key works only there. */
export const REGION_URLS: Readonly<Record<string, string>> = {
  us: 'https://api.newrelic.com',
  eu: 'https://api.eu.newrelic.com'
}

// NerdGraph allows 25 requests in flight per user; the HTTP pool never opens more connections than this.
export const NERDGRAPH_MAX_CONCURRENT = 25

export const configSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['apiKey', 'accountId'],
  properties: {
    apiKey: { type: 'string', minLength: 1, secret: true, description: 'New Relic user key (NRAK-…), sent as API-Key' },
    accountId: { type: 'integer', minimum: 1, description: 'The account NRQL runs against' },
    region: { type: 'string', enum: ['us', 'eu', 'US', 'EU'], default: 'us', description: 'us (api.newrelic.com) or eu (api.eu.newrelic.com)' },
    url: { type: 'string', pattern: '^https?://[^\\s]+$', expected: 'an http(s) URL', description: 'NerdGraph base URL; overrides the region (proxies, tests)' },
    timeoutMs: { type: 'integer', minimum: 100, maximum: 60000, default: 8000 },
    maxConcurrent: { type: 'integer', minimum: 1, maximum: NERDGRAPH_MAX_CONCURRENT, default: 8, description: 'NerdGraph requests in flight at once from this daemon' },
    windowMinutes: { type: 'integer', minimum: 1, maximum: 1440, default: 5, description: 'The window of `newrelic <app>`' },
    issuesWindowHours: { type: 'integer', minimum: 1, maximum: 720, default: 168, description: 'How far back `newrelic issues` looks for issues still open' },
    queries: {
      type: 'object',
      default: {},
      propertyNames: { pattern: '^[a-z0-9][a-z0-9_.-]{0,31}$' },
      additionalProperties: { type: 'string', minLength: 1, maxLength: 4000 }
    }
  }
}

/** Documented environment variables → config keys. Named queries come from the config file only. */
export const env: Readonly<Record<string, string>> = {
  NEW_RELIC_API_KEY: 'apiKey',
  NEW_RELIC_ACCOUNT_ID: 'accountId',
  NEW_RELIC_REGION: 'region',
  NEW_RELIC_URL: 'url',
  NEW_RELIC_TIMEOUT_MS: 'timeoutMs'
}

export interface Settings {
  /** Where requests go: the region's NerdGraph host, or the `url` override. */
  readonly baseUrl: string
  readonly region: 'us' | 'eu'
  readonly accountId: number
  readonly timeoutMs: number
  readonly maxConcurrent: number
  readonly windowMinutes: number
  readonly issuesWindowHours: number
  readonly queries: Readonly<Record<string, string>>
}

/** Resolves the region and URL once at start-up; a bad value stops the daemon with a message a person can act on. */
export function resolveSettings (config: NewRelicConfig): Settings {
  const region = config.region.toLowerCase() === 'eu' ? 'eu' : 'us'
  let baseUrl = REGION_URLS[region]!
  if (config.url !== undefined) {
    // The schema has checked the scheme; what is left is a URL that does not parse (`http://[`).
    let parsed: URL
    try {
      parsed = new URL(config.url)
    } catch {
      throw new Error('url (NEW_RELIC_URL) must be an http(s) URL such as https://api.newrelic.com')
    }
    baseUrl = `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`
  }
  return {
    baseUrl,
    region,
    accountId: config.accountId,
    timeoutMs: config.timeoutMs,
    maxConcurrent: config.maxConcurrent,
    windowMinutes: config.windowMinutes,
    issuesWindowHours: config.issuesWindowHours,
    queries: config.queries
  }
}
