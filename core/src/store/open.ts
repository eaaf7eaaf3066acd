import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyBaseLogger } from 'fastify'
import type { Db, SqliteDb } from './db.js'
import { ERR_STORE_OPEN, ERR_STORE_SETTINGS } from '../errors.js'
import { redactUrl } from '../logging.js'
import { SQLITE_FILE } from './settings.js'
import type { Store, StoreSettings, StoreWrites } from './types.js'

export type StoreLog = Pick<FastifyBaseLogger, 'warn' | 'info' | 'debug' | 'error'>

// Every call to PostgreSQL has a bound: connecting, and each statement (the server cancels it).
const PG_CONNECT_TIMEOUT_MS = 5000
const PG_STATEMENT_TIMEOUT_MS = 15_000
const PG_POOL_MAX = 5
// How long a SQLite writer waits for another process's write lock before failing.
const SQLITE_BUSY_MS = 5000
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/

function oneLine (err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? ''
}

/** Where the store is, fit for logs and `config check`: the file, or the URL without its password. */
export function storeLocation (settings: StoreSettings): string {
  return settings.engine === 'sqlite' ? join(settings.dataDir, SQLITE_FILE) : redactUrl(settings.databaseUrl)
}

/** The SQLite file in OPERATOR_DATA_DIR, created and set up (WAL); also opened by the write worker for its own connection. */
export async function openSqlite (settings: StoreSettings): Promise<SqliteDb> {
  const [{ default: BetterSqlite3 }, { SqliteDb }] = await Promise.all([import('better-sqlite3'), import('./db.js')])
  const file = join(settings.dataDir, SQLITE_FILE)
  let database
  try {
    mkdirSync(settings.dataDir, { recursive: true })
    database = new BetterSqlite3(file, { timeout: SQLITE_BUSY_MS })
    // SQLite quietly opens a write-protected file read-only; every write would then fail, long after start-up.
    if (database.readonly) throw new Error('the file is not writable')
    // WAL: readers do not block the writer; synchronous=NORMAL: a commit survives the process being killed (only a
    // power loss may take the last transactions), at a fraction of FULL's fsyncs.
    database.pragma('journal_mode = WAL')
    database.pragma('synchronous = NORMAL')
    database.pragma(`busy_timeout = ${SQLITE_BUSY_MS}`)
    database.pragma('foreign_keys = ON')
  } catch (err) {
    database?.close()
    throw new ERR_STORE_OPEN(file, oneLine(err))
  }
  return new SqliteDb(database)
}

async function openPostgres (settings: StoreSettings, log: StoreLog): Promise<Db> {
  const [{ default: pg }, { PostgresDb }] = await Promise.all([import('pg'), import('./db.js')])
  if (settings.schema !== undefined && !SCHEMA_NAME.test(settings.schema)) throw new ERR_STORE_SETTINGS(`Invalid PostgreSQL schema name '${settings.schema}'`)
  const pool = new pg.Pool({
    connectionString: settings.databaseUrl,
    max: PG_POOL_MAX,
    connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS,
    idleTimeoutMillis: 30_000,
    statement_timeout: PG_STATEMENT_TIMEOUT_MS,
    query_timeout: PG_STATEMENT_TIMEOUT_MS + 1000,
    application_name: 'operator',
    // Idle connections never hold the process open (a one-shot CLI command, a failed start).
    allowExitOnIdle: true,
    ...(settings.schema !== undefined ? { options: `-c search_path=${settings.schema}` } : {}),
    // 64-bit integers (ids, times in ms, counts) as numbers for this pool only: pg's global parsers are shared with
    // plugins. Epoch milliseconds and row counts stay far below 2^53.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === pg.types.builtins.INT8 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser
    }
  })
  // An idle connection dropped by the server emits here; unhandled, it would end the process.
  pool.on('error', (err) => { log.warn({ err: oneLine(err) }, 'store: an idle PostgreSQL connection failed; the pool replaces it') })
  return new PostgresDb(pool, pool)
}

/** Opens the store the settings name; nothing is migrated until `migrate()`. PostgreSQL connects on first use. */
export async function openStore (settings: StoreSettings, log: StoreLog): Promise<Store> {
  const now = settings.now ?? Date.now
  const db = settings.engine === 'postgres' ? await openPostgres(settings, log) : await openSqlite(settings)
  const [{ SqlMessageRepository }, { SqlIdempotencyStore }, { SqlPageStore }, { runMigrations, pendingMigrations }] = await Promise.all([
    import('./messages.js'), import('./idempotency.js'), import('./pages.js'), import('./migrate.js')
  ])
  const { sql } = await import('./sql.js')
  const location = storeLocation(settings)
  const messages = new SqlMessageRepository(db, now)
  const idempotency = new SqlIdempotencyStore(db, now)
  const pages = new SqlPageStore(db, now)
  // A given clock (tests) keeps the writes on this connection, where that clock rules.
  const writes: StoreWrites = settings.engine === 'sqlite' && settings.now === undefined
    ? new (await import('./write-worker.js')).SqliteWriteWorker(settings)
    : {
        insertMessages: async (rows) => { await messages.insert(rows) },
        completeMany: async (rows) => { await idempotency.completeMany(rows) },
        pruneMessages: async (days) => await messages.prune(days),
        pruneIdempotency: async () => await idempotency.prune(),
        prunePages: async () => await pages.prune(),
        close: async () => {}
      }
  let closed = false
  return {
    engine: settings.engine,
    messages,
    idempotency,
    pages,
    writes,
    db,
    async migrate () {
      const applied = await runMigrations(db, now)
      if (applied.length > 0) log.info({ engine: settings.engine, applied }, 'store: migrations applied')
      return { applied }
    },
    async check () {
      const started = performance.now()
      try {
        await db.all(sql`select 1 as ok`)
        const latencyMs = performance.now() - started
        const pending = await pendingMigrations(db)
        return { engine: settings.engine, status: 'ok', latencyMs, pending, location }
      } catch (err) {
        return { engine: settings.engine, status: 'down', latencyMs: performance.now() - started, pending: [], location, error: oneLine(err) }
      }
    },
    async close () {
      if (closed) return
      closed = true
      await writes.close()
      await db.close()
    }
  }
}
