import { compile, type Sql, type SqlValue } from './sql.js'
import type { StoreEngine } from './types.js'
import type BetterSqlite3 from 'better-sqlite3'
import type pg from 'pg'

export type Row = Record<string, unknown>

/** The little the repositories need from a database: rows, a count of changed rows, transactions, one session. */
export interface Db {
  readonly engine: StoreEngine
  all<R extends Row>(q: Sql): Promise<R[]>
  /** Rows changed (inserted, updated or deleted). */
  run(q: Sql): Promise<number>
  /**
   * `fn` in one transaction on one connection; committed when it resolves, rolled back when it throws. `immediate`
   * (SQLite) takes the write lock at BEGIN, so rival processes wait there rather than fail mid-way.
   */
  transaction<T>(fn: (tx: Db) => Promise<T>, options?: { immediate?: boolean }): Promise<T>
  /** `fn` on one connection throughout (PostgreSQL session locks and settings belong to a connection). */
  session<T>(fn: (db: Db) => Promise<T>): Promise<T>
  /**
   * A read answered in the same tick, where the engine can (SQLite only): for lookups on the webhook's fast path. It
   * does not wait for the queue, so inside another caller's open transaction it may see that transaction's writes.
   */
  readonly readNow?: <R extends Row>(q: Sql) => R[]
  close(): Promise<void>
}

const STATEMENT_CACHE = 100

/**
 * better-sqlite3 is synchronous: each statement runs whole before anything else. A transaction spans awaits, so
 * everything else waits for it (a queue), as one connection's users must.
 */
export class SqliteDb implements Db {
  readonly engine = 'sqlite' as const
  readonly #db: BetterSqlite3.Database
  readonly #statements = new Map<string, BetterSqlite3.Statement>()
  #queue: Promise<unknown> = Promise.resolve()
  #closed = false

  constructor (db: BetterSqlite3.Database) {
    this.#db = db
  }

  #prepare (q: Sql): { stmt: BetterSqlite3.Statement, params: unknown[] } {
    if (this.#closed) throw new Error('the store is closed')
    const { text, params } = compile(q, 'sqlite')
    return { stmt: this.#prepareText(text), params }
  }

  #prepareText (text: string): BetterSqlite3.Statement {
    let stmt = this.#statements.get(text)
    if (stmt === undefined) {
      stmt = this.#db.prepare(text)
      if (this.#statements.size >= STATEMENT_CACHE) this.#statements.delete(this.#statements.keys().next().value!)
      this.#statements.set(text, stmt)
    }
    return stmt
  }

  #allNow<R extends Row> (q: Sql): R[] {
    const { stmt, params } = this.#prepare(q)
    if (stmt.reader) return stmt.all(...params) as R[]
    stmt.run(...params)
    return []
  }

  #runNow (q: Sql): number {
    const { stmt, params } = this.#prepare(q)
    return stmt.run(...params).changes
  }

  async #serial<T> (fn: () => Promise<T> | T): Promise<T> {
    const result = this.#queue.then(fn)
    this.#queue = result.catch(() => {})
    return await result
  }

  async all<R extends Row> (q: Sql): Promise<R[]> {
    return await this.#serial(() => this.#allNow<R>(q))
  }

  readonly readNow = <R extends Row>(q: Sql): R[] => this.#allNow<R>(q)

  /**
   * Each statement text run for each of its rows of parameters, all in one transaction, at once (synchronously): for
   * the write worker, whose connection nothing else uses. One prepared statement per text, one commit per call.
   */
  runPreparedNow (batches: ReadonlyArray<{ readonly text: string, readonly rows: readonly SqlValue[][] }>): void {
    if (this.#closed) throw new Error('the store is closed')
    this.#db.transaction(() => {
      for (const { text, rows } of batches) {
        const stmt = this.#prepareText(text)
        for (const params of rows) stmt.run(...params)
      }
    })()
  }

  async run (q: Sql): Promise<number> {
    return await this.#serial(() => this.#runNow(q))
  }

  async transaction<T> (fn: (tx: Db) => Promise<T>, options: { immediate?: boolean } = {}): Promise<T> {
    return await this.#serial(async () => {
      this.#db.exec(options.immediate === true ? 'begin immediate' : 'begin')
      // Inside, statements run at once: the queue is held by this transaction.
      const tx: Db = {
        engine: 'sqlite',
        all: async <R extends Row>(q: Sql) => this.#allNow<R>(q),
        run: async (q) => this.#runNow(q),
        transaction: async () => { throw new Error('nested transactions are not supported') },
        session: async (f) => await f(tx),
        close: async () => {}
      }
      try {
        const result = await fn(tx)
        this.#db.exec('commit')
        return result
      } catch (err) {
        if (this.#db.inTransaction) this.#db.exec('rollback')
        throw err
      }
    })
  }

  async session<T> (fn: (db: Db) => Promise<T>): Promise<T> {
    return await fn(this)
  }

  async close (): Promise<void> {
    await this.#serial(() => {
      if (this.#closed) return
      this.#closed = true
      this.#statements.clear()
      this.#db.close()
    })
  }
}

/** A pg.Pool, or one of its clients while a transaction or session holds it. */
export class PostgresDb implements Db {
  readonly engine = 'postgres' as const
  constructor (private readonly target: pg.Pool | pg.PoolClient, private readonly pool?: pg.Pool) {}

  async all<R extends Row> (q: Sql): Promise<R[]> {
    const { text, params } = compile(q, 'postgres')
    return (await this.target.query<R>(text, params)).rows
  }

  async run (q: Sql): Promise<number> {
    const { text, params } = compile(q, 'postgres')
    return (await this.target.query(text, params)).rowCount ?? 0
  }

  async #withClient<T> (fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    if (this.pool === undefined) return await fn(this.target as pg.PoolClient)
    const client = await this.pool.connect()
    let broken: Error | undefined
    try {
      return await fn(client)
    } catch (err) {
      broken = err instanceof Error ? err : new Error(String(err))
      throw err
    } finally {
      // A client whose statement failed mid-transaction is discarded rather than handed on in an unknown state.
      client.release(broken)
    }
  }

  async transaction<T> (fn: (tx: Db) => Promise<T>): Promise<T> {
    return await this.#withClient(async (client) => {
      await client.query('begin')
      try {
        const result = await fn(new PostgresDb(client))
        await client.query('commit')
        return result
      } catch (err) {
        await client.query('rollback').catch(() => {})
        throw err
      }
    })
  }

  async session<T> (fn: (db: Db) => Promise<T>): Promise<T> {
    return await this.#withClient(async (client) => await fn(new PostgresDb(client)))
  }

  async close (): Promise<void> {
    if (this.pool !== undefined && !this.pool.ended) await this.pool.end()
  }
}
