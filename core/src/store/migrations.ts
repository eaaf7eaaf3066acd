import { raw } from './sql.js'
import type { Db } from './db.js'
import { createPagingTables } from '../paging/schema.js'

/**
 * The schema's history, oldest first. A migration is never edited once released: a change is a new entry. Each runs
 * in its own transaction with its version row, on both engines; the SQL is the same for both but where noted.
 */
export interface Migration {
  readonly version: string
  up(db: Db): Promise<void>
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: '0001_messages_idempotency',
    async up (db) {
      // SQLite's INTEGER PRIMARY KEY is the rowid (64-bit); AUTOINCREMENT keeps ids of pruned rows from coming back,
      // so a cursor never meets a reused id. Times are epoch milliseconds in a 64-bit integer on both engines, so
      // comparisons and bucketing by integer division are one SQL text.
      const id = db.engine === 'postgres' ? 'bigserial primary key' : 'integer primary key autoincrement'
      await db.run(raw(`create table messages (
        id ${id},
        time bigint not null,
        direction text not null check (direction in ('in', 'out')),
        channel text not null,
        number text not null,
        role text,
        text text,
        command text,
        plugin text,
        outcome text not null,
        segments integer not null default 0,
        duration_ms integer,
        message_sid text,
        provider_sid text,
        delivery_status text
      )`))
      // The newest-first page, unfiltered and by each filter `operator history` and the console offer; (time, id)
      // also serves retention pruning and the per-hour/day counts over a time range.
      await db.run(raw('create index messages_time on messages (time, id)'))
      await db.run(raw('create index messages_number_time on messages (number, time, id)'))
      // Who ran what (`--from X --command db`): without it an empty combination scans all of that number's rows.
      await db.run(raw('create index messages_number_command_time on messages (number, command, time, id)'))
      await db.run(raw('create index messages_command_time on messages (command, time, id)'))
      await db.run(raw('create index messages_outcome_time on messages (outcome, time, id)'))
      // Delivery-status callbacks find an outbound text by Twilio's SID.
      await db.run(raw('create index messages_provider_sid on messages (provider_sid)'))

      await db.run(raw(`create table idempotency (
        key text primary key,
        state text not null check (state in ('pending', 'done')),
        answer text,
        owner text,
        expires_at bigint not null
      )`))
      await db.run(raw('create index idempotency_expires on idempotency (expires_at)'))
    }
  },
  {
    version: '0002_pages',
    async up (db) {
      // The rest of a long reply, one row per page, so `more` after a restart (no Redis) still has it; taking a page
      // is one DELETE … RETURNING of the lowest seq.
      await db.run(raw(`create table pages (
        key text not null,
        seq integer not null,
        page text not null,
        expires_at bigint not null,
        primary key (key, seq)
      )`))
      await db.run(raw('create index pages_expires on pages (expires_at)'))
    }
  },
  {
    // Paging: incidents, alerts, reply codes, the outbox, opt-outs (core/src/paging/schema.ts).
    version: '0003_paging',
    async up (db) { await createPagingTables(db) }
  }
]
