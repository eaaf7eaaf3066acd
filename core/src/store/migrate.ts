import { raw, sql } from './sql.js'
import type { Db } from './db.js'
import { MIGRATIONS, type Migration } from './migrations.js'

// Replicas starting together take this session lock in turn; the second finds the work done. The schema is part of
// the key, so Operators in different schemas of one database do not wait on each other.
const LOCK = "hashtext('operator.migrations'), hashtext(current_schema())"
// Waiting longer than this for another replica's migrations means it is stuck: fail the start, visibly.
const LOCK_WAIT_MS = 60_000

async function tableExists (db: Db): Promise<boolean> {
  const found = db.engine === 'postgres'
    ? await db.all(sql`select 1 as n from information_schema.tables where table_schema = current_schema() and table_name = 'operator_migrations'`)
    : await db.all(sql`select 1 as n from sqlite_master where type = 'table' and name = 'operator_migrations'`)
  return found.length > 0
}

async function applied (db: Db): Promise<Set<string>> {
  const rows = await db.all<{ version: string }>(sql`select version from operator_migrations`)
  return new Set(rows.map((r) => r.version))
}

/** The versions this build knows and the database has not applied, oldest first. */
export async function pendingMigrations (db: Db, known: readonly Migration[] = MIGRATIONS): Promise<string[]> {
  const done = await tableExists(db) ? await applied(db) : new Set<string>()
  return known.filter((m) => !done.has(m.version)).map((m) => m.version)
}

async function createVersionTable (db: Db): Promise<void> {
  await db.run(sql`create table if not exists operator_migrations (version text primary key, applied_at bigint not null)`)
}

/**
 * Applies every pending migration, each in its own transaction with its version row; returns the versions applied
 * here (none when another replica or process did them first).
 */
export async function runMigrations (db: Db, now: () => number, known: readonly Migration[] = MIGRATIONS): Promise<string[]> {
  return db.engine === 'postgres' ? await runOnPostgres(db, now, known) : await runOnSqlite(db, now, known)
}

async function runOnPostgres (db: Db, now: () => number, known: readonly Migration[]): Promise<string[]> {
  // One connection for the lock, the reads and the migrations: a session lock belongs to its connection.
  return await db.session(async (conn) => {
    await conn.all(sql`select set_config('lock_timeout', ${String(LOCK_WAIT_MS)}, false)`)
    await conn.all(sql`select pg_advisory_lock(${raw(LOCK)})`)
    try {
      // Migrations may take longer than an ordinary statement may.
      await conn.all(sql`select set_config('statement_timeout', '0', false)`)
      await createVersionTable(conn)
      const done = await applied(conn)
      const ran: string[] = []
      for (const migration of known) {
        if (done.has(migration.version)) continue
        await conn.transaction(async (tx) => {
          await migration.up(tx)
          await tx.run(sql`insert into operator_migrations (version, applied_at) values (${migration.version}, ${now()})`)
        })
        ran.push(migration.version)
      }
      return ran
    } finally {
      await conn.all(sql`select pg_advisory_unlock(${raw(LOCK)})`)
      await conn.run(sql`reset statement_timeout`)
      await conn.run(sql`reset lock_timeout`)
    }
  })
}

async function runOnSqlite (db: Db, now: () => number, known: readonly Migration[]): Promise<string[]> {
  await createVersionTable(db)
  const ran: string[] = []
  for (const migration of known) {
    // BEGIN IMMEDIATE takes the write lock first, so two processes opening one file migrate in turn; the version is
    // read again under it.
    await db.transaction(async (tx) => {
      if ((await applied(tx)).has(migration.version)) return
      await migration.up(tx)
      await tx.run(sql`insert into operator_migrations (version, applied_at) values (${migration.version}, ${now()})`)
      ran.push(migration.version)
    }, { immediate: true })
  }
  return ran
}
