import { ERR_HTTP_ABORTED, ERR_HTTP_BODY, ERR_HTTP_STATUS, ERR_HTTP_TIMEOUT, ERR_HTTP_UNREACHABLE } from '../errors.js'

/** An OPR_ERR_HTTP_STATUS error also carries what the upstream said, so a plugin can quote its reason. */
export interface HttpStatusError extends Error {
  readonly code: 'OPR_ERR_HTTP_STATUS'
  readonly status: number
  readonly body: string
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
}

const TRANSPORT_REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_CLOSED: 'client closed',
  CERT_HAS_EXPIRED: 'TLS certificate expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed TLS certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate not trusted'
}

const TIMEOUT_REASONS: Readonly<Record<string, string>> = {
  UND_ERR_CONNECT_TIMEOUT: 'connect timeout',
  UND_ERR_HEADERS_TIMEOUT: 'no answer in time',
  UND_ERR_BODY_TIMEOUT: 'answer stalled'
}

/**
 * The short reason for a system or undici network error code (`ECONNREFUSED` → `connection refused`), for plugins
 * whose clients are not ours (the AWS SDK, pg) and must say the same thing the same way.
 */
export function networkReason (code: string | undefined): string | undefined {
  return code === undefined ? undefined : TRANSPORT_REASONS[code]
}

function codeOf (err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null
  if (e === null || typeof e !== 'object') return undefined
  if (typeof e.code === 'string') return e.code
  if (e.cause !== undefined && typeof e.cause?.code === 'string') return e.cause.code
  return undefined
}

/** Maps undici/system errors onto our stable codes with a short reason; never includes URLs or headers. */
export function mapTransportError (name: string, err: unknown, signal: AbortSignal | undefined): Error {
  const code = codeOf(err)
  if (code !== undefined && code.startsWith('OPR_ERR_')) return err as Error
  if (signal?.aborted === true) {
    const reason = signal.reason as { name?: string } | undefined
    if (reason?.name === 'TimeoutError') return new ERR_HTTP_TIMEOUT(name, 'deadline reached')
    return new ERR_HTTP_ABORTED(name)
  }
  if (code !== undefined && TIMEOUT_REASONS[code] !== undefined) return new ERR_HTTP_TIMEOUT(name, TIMEOUT_REASONS[code])
  const reason = (code !== undefined ? TRANSPORT_REASONS[code] : undefined) ?? (code ?? 'network error')
  return new ERR_HTTP_UNREACHABLE(name, reason)
}

export function statusError (name: string, status: number, body: string,
  headers: Readonly<Record<string, string | string[] | undefined>>): HttpStatusError {
  const err = new ERR_HTTP_STATUS(name, `HTTP ${status}`) as unknown as HttpStatusError
  Object.defineProperties(err, {
    status: { value: status, enumerable: true },
    // Kept short: enough for a plugin to quote the upstream's reason, not a whole HTML error page.
    body: { value: body.slice(0, 4096), enumerable: false },
    headers: { value: headers, enumerable: false }
  })
  return err
}

export function isHttpStatusError (err: unknown): err is HttpStatusError {
  return codeOf(err) === 'OPR_ERR_HTTP_STATUS' && typeof (err as { status?: unknown }).status === 'number'
}

export function timeoutError (name: string, reason: string): Error {
  return new ERR_HTTP_TIMEOUT(name, reason)
}

export function bodyError (name: string, what: string): Error {
  return new ERR_HTTP_BODY(name, what)
}
