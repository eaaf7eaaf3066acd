import { classifyDbError, type ErrorContext } from './errors.js'
import { parseTarget, withSignal } from './connection.js'
import { loadPg } from './pg.js'
import { poolFromRow, type StatsSnapshot, type StatsSource } from './pool-stats.js'

export interface PgBouncerOptions {
  readonly url: string
  readonly applicationName: string
  readonly connectTimeoutMs: number
  readonly queryTimeoutMs: number
}

/**
 * Reads PgBouncer's admin console. The console speaks only the simple query protocol and keeps no prepared
 * statements, so each read is a fresh pg.Client running one parameterless `SHOW` and closing again.
 */
export class PgBouncerConsole implements StatsSource {
  readonly label = 'pgbouncer'
  readonly #options: PgBouncerOptions
  readonly #errors: ErrorContext

  constructor (options: PgBouncerOptions) {
    this.#options = options
    const target = parseTarget(options.url)
    this.#errors = {
      server: 'pgbouncer',
      ...(target.user !== undefined ? { user: target.user } : {}),
      ...(target.database !== undefined ? { database: target.database } : {}),
      connectTimeoutMs: options.connectTimeoutMs,
      statementTimeoutMs: options.queryTimeoutMs,
      secrets: target.password !== undefined ? [target.password] : []
    }
  }

  async #showPools (signal: AbortSignal | undefined): Promise<Array<Record<string, unknown>>> {
    const { Client } = await loadPg()
    const client = new Client({
      connectionString: this.#options.url,
      application_name: this.#options.applicationName,
      connectionTimeoutMillis: this.#options.connectTimeoutMs,
      query_timeout: this.#options.queryTimeoutMs
    })
    // A socket error after connect must not become an uncaught 'error' event.
    client.on('error', () => {})
    try {
      const work = (async () => {
        await client.connect()
        return (await client.query('SHOW POOLS')).rows as Array<Record<string, unknown>>
      })()
      return await withSignal(work, signal, 'pgbouncer')
    } catch (err) {
      throw classifyDbError(err, this.#errors)
    } finally {
      client.end().catch(() => {})
    }
  }

  async read (signal: AbortSignal | undefined): Promise<StatsSnapshot> {
    const rows = await this.#showPools(signal)
    // The console's own pseudo-pool is this very connection: leave it out.
    return { pools: rows.filter((r) => r.database !== 'pgbouncer').map(poolFromRow) }
  }

  async close (): Promise<void> {}
}
