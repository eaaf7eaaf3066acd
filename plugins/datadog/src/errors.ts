import { OperatorError, formatAge, isHttpStatusError, type HttpStatusError } from '@operator/core'

// Every error this plugin raises, with a stable code. Messages are one plain line for a phone and never carry a key.
export type DatadogErrorCode =
  | 'OPR_ERR_DATADOG_API_KEY'
  | 'OPR_ERR_DATADOG_APP_KEY'
  | 'OPR_ERR_DATADOG_KEYS'
  | 'OPR_ERR_DATADOG_NO_APP_KEY'
  | 'OPR_ERR_DATADOG_RATE_LIMITED'
  | 'OPR_ERR_DATADOG_QUERY'
  | 'OPR_ERR_DATADOG_SERVER'
  | 'OPR_ERR_DATADOG_STATUS'
  | 'OPR_ERR_DATADOG_ANSWER'
  | 'OPR_ERR_DATADOG_TIMEOUT'

export class DatadogError extends OperatorError<DatadogErrorCode> {
  readonly status: number | undefined
  constructor (code: DatadogErrorCode, message: string, status?: number) {
    super(code, message)
    this.status = status
  }
}

export const apiKeyRejected = (): DatadogError =>
  new DatadogError('OPR_ERR_DATADOG_API_KEY', 'datadog rejected the API key (check DATADOG_API_KEY)', 403)
export const appKeyRejected = (): DatadogError =>
  new DatadogError('OPR_ERR_DATADOG_APP_KEY', 'datadog rejected the application key (check DATADOG_APP_KEY)', 403)
export const keysRejected = (): DatadogError =>
  new DatadogError('OPR_ERR_DATADOG_KEYS', 'datadog rejected the API or application key (HTTP 403)', 403)
export const noAppKey = (what: string): DatadogError =>
  new DatadogError('OPR_ERR_DATADOG_NO_APP_KEY', `datadog ${what} need an application key: set DATADOG_APP_KEY`)
export const unexpectedAnswer = (what: string): DatadogError =>
  new DatadogError('OPR_ERR_DATADOG_ANSWER', `datadog sent an unexpected ${what} answer`)
export const queryRejected = (reason: string): DatadogError =>
  new DatadogError('OPR_ERR_DATADOG_QUERY', `datadog: ${reason}`, 400)

function header (headers: HttpStatusError['headers'], name: string): string | undefined {
  const v = headers[name]
  return Array.isArray(v) ? v[0] : v
}

/** Seconds until Datadog lets us in again: X-RateLimit-Reset, else the period; undefined when neither is given. */
export function retryAfterSeconds (headers: HttpStatusError['headers']): number | undefined {
  for (const name of ['x-ratelimit-reset', 'x-ratelimit-period', 'retry-after']) {
    const n = Number(header(headers, name))
    if (Number.isFinite(n) && n > 0) return Math.ceil(n)
  }
  return undefined
}

/** Datadog's own words from `{"errors":["…"]}` (or `{"error":"…"}`), whitespace collapsed; undefined if none. */
export function datadogReason (body: string): string | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    return undefined
  }
  if (parsed === null || typeof parsed !== 'object') return undefined
  const { errors, error } = parsed as { errors?: unknown; error?: unknown }
  const first = Array.isArray(errors) ? errors.find((e) => typeof e === 'string') : typeof error === 'string' ? error : undefined
  if (typeof first !== 'string') return undefined
  const text = first.replace(/\s+/g, ' ').trim()
  return text === '' ? undefined : text
}

/**
 * Maps an HTTP status error onto a one-line reason. 403 is left to the caller (only it knows which key was used);
 * a timeout says how long we waited; other transport errors (unreachable, non-JSON) already read well.
 */
export function translateStatus (err: unknown, timeoutMs: number): unknown {
  if ((err as { code?: unknown } | null)?.code === 'OPR_ERR_HTTP_TIMEOUT') {
    return new DatadogError('OPR_ERR_DATADOG_TIMEOUT', `datadog timed out after ${formatAge(timeoutMs)}`)
  }
  if (!isHttpStatusError(err)) return err
  const reason = datadogReason(err.body)
  if (err.status === 429) {
    const wait = retryAfterSeconds(err.headers)
    const when = wait === undefined ? 'retry later' : `retry in ${formatAge(wait * 1000)}`
    return new DatadogError('OPR_ERR_DATADOG_RATE_LIMITED', `datadog rate limited, ${when}`, 429)
  }
  if (err.status === 400) return queryRejected(reason ?? 'bad request (HTTP 400)')
  if (err.status >= 500) {
    return new DatadogError('OPR_ERR_DATADOG_SERVER', `datadog server error (HTTP ${err.status})`, err.status)
  }
  const suffix = reason === undefined ? '' : `: ${reason}`
  return new DatadogError('OPR_ERR_DATADOG_STATUS', `datadog answered HTTP ${err.status}${suffix}`, err.status)
}
