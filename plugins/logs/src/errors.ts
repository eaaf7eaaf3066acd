import { OperatorError, isHttpStatusError } from '@operator/core'

// Errors this plugin raises, each with a stable code; the message is the one line a person reads after `logs: `.
export type LogsErrorCode =
  | 'OPR_ERR_LOGS_AUTH'
  | 'OPR_ERR_LOGS_QUERY'
  | 'OPR_ERR_LOGS_UPSTREAM'
  | 'OPR_ERR_LOGS_UNREACHABLE'
  | 'OPR_ERR_LOGS_TIMEOUT'
  | 'OPR_ERR_LOGS_BODY'
  | 'OPR_ERR_LOGS_CREDENTIALS'
  | 'OPR_ERR_LOGS_OVERLOADED'

export class LogsError extends OperatorError<LogsErrorCode> {}

/** The first line of an upstream's reason, short and without control characters. */
export function shortReason (text: string, max = 120): string {
  const line = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim()
  return line.length > max ? `${line.slice(0, max - 3)}...` : line
}

/** The backend is shedding load: nothing to fix on our side, ask again shortly. */
export function overloaded (name: string, reason: string): LogsError {
  return new LogsError('OPR_ERR_LOGS_OVERLOADED', `${name} is overloaded (${reason}), try again in a minute`)
}

/**
 * Turns a failed HTTP call into one line: credentials refused, a query rejected with the backend's own reason (read
 * by `reasonOf`), or the backend failing. Transport errors (unreachable, timeout, non-JSON) already carry one line
 * from core and pass through.
 */
export function mapHttpError (name: string, err: unknown, reasonOf: (body: string) => string | undefined): unknown {
  if (!isHttpStatusError(err)) return err
  const { status } = err
  if (status === 401 || status === 403) {
    return new LogsError('OPR_ERR_LOGS_AUTH', `${name} refused the credentials (HTTP ${status})`)
  }
  const reason = reasonOf(err.body)
  // 429 is the backend shedding load (Loki: "too many outstanding requests"), not a fault in the query.
  if (status === 429) return overloaded(name, reason === undefined || reason === '' ? 'HTTP 429' : reason)
  if (status >= 400 && status < 500) {
    const tail = reason === undefined || reason === '' ? `HTTP ${status}` : reason
    return new LogsError('OPR_ERR_LOGS_QUERY', `${name} rejected the query: ${tail}`)
  }
  const tail = reason === undefined || reason === '' ? '' : `: ${reason}`
  return new LogsError('OPR_ERR_LOGS_UPSTREAM', `${name} failed (HTTP ${status})${tail}`)
}
