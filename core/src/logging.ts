import type { FastifyRequest, FastifyServerOptions } from 'fastify'

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

const CENSOR = '[redacted]'

/**
 * A URL fit for a log line: each query value (a `?token=` is a secret as often as not) and any password in the
 * authority replaced, the fragment dropped; names, host and path kept, which is what finding a misconfigured URL needs.
 */
export function redactUrl (url: string): string {
  let out = url
  const hash = out.indexOf('#')
  if (hash !== -1) out = out.slice(0, hash)
  const authority = /^([a-z][a-z0-9+.-]*:\/\/[^/?#@:]*:)[^/?#@]*@/i.exec(out)
  if (authority !== null) out = `${authority[1]!}${CENSOR}@${out.slice(authority[0].length)}`
  const q = out.indexOf('?')
  if (q === -1 || q === out.length - 1) return out
  const parts = out.slice(q + 1).split('&')
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!
    const eq = part.indexOf('=')
    // A part with no `=` may itself be the secret (`?s3cr3t`); an empty one (`a=1&&b=2`) stays empty.
    parts[i] = eq === -1 ? (part === '' ? '' : CENSOR) : `${part.slice(0, eq + 1)}${CENSOR}`
  }
  return `${out.slice(0, q + 1)}${parts.join('&')}`
}

/**
 * Fastify's request serializer, with the URL's query values redacted. Anything else logged under `req` (a plain
 * object with headers, say) is kept as given, its `url` redacted too.
 */
export function serializeRequest (req: FastifyRequest): SerializedRequest {
  const r = req as Partial<FastifyRequest> & { url?: unknown } | null
  if (r === null || typeof r !== 'object') return r as unknown as SerializedRequest
  if (r.raw !== undefined && typeof r.url === 'string') {
    return { method: r.method, url: redactUrl(r.url), host: r.host, remoteAddress: r.ip, remotePort: r.socket?.remotePort }
  }
  return typeof r.url === 'string' ? { ...r, url: redactUrl(r.url) } : r as SerializedRequest
}

interface SerializedRequest {
  [key: string]: unknown
  method?: string
  url?: string
  host?: string
  remoteAddress?: string
  remotePort?: number
}

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
    redact: { paths: REDACT_PATHS, censor: CENSOR },
    serializers: { req: serializeRequest },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss', ignore: 'pid,hostname' } } } : {})
  }
}
