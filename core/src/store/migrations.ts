import { sql, type Kysely } from 'kysely'
import type { StoreEngine } from './types.js'
import type { Database } from './schema.js'

/**
 * The schema's history, oldest first. A migration is never edited once released: a change is a new entry. Each runs
 * in its own transaction with its version row, on both engines.
 */
export interface Migration {
  readonly version: string
  up(db: Kysely<Database>, engine: StoreEngine): Promise<void>
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: '0001_messages_idempotency',
    async up (db, engine) {
      // SQLite's INTEGER PRIMARY KEY is the rowid (64-bit); AUTOINCREMENT keeps ids of pruned rows from coming back,
      // so a cursor never meets a reused id.
      await db.schema.createTable('messages')
        .addColumn('id', engine === 'postgres' ? 'bigserial' : 'integer', (c) => engine === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement())
        .addColumn('time', 'bigint', (c) => c.notNull())
        .addColumn('direction', 'text', (c) => c.notNull().check(sql`direction in ('in', 'out')`))
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('number', 'text', (c) => c.notNull())
        .addColumn('role', 'text')
        .addColumn('text', 'text')
        .addColumn('command', 'text')
        .addColumn('plugin', 'text')
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('segments', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('duration_ms', 'integer')
        .addColumn('message_sid', 'text')
        .addColumn('provider_sid', 'text')
        .addColumn('delivery_status', 'text')
        .execute()
      // The newest-first page, unfiltered and by each filter the console and `operator history` offer; (time, id)
      // also serves retention pruning and the per-hour/day counts over a time range.
      await db.schema.createIndex('messages_time').on('messages').columns(['time', 'id']).execute()
      await db.schema.createIndex('messages_number_time').on('messages').columns(['number', 'time', 'id']).execute()
      await db.schema.createIndex('messages_command_time').on('messages').columns(['command', 'time', 'id']).execute()
      await db.schema.createIndex('messages_outcome_time').on('messages').columns(['outcome', 'time', 'id']).execute()
      // Delivery-status callbacks find an outbound text by Twilio's SID.
      await db.schema.createIndex('messages_provider_sid').on('messages').column('provider_sid').execute()

      await db.schema.createTable('idempotency')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('pending', 'done')`))
        .addColumn('answer', 'text')
        .addColumn('owner', 'text')
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('idempotency_expires').on('idempotency').column('expires_at').execute()
    }
  }
]
