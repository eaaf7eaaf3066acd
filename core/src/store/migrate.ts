import { sql, type Kysely } from 'kysely'
import type { Database } from './schema.js'
import { MIGRATIONS, type Migration } from './migrations.js'
import type { StoreEngine } from './types.js'

// Replicas starting together take this session lock in turn; the second finds the work done. The schema is part of
// the key, so Operators in different schemas of one database do not wait on each other.
const LOCK_CLASS = sql`hashtext('operator.migrations')`
// Waiting longer than this for another replica's migrations means it is stuck: fail the start, visibly.
const LOCK_WAIT_MS = 60_000

async function tableExists (db: Kysely<Database>, engine: StoreEngine): Promise<boolean> {
  const found = engine === 'postgres'
    ? await sql<{ n: number }>`select 1 as n from information_schema.tables where table_schema = current_schema() and table_name = 'operator_migrations'`.execute(db)
    : await sql<{ n: number }>`select 1 as n from sqlite_master where type = 'table' and name = 'operator_migrations'`.execute(db)
  return found.rows.length > 0
}

async function applied (db: Kysely<Database>): Promise<Set<string>> {
  const rows = await db.selectFrom('operator_migrations').select('version').execute()
  return new Set(rows.map((r) => r.version))
}

/** The versions this build knows and the database has not applied, oldest first. */
export async function pendingMigrations (db: Kysely<Database>, engine: StoreEngine, known: readonly Migration[] = MIGRATIONS): Promise<string[]> {
  const done = await tableExists(db, engine) ? await applied(db) : new Set<string>()
  return known.filter((m) => !done.has(m.version)).map((m) => m.version)
}

async function createVersionTable (db: Kysely<Database>): Promise<void> {
  await db.schema.createTable('operator_migrations').ifNotExists()
    .addColumn('version', 'text', (c) => c.primaryKey())
    .addColumn('applied_at', 'bigint', (c) => c.notNull())
    .execute()
}

/**
 * Applies every pending migration, each in its own transaction with its version row; returns the versions applied
 * here (none when another replica or process did them first).
 */
export async function runMigrations (db: Kysely<Database>, engine: StoreEngine, now: () => number, known: readonly Migration[] = MIGRATIONS): Promise<string[]> {
  return engine === 'postgres' ? await runOnPostgres(db, now, known) : await runOnSqlite(db, now, known)
}

async function runOnPostgres (db: Kysely<Database>, now: () => number, known: readonly Migration[]): Promise<string[]> {
  // One connection for the lock, the reads and the migrations: a session lock belongs to its connection.
  return await db.connection().execute(async (conn) => {
    await sql`select set_config('lock_timeout', ${String(LOCK_WAIT_MS)}, false)`.execute(conn)
    await sql`select pg_advisory_lock(${LOCK_CLASS}, hashtext(current_schema()))`.execute(conn)
    try {
      // Migrations may take longer than an ordinary statement may.
      await sql`select set_config('statement_timeout', '0', false)`.execute(conn)
      await createVersionTable(conn)
      const done = await applied(conn)
      const ran: string[] = []
      for (const migration of known) {
        if (done.has(migration.version)) continue
        await conn.transaction().execute(async (trx) => {
          await migration.up(trx, 'postgres')
          await trx.insertInto('operator_migrations').values({ version: migration.version, applied_at: now() }).execute()
        })
        ran.push(migration.version)
      }
      return ran
    } finally {
      await sql`select pg_advisory_unlock(${LOCK_CLASS}, hashtext(current_schema()))`.execute(conn)
      await sql`reset statement_timeout`.execute(conn)
      await sql`reset lock_timeout`.execute(conn)
    }
  })
}

async function runOnSqlite (db: Kysely<Database>, now: () => number, known: readonly Migration[]): Promise<string[]> {
  return await db.connection().execute(async (conn) => {
    await createVersionTable(conn)
    const ran: string[] = []
    for (const migration of known) {
      // BEGIN IMMEDIATE takes the write lock first, so two processes opening one file migrate in turn; the version
      // is read again under it.
      await sql`begin immediate`.execute(conn)
      try {
        if (!(await applied(conn)).has(migration.version)) {
          await migration.up(conn, 'sqlite')
          await conn.insertInto('operator_migrations').values({ version: migration.version, applied_at: now() }).execute()
          ran.push(migration.version)
        }
        await sql`commit`.execute(conn)
      } catch (err) {
        await sql`rollback`.execute(conn)
        throw err
      }
    }
    return ran
  })
}
