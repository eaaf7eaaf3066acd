import { OperatorError, formatAge, isHttpStatusError } from '@operator/core'

// Every error this plugin raises, with a stable code. Messages are one plain line for a phone and never carry the key.
export type NewRelicErrorCode =
  | 'OPR_ERR_NEWRELIC_AUTH'
  | 'OPR_ERR_NEWRELIC_FORBIDDEN'
  | 'OPR_ERR_NEWRELIC_RATE_LIMITED'
  | 'OPR_ERR_NEWRELIC_GRAPHQL'
  | 'OPR_ERR_NEWRELIC_SERVER'
  | 'OPR_ERR_NEWRELIC_STATUS'
  | 'OPR_ERR_NEWRELIC_ANSWER'
  | 'OPR_ERR_NEWRELIC_TIMEOUT'

export class NewRelicError extends OperatorError<NewRelicErrorCode> {
  readonly status: number | undefined
  constructor (code: NewRelicErrorCode, message: string, status?: number) {
    super(code, message)
    this.status = status
  }
}

const MAX_REASON = 120

/** One line of at most MAX_REASON characters: NerdGraph's messages can carry newlines and long NRQL echoes. */
export function oneLineReason (text: string): string {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length <= MAX_REASON ? line : `${line.slice(0, MAX_REASON - 3)}...`
}

export const unexpectedAnswer = (what: string): NewRelicError =>
  new NewRelicError('OPR_ERR_NEWRELIC_ANSWER', `newrelic sent an unexpected ${what} answer`)

/** `errors[]` that arrived with HTTP 200: the first message is the reason (NRQL syntax, unknown account...). */
export function graphqlError (errors: readonly unknown[]): NewRelicError {
  const first = errors[0] as { message?: unknown } | undefined
  const message = typeof first?.message === 'string' && first.message.trim() !== '' ? oneLineReason(first.message) : 'query failed'
  const more = errors.length > 1 ? ` (+${errors.length - 1} more)` : ''
  return new NewRelicError('OPR_ERR_NEWRELIC_GRAPHQL', `newrelic: ${message}${more}`, 200)
}

/**
 * Maps a transport or status error of a NerdGraph call onto one line: the key refused (401), not allowed (403), too
 * many requests in flight (429), NerdGraph's own trouble (5xx), or how long we waited. Unreachable and non-JSON
 * errors from core's client already read well and pass through.
 */
export function translateError (err: unknown, timeoutMs: number): unknown {
  if ((err as { code?: unknown } | null)?.code === 'OPR_ERR_HTTP_TIMEOUT') {
    return new NewRelicError('OPR_ERR_NEWRELIC_TIMEOUT', `newrelic timed out after ${formatAge(timeoutMs)}`)
  }
  if (!isHttpStatusError(err)) return err
  switch (err.status) {
    case 401:
      return new NewRelicError('OPR_ERR_NEWRELIC_AUTH', 'newrelic rejected the API key (check NEW_RELIC_API_KEY: a user key, NRAK-...)', 401)
    case 403:
      return new NewRelicError('OPR_ERR_NEWRELIC_FORBIDDEN', 'newrelic refused access with this API key (HTTP 403): check the key\'s account and role', 403)
    case 429:
      return new NewRelicError('OPR_ERR_NEWRELIC_RATE_LIMITED', 'newrelic: too many requests at once (NerdGraph allows 25 per user), retry shortly', 429)
  }
  if (err.status >= 500) return new NewRelicError('OPR_ERR_NEWRELIC_SERVER', `newrelic server error (HTTP ${err.status})`, err.status)
  return new NewRelicError('OPR_ERR_NEWRELIC_STATUS', `newrelic answered HTTP ${err.status}`, err.status)
}

/**
 * The same error without its leading `newrelic`, for the `newrelic` command: dispatch already starts the reply with
 * the command's name (`newrelic: rejected the API key`, not `newrelic: newrelic rejected the API key`). The code stays.
 */
export function withoutSourceName (err: unknown): unknown {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown }
  if (typeof code !== 'string' || !/^OPR_ERR_(NEWRELIC|HTTP)_/.test(code) || typeof message !== 'string' || !/^newrelic\b/.test(message)) return err
  return new OperatorError(code, message.replace(/^newrelic:?\s+/, ''), { cause: err })
}
