import type { JsonSchema } from '@operator/core'

export const LOG_TYPES = ['elasticsearch', 'loki', 'cloudwatch'] as const
export type LogType = (typeof LOG_TYPES)[number]

/** The plugin's validated config (Ajv fills the defaults from `configSchema`). */
export interface LogsConfig {
  type: LogType
  /** Elasticsearch / Loki base URL; for CloudWatch an optional endpoint override. */
  url?: string
  windowMinutes: number
  limit: number
  /** How many matching lines Loki and CloudWatch read at most to count matches (Elasticsearch counts exactly). */
  scanLimit: number
  /** Clock shown in front of each line (an IANA zone such as `Europe/Berlin`). */
  timeZone: string
  /** Levels that `logs errors` counts (matched as given, lower case, upper case and capitalised). */
  errorLevels: string[]
  requestTimeoutMs: number
  // Elasticsearch
  index: string
  timestampField: string
  messageField: string
  levelField: string
  serviceField: string
  username?: string
  password?: string
  apiKey?: string
  // Loki
  selector: string
  orgId?: string
  levelLabel: string
  serviceLabel: string
  // CloudWatch
  region?: string
  logGroups: string[] | string
  maxPages: number
  maxAttempts: number
}

export const configSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  properties: {
    type: { type: 'string', enum: [...LOG_TYPES] },
    url: { type: 'string', pattern: '^https?://[^\\s]+$', expected: 'an http(s) URL' },
    windowMinutes: { type: 'integer', minimum: 1, maximum: 43_200, default: 15 },
    limit: { type: 'integer', minimum: 1, maximum: 20, default: 5 },
    scanLimit: { type: 'integer', minimum: 10, maximum: 5000, default: 1000 },
    timeZone: { type: 'string', default: 'UTC' },
    errorLevels: {
      type: 'array',
      items: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_-]*$' },
      minItems: 1,
      default: ['error', 'err', 'fatal', 'critical', 'crit', 'panic', 'emerg', 'alert']
    },
    requestTimeoutMs: { type: 'integer', minimum: 100, maximum: 60_000, default: 8000 },
    index: { type: 'string', minLength: 1, default: 'logs-*' },
    timestampField: { type: 'string', minLength: 1, default: '@timestamp' },
    messageField: { type: 'string', minLength: 1, default: 'message' },
    levelField: { type: 'string', minLength: 1, default: 'log.level' },
    serviceField: { type: 'string', minLength: 1, default: 'service.name' },
    username: { type: 'string' },
    password: { type: 'string' },
    apiKey: { type: 'string', minLength: 1 },
    selector: { type: 'string', pattern: '^\\s*\\{.*\\}\\s*$', default: '{job=~".+"}' },
    orgId: { type: 'string', minLength: 1 },
    levelLabel: { type: 'string', pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$', default: 'level' },
    serviceLabel: { type: 'string', pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$', default: 'service_name' },
    region: { type: 'string', minLength: 1 },
    logGroups: {
      anyOf: [{ type: 'array', items: { type: 'string', minLength: 1 } }, { type: 'string' }],
      default: []
    },
    maxPages: { type: 'integer', minimum: 1, maximum: 100, default: 10 },
    maxAttempts: { type: 'integer', minimum: 1, maximum: 5, default: 2 }
  },
  allOf: [
    { if: { properties: { type: { enum: ['elasticsearch', 'loki'] } } }, then: { required: ['url'] } }
  ]
}

/** The documented environment variables, as in the original setup guide plus the new settings. */
export const envMap: Readonly<Record<string, string>> = {
  LOGS_TYPE: 'type',
  LOGS_URL: 'url',
  LOGS_WINDOW_MINUTES: 'windowMinutes',
  LOGS_LIMIT: 'limit',
  LOGS_SCAN_LIMIT: 'scanLimit',
  LOGS_TIME_ZONE: 'timeZone',
  LOGS_TIMEOUT_MS: 'requestTimeoutMs',
  LOGS_INDEX: 'index',
  LOGS_TIMESTAMP_FIELD: 'timestampField',
  LOGS_MESSAGE_FIELD: 'messageField',
  LOGS_LEVEL_FIELD: 'levelField',
  LOGS_SERVICE_FIELD: 'serviceField',
  LOGS_USERNAME: 'username',
  LOGS_PASSWORD: 'password',
  LOGS_API_KEY: 'apiKey',
  LOGS_SELECTOR: 'selector',
  LOGS_ORG_ID: 'orgId',
  LOGS_LEVEL_LABEL: 'levelLabel',
  LOGS_SERVICE_LABEL: 'serviceLabel',
  LOGS_REGION: 'region',
  LOGS_GROUPS: 'logGroups',
  LOGS_MAX_PAGES: 'maxPages'
}

/** `a, b` from the environment or `["a","b"]` from the config file. */
export function logGroupList (value: string[] | string): string[] {
  const list = Array.isArray(value) ? value : value.split(',')
  return list.map((g) => g.trim()).filter((g) => g !== '')
}

/** Each level as given, lower, upper and capitalised: keyword fields and Loki labels compare case-sensitively. */
export function levelVariants (levels: readonly string[]): string[] {
  const out = new Set<string>()
  for (const level of levels) {
    const lower = level.toLowerCase()
    out.add(level)
    out.add(lower)
    out.add(level.toUpperCase())
    out.add(lower.charAt(0).toUpperCase() + lower.slice(1))
  }
  return [...out]
}
