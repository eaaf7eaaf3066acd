import type pg from 'pg'
import { classifyDbError, dbError, type DbError, type ErrorContext } from './errors.js'
import { loadPg } from './pg.js'

/** Who and where, read from a connection string, for error messages; the password only to keep it out of them. */
export interface Target {
  readonly user: string | undefined
  readonly database: string | undefined
  readonly password: string | undefined
}

export function parseTarget (url: string): Target {
  try {
    const u = new URL(url)
    const decode = (s: string): string | undefined => (s === '' ? undefined : decodeURIComponent(s))
    return { user: decode(u.username), database: decode(u.pathname.replace(/^\//, '')), password: decode(u.password) }
  } catch {
    return { user: undefined, database: undefined, password: undefined }
  }
}

/** Rejects as soon as `signal` aborts, so a command past its deadline gives its connection back to core at once. */
export async function withSignal<T> (work: Promise<T>, signal: AbortSignal | undefined, what: string): Promise<T> {
  if (signal === undefined) return await work
  if (signal.aborted) throw dbError('OPR_ERR_DB_TIMEOUT', `${what}: cancelled`)
  let onAbort: (() => void) | undefined
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => { reject(dbError('OPR_ERR_DB_TIMEOUT', `${what}: cancelled`)) }
    signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    return await Promise.race([work, aborted])
  } finally {
    signal.removeEventListener('abort', onAbort!)
    // The losing side may still settle later; it must not become an unhandled rejection.
    work.catch(() => {})
  }
}

export interface PostgresOptions {
  readonly url: string
  readonly applicationName: string
  readonly statementTimeoutMs: number
  readonly connectTimeoutMs: number
  readonly poolSize: number
  readonly idleTimeoutMs: number
  readonly onIdleError: (err: DbError) => void
}

/**
 * A small pg.Pool to one PostgreSQL server, made on first use: every connection carries `application_name`,
 * `statement_timeout` and a client-side read timeout a little longer, so nothing waits on the server forever.
 */
export class Postgres {
  readonly #options: PostgresOptions
  readonly #target: Target
  readonly #errors: ErrorContext
  #pool: pg.Pool | undefined

  constructor (options: PostgresOptions) {
    this.#options = options
    this.#target = parseTarget(options.url)
    this.#errors = {
      server: 'postgres',
      ...(this.#target.user !== undefined ? { user: this.#target.user } : {}),
      ...(this.#target.database !== undefined ? { database: this.#target.database } : {}),
      connectTimeoutMs: options.connectTimeoutMs,
      statementTimeoutMs: options.statementTimeoutMs,
      secrets: this.#target.password !== undefined ? [this.#target.password] : []
    }
  }

  get errorContext (): ErrorContext {
    return this.#errors
  }

  async #getPool (): Promise<pg.Pool> {
    const { Pool } = await loadPg()
    if (this.#pool !== undefined) return this.#pool
    const o = this.#options
    const pool = new Pool({
      connectionString: o.url,
      application_name: o.applicationName,
      statement_timeout: o.statementTimeoutMs,
      query_timeout: o.statementTimeoutMs + 1000,
      connectionTimeoutMillis: o.connectTimeoutMs,
      idleTimeoutMillis: o.idleTimeoutMs,
      max: o.poolSize,
      allowExitOnIdle: true
    })
    // An idle connection that the server closes emits here; without a listener it would crash the daemon.
    pool.on('error', (err) => { o.onIdleError(classifyDbError(err, this.#errors)) })
    this.#pool = pool
    return pool
  }

  /** Runs one fixed statement (no parameters) and returns its rows; failures become a one-line DbError. */
  async rows<R> (sql: string, signal?: AbortSignal): Promise<R[]> {
    try {
      const pool = await this.#getPool()
      try {
        return (await withSignal(pool.query(sql), signal, 'postgres')).rows as R[]
      } catch (err) {
        // The server ended an idle pooled connection (a restart, pg_terminate_backend, an idle timeout) and the pool
        // handed it out before hearing of it. These statements only read statistics: run it once more on a new one.
        if (!isDeadConnection(err) || signal?.aborted === true) throw err
        return (await withSignal(pool.query(sql), signal, 'postgres')).rows as R[]
      }
    } catch (err) {
      throw classifyDbError(err, this.#errors)
    }
  }

  async close (): Promise<void> {
    const pool = this.#pool
    this.#pool = undefined
    if (pool !== undefined) await pool.end()
  }
}

/** A connection the server closed: admin_shutdown (57P01), or the socket gone under a query. */
function isDeadConnection (err: unknown): boolean {
  const e = err as { code?: unknown, message?: unknown } | null
  return e?.code === '57P01' || (typeof e?.message === 'string' && /Connection terminated/i.test(e.message))
}
