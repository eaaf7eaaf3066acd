import type { FastifyServerOptions } from 'fastify'

/** Paths pino blanks out: auth headers, signatures, and anything named like a secret in logged objects. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-twilio-signature"]',
  'req.headers["dd-api-key"]',
  'req.headers["dd-application-key"]',
  'req.headers["kong-admin-token"]',
  'req.headers.cookie',
  '*.authToken', '*.auth_token', '*.password', '*.apiKey', '*.appKey', '*.token', '*.secret',
  '*.TWILIO_AUTH_TOKEN', '*.DATADOG_API_KEY', '*.DATADOG_APP_KEY', '*.GATEWAY_ADMIN_KEY'
]

export interface LogSettings {
  readonly level?: string
  /** `json` in production and when not a terminal; `pretty` when a person watches a terminal. */
  readonly format?: string
  readonly nodeEnv?: string
  readonly isTTY?: boolean
}

/** pino options for the daemon: JSON in production, readable in a terminal, secrets redacted. */
export function loggerOptions (settings: LogSettings): NonNullable<FastifyServerOptions['logger']> {
  const pretty = settings.format === 'pretty' ||
    (settings.format !== 'json' && settings.nodeEnv !== 'production' && settings.isTTY === true)
  return {
    level: settings.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss', ignore: 'pid,hostname' } } } : {})
  }
}
