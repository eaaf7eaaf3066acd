import { sql, type ExpressionBuilder, type Expression, type Kysely, type SqlBool, type Selectable } from 'kysely'
import type { Database, MessagesTable } from './schema.js'
import { decodeCursor, encodeCursor } from './cursor.js'
import { ERR_STORE_QUERY } from '../errors.js'
import type {
  Bucket, Direction, MessageFilter, MessagePage, MessageQuery, MessageRecord, MessageRepository, NewMessage, Outcome, SegmentsDay
} from './types.js'

const HOUR_MS = 3_600_000
const DAY_MS = 86_400_000
const DEFAULT_LIMIT = 50
const MAX_LIMIT = 1000
// Rows deleted per statement while pruning: each batch is a short write, so the webhook's inserts are never held up
// behind one long delete (SQLite has one writer at a time).
const PRUNE_BATCH = 5000
// Parameters per statement stay under SQLite's limit (32766) and PostgreSQL's (65535): 15 columns a row.
const INSERT_CHUNK = 2000

type Eb = ExpressionBuilder<Database, 'messages'>

function toRow (m: NewMessage, now: number): Omit<MessagesTable, 'id'> {
  return {
    time: m.time ?? now,
    direction: m.direction,
    channel: m.channel,
    number: m.number,
    role: m.role ?? null,
    // Unknown senders' words are never kept, whatever the caller passed.
    text: m.outcome === 'unknown-sender' ? null : m.text ?? null,
    command: m.command ?? null,
    plugin: m.plugin ?? null,
    outcome: m.outcome,
    segments: m.segments ?? 0,
    duration_ms: m.durationMs ?? null,
    message_sid: m.messageSid ?? null,
    provider_sid: m.providerSid ?? null,
    delivery_status: m.deliveryStatus ?? null
  }
}

function fromRow (r: Selectable<MessagesTable>): MessageRecord {
  return {
    id: Number(r.id),
    time: Number(r.time),
    direction: r.direction as Direction,
    channel: r.channel,
    number: r.number,
    role: r.role,
    text: r.text,
    command: r.command,
    plugin: r.plugin,
    outcome: r.outcome as Outcome,
    segments: Number(r.segments),
    durationMs: r.duration_ms === null ? null : Number(r.duration_ms),
    messageSid: r.message_sid,
    providerSid: r.provider_sid,
    deliveryStatus: r.delivery_status
  }
}

/** `%`, `_` and the escape itself match literally in a LIKE pattern. */
function likePattern (text: string): string {
  return '%' + text.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c) + '%'
}

function filters (eb: Eb, f: MessageFilter): Array<Expression<SqlBool>> {
  const where: Array<Expression<SqlBool>> = []
  if (f.since !== undefined) where.push(eb('time', '>=', f.since))
  if (f.until !== undefined) where.push(eb('time', '<', f.until))
  if (f.number !== undefined) where.push(eb('number', '=', f.number))
  if (f.command !== undefined) where.push(eb('command', '=', f.command))
  if (f.outcome !== undefined) where.push(eb('outcome', '=', f.outcome))
  if (f.direction !== undefined) where.push(eb('direction', '=', f.direction))
  // lower() on both sides: one expression for both engines (PostgreSQL's LIKE is case-sensitive, SQLite's is not).
  if (f.text !== undefined && f.text !== '') where.push(sql<SqlBool>`lower(${eb.ref('text')}) like ${likePattern(f.text)} escape '\\'`)
  return where
}

function checkFilter (f: MessageFilter): void {
  for (const key of ['since', 'until'] as const) {
    const value = f[key]
    if (value !== undefined && !Number.isSafeInteger(value)) throw new ERR_STORE_QUERY(`${key} must be epoch milliseconds`)
  }
}

export class SqlMessageRepository implements MessageRepository {
  constructor (private readonly db: Kysely<Database>, private readonly now: () => number) {}

  async insert (batch: readonly NewMessage[]): Promise<number[]> {
    if (batch.length === 0) return []
    const now = this.now()
    const rows = batch.map((m) => toRow(m, now))
    // One statement is atomic by itself and holds SQLite's write lock for no longer than it runs; a transaction
    // (which holds it across awaits) only for batches too big for one statement.
    if (rows.length <= INSERT_CHUNK) {
      const inserted = await this.db.insertInto('messages').values(rows).returning('id').execute()
      return inserted.map((r) => Number(r.id))
    }
    return await this.db.transaction().execute(async (trx) => {
      const ids: number[] = []
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        const inserted = await trx.insertInto('messages').values(rows.slice(i, i + INSERT_CHUNK)).returning('id').execute()
        for (const r of inserted) ids.push(Number(r.id))
      }
      return ids
    })
  }

  async query (q: MessageQuery = {}): Promise<MessagePage> {
    checkFilter(q)
    const limit = q.limit ?? DEFAULT_LIMIT
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new ERR_STORE_QUERY(`limit must be 1 to ${MAX_LIMIT}`)
    const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor)
    const rows = await this.db.selectFrom('messages').selectAll()
      .where((eb) => {
        const where = filters(eb, q)
        // Keyset paging: strictly older than the last row shown, so rows written meanwhile neither repeat nor shift it.
        if (after !== undefined) {
          where.push(eb.or([eb('time', '<', after.time), eb.and([eb('time', '=', after.time), eb('id', '<', after.id)])]))
        }
        return eb.and(where)
      })
      .orderBy('time', 'desc').orderBy('id', 'desc')
      .limit(limit + 1)
      .execute()
    const items = rows.slice(0, limit).map(fromRow)
    const last = items[items.length - 1]
    return { items, next: rows.length > limit && last !== undefined ? encodeCursor(last) : undefined }
  }

  async count (unit: 'hour' | 'day', f: MessageFilter = {}): Promise<Bucket[]> {
    checkFilter(f)
    const size = unit === 'hour' ? HOUR_MS : DAY_MS
    // Integer division on both engines (bigint / bigint): UTC buckets.
    const start = sql<number>`(${sql.ref('time')} / ${sql.lit(size)}) * ${sql.lit(size)}`
    const rows = await this.db.selectFrom('messages')
      .select([start.as('start'), (eb) => eb.fn.countAll<number>().as('count')])
      .where((eb) => eb.and(filters(eb, f)))
      .groupBy(start)
      .orderBy('start')
      .execute()
    return rows.map((r) => ({ start: Number(r.start), count: Number(r.count) }))
  }

  async segmentsPerDay (f: Pick<MessageFilter, 'since' | 'until'> = {}): Promise<SegmentsDay[]> {
    checkFilter(f)
    const start = sql<number>`(${sql.ref('time')} / ${sql.lit(DAY_MS)}) * ${sql.lit(DAY_MS)}`
    const rows = await this.db.selectFrom('messages')
      .select([
        start.as('start'),
        sql<number>`coalesce(sum(case when direction = 'in' then segments else 0 end), 0)`.as('inbound'),
        sql<number>`coalesce(sum(case when direction = 'out' then segments else 0 end), 0)`.as('outbound')
      ])
      .where((eb) => eb.and(filters(eb, f)))
      .groupBy(start)
      .orderBy('start')
      .execute()
    return rows.map((r) => ({ start: Number(r.start), inbound: Number(r.inbound), outbound: Number(r.outbound) }))
  }

  async prune (days: number): Promise<number> {
    if (!Number.isFinite(days) || days < 0) throw new ERR_STORE_QUERY('retention days must be 0 or more')
    const cutoff = this.now() - Math.floor(days * DAY_MS)
    let total = 0
    for (;;) {
      const result = await this.db.deleteFrom('messages')
        .where('id', 'in', (eb) => eb.selectFrom('messages').select('id').where('time', '<', cutoff).limit(PRUNE_BATCH))
        .executeTakeFirst()
      const deleted = Number(result.numDeletedRows)
      total += deleted
      if (deleted < PRUNE_BATCH) return total
    }
  }
}
