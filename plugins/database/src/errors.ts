// Errors this plugin throws, each with a stable code. The message is what reaches the phone: one line, naming the
// server and the reason, never a connection string or a password.
import { OperatorError, formatAge } from '@operator/core'

export type DbErrorCode =
  | 'OPR_ERR_DB_AUTH'
  | 'OPR_ERR_DB_NO_DATABASE'
  | 'OPR_ERR_DB_UNREACHABLE'
  | 'OPR_ERR_DB_TIMEOUT'
  | 'OPR_ERR_DB_PERMISSION'
  | 'OPR_ERR_DB_QUERY'
  | 'OPR_ERR_DB_NOT_CONFIGURED'
  | 'OPR_ERR_DB_STATS_ANSWER'

export class DbError extends OperatorError<DbErrorCode> {
  /** The SQLSTATE or Node error code behind it, for the log. */
  readonly reason?: string
  constructor (code: DbErrorCode, message: string, reason?: string) {
    super(code, message)
    if (reason !== undefined) this.reason = reason
  }
}

export function dbError (code: DbErrorCode, message: string, reason?: string): DbError {
  return new DbError(code, message, reason)
}

export function isDbError (err: unknown): err is DbError {
  const code = err instanceof Error ? (err as Error & { code?: unknown }).code : undefined
  return typeof code === 'string' && code.startsWith('OPR_ERR_DB_')
}

/** What the classifier needs to word a reason: which server, and the limits that were set. */
export interface ErrorContext {
  /** `postgres` or `pgbouncer`. */
  readonly server: string
  readonly user?: string
  readonly database?: string
  readonly connectTimeoutMs: number
  readonly statementTimeoutMs?: number
  /** Strings that must never appear in a message (the password). */
  readonly secrets: readonly string[]
}

interface PgLikeError {
  code?: unknown
  message?: unknown
  hostname?: unknown
}

/** Replaces each secret, and the password part of any URL, with `***`. */
export function redact (text: string, secrets: readonly string[]): string {
  let out = text.replace(/([a-z][a-z0-9+.-]*:\/\/[^/\s:@]+):[^/\s@]*@/gi, '$1:***@')
  for (const s of secrets) if (s.length > 0) out = out.split(s).join('***')
  return out
}

function seconds (ms: number): string {
  return formatAge(ms)
}

/**
 * Turns whatever `pg` or the socket threw into a DbError with a one-line reason: wrong password, unknown database,
 * refused, timeouts, permission denied, too many connections, or the server's own words for anything else.
 */
export function classifyDbError (err: unknown, ctx: ErrorContext): DbError {
  if (isDbError(err)) return err
  const e = (typeof err === 'object' && err !== null ? err : {}) as PgLikeError
  const code = typeof e.code === 'string' ? e.code : undefined
  const raw = typeof e.message === 'string' ? e.message.split('\n')[0]!.trim() : String(err)
  const message = redact(raw, ctx.secrets)
  const s = ctx.server
  const user = ctx.user !== undefined ? ` for user "${ctx.user}"` : ''
  const make = (c: DbErrorCode, m: string): DbError => dbError(c, redact(m, ctx.secrets), code ?? raw.slice(0, 60))

  if (code === '28P01' || /password authentication failed/i.test(raw)) return make('OPR_ERR_DB_AUTH', `${s}: wrong password${user}`)
  if (/password must be a string|no password supplied|password is required/i.test(raw)) {
    return make('OPR_ERR_DB_AUTH', `${s}: the server wants a password${user}, none is configured`)
  }
  if (code === '28000') return make('OPR_ERR_DB_AUTH', `${s}: login refused: ${message}`)
  if (code === '3D000' || /no such database/i.test(raw)) {
    const db = ctx.database !== undefined ? `"${ctx.database}"` : ''
    return make('OPR_ERR_DB_NO_DATABASE', `${s}: database ${db} does not exist`.replace('database  does', 'database does'))
  }
  if (code === '42501') return make('OPR_ERR_DB_PERMISSION', `${s}: ${message} (grant pg_monitor to the role)`)
  if (code === '53300' || /too many (clients|connections)|no more connections allowed/i.test(raw)) {
    return make('OPR_ERR_DB_UNREACHABLE', `${s} refused: too many connections`)
  }
  if (code === '57P03') return make('OPR_ERR_DB_UNREACHABLE', `${s} not accepting connections: ${message}`)
  if (code === '57014') {
    const limit = ctx.statementTimeoutMs !== undefined ? ` after ${seconds(ctx.statementTimeoutMs)}` : ''
    return make('OPR_ERR_DB_TIMEOUT', `${s}: query timed out${limit} (statement_timeout)`)
  }
  if (/timeout expired|due to connection timeout|timeout exceeded when trying to connect/i.test(raw)) {
    return make('OPR_ERR_DB_TIMEOUT', `${s}: connect timed out after ${seconds(ctx.connectTimeoutMs)}`)
  }
  if (/query read timeout/i.test(raw)) {
    const limit = ctx.statementTimeoutMs !== undefined ? ` within ${seconds(ctx.statementTimeoutMs)}` : ''
    return make('OPR_ERR_DB_TIMEOUT', `${s}: no answer${limit}`)
  }
  if (code === 'ECONNREFUSED') return make('OPR_ERR_DB_UNREACHABLE', `${s} unreachable (connection refused)`)
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    const host = typeof e.hostname === 'string' ? ` ${e.hostname}` : ''
    return make('OPR_ERR_DB_UNREACHABLE', `${s} unreachable (unknown host${host})`)
  }
  if (code === 'ETIMEDOUT') return make('OPR_ERR_DB_TIMEOUT', `${s}: connect timed out`)
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return make('OPR_ERR_DB_UNREACHABLE', `${s} unreachable (no route to host)`)
  if (code === 'ECONNRESET' || /connection terminated/i.test(raw)) {
    return make('OPR_ERR_DB_UNREACHABLE', `${s} closed the connection`)
  }
  if (/unsupported startup parameter/i.test(raw)) {
    return make('OPR_ERR_DB_QUERY', `${s}: ${message} (point DB_URL at PostgreSQL, not PgBouncer)`)
  }
  return make('OPR_ERR_DB_QUERY', `${s}: ${message}`)
}

/** `db pool` without DB_STATS_URL, or `db slow` without DB_URL. */
export function notConfigured (what: string, variable: string): DbError {
  return dbError('OPR_ERR_DB_NOT_CONFIGURED', `${what} needs ${variable}`)
}
