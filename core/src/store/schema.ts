import type { Generated } from 'kysely'

// The tables as Kysely sees them. Times are epoch milliseconds in a 64-bit integer on both engines, so the same
// SQL (bucketing by integer division, comparisons) runs on each.
export interface MessagesTable {
  id: Generated<number>
  time: number
  direction: string
  channel: string
  number: string
  role: string | null
  text: string | null
  command: string | null
  plugin: string | null
  outcome: string
  segments: number
  duration_ms: number | null
  message_sid: string | null
  provider_sid: string | null
  delivery_status: string | null
}

export interface IdempotencyTable {
  key: string
  state: 'pending' | 'done'
  answer: string | null
  owner: string | null
  expires_at: number
}

export interface MigrationsTable {
  version: string
  applied_at: number
}

export interface Database {
  messages: MessagesTable
  idempotency: IdempotencyTable
  operator_migrations: MigrationsTable
}
