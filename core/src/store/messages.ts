import { join, raw, sql, type Sql, type SqlValue } from './sql.js'
import type { Db } from './db.js'
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

const COLUMNS = 'time, direction, channel, number, role, text, command, plugin, outcome, segments, duration_ms, message_sid, provider_sid, delivery_status'
const SELECT = raw(`select id, ${COLUMNS} from messages`)

interface MessageRow {
  [column: string]: unknown
  id: number
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

/** A message's values in COLUMNS order. */
export function messageValues (m: NewMessage, now: number): SqlValue[] {
  return [
    m.time ?? now, m.direction, m.channel, m.number, m.role ?? null,
    // Unknown senders' words are never kept, whatever the caller passed.
    m.outcome === 'unknown-sender' ? null : m.text ?? null,
    m.command ?? null, m.plugin ?? null, m.outcome, m.segments ?? 0, m.durationMs ?? null,
    m.messageSid ?? null, m.providerSid ?? null, m.deliveryStatus ?? null
  ]
}

function values (m: NewMessage, now: number): Sql {
  return sql`(${join(messageValues(m, now).map((x) => sql`${x}`), ', ')})`
}

/** One message's insert: the same text for every row, so a prepared statement serves a whole batch (SQLite's writer). */
export function insertOne (m: NewMessage, now: number): Sql {
  return sql`insert into messages (${raw(COLUMNS)}) values ${values(m, now)}`
}

function fromRow (r: MessageRow): MessageRecord {
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

function conditions (f: MessageFilter): Sql[] {
  const where: Sql[] = []
  if (f.since !== undefined) where.push(sql`time >= ${f.since}`)
  if (f.until !== undefined) where.push(sql`time < ${f.until}`)
  if (f.number !== undefined) where.push(sql`number = ${f.number}`)
  if (f.command !== undefined) where.push(sql`command = ${f.command}`)
  if (f.outcome !== undefined) where.push(sql`outcome = ${f.outcome}`)
  if (f.direction !== undefined) where.push(sql`direction = ${f.direction}`)
  // lower() on both sides: one expression for both engines (PostgreSQL's LIKE is case-sensitive, SQLite's is not).
  if (f.text !== undefined && f.text !== '') where.push(sql`lower(text) like ${likePattern(f.text)} escape '\\'`)
  return where
}

function whereClause (where: Sql[]): Sql {
  return where.length === 0 ? raw('') : sql` where ${join(where, ' and ')}`
}

function checkFilter (f: MessageFilter): void {
  for (const key of ['since', 'until'] as const) {
    const value = f[key]
    if (value !== undefined && !Number.isSafeInteger(value)) throw new ERR_STORE_QUERY(`${key} must be epoch milliseconds`)
  }
}

export class SqlMessageRepository implements MessageRepository {
  constructor (private readonly db: Db, private readonly now: () => number) {}

  async insert (batch: readonly NewMessage[]): Promise<number[]> {
    if (batch.length === 0) return []
    const now = this.now()
    const statement = (rows: readonly NewMessage[]): Sql =>
      sql`insert into messages (${raw(COLUMNS)}) values ${join(rows.map((m) => values(m, now)), ', ')} returning id`
    // One statement is atomic by itself and holds SQLite's write lock for no longer than it runs; a transaction only
    // for batches too big for one statement.
    if (batch.length <= INSERT_CHUNK) return (await this.db.all<{ id: number }>(statement(batch))).map((r) => Number(r.id))
    return await this.db.transaction(async (tx) => {
      const ids: number[] = []
      for (let i = 0; i < batch.length; i += INSERT_CHUNK) {
        for (const r of await tx.all<{ id: number }>(statement(batch.slice(i, i + INSERT_CHUNK)))) ids.push(Number(r.id))
      }
      return ids
    })
  }

  async query (q: MessageQuery = {}): Promise<MessagePage> {
    checkFilter(q)
    const limit = q.limit ?? DEFAULT_LIMIT
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new ERR_STORE_QUERY(`limit must be 1 to ${MAX_LIMIT}`)
    const where = conditions(q)
    if (q.cursor !== undefined) {
      // Keyset paging: strictly older than the last row shown, so rows written meanwhile neither repeat nor shift it.
      const after = decodeCursor(q.cursor)
      where.push(sql`(time < ${after.time} or (time = ${after.time} and id < ${after.id}))`)
    }
    const rows = await this.db.all<MessageRow>(sql`${SELECT}${whereClause(where)} order by time desc, id desc limit ${limit + 1}`)
    const items = rows.slice(0, limit).map(fromRow)
    const last = items[items.length - 1]
    return { items, next: rows.length > limit && last !== undefined ? encodeCursor(last) : undefined }
  }

  async count (unit: 'hour' | 'day', f: MessageFilter = {}): Promise<Bucket[]> {
    checkFilter(f)
    // Integer division on both engines (bigint / bigint): UTC buckets.
    const size = unit === 'hour' ? HOUR_MS : DAY_MS
    const rows = await this.db.all<{ start: number, count: number }>(sql`select (time / ${raw(String(size))}) * ${raw(String(size))} as start, count(*) as count from messages${whereClause(conditions(f))} group by 1 order by 1`)
    return rows.map((r) => ({ start: Number(r.start), count: Number(r.count) }))
  }

  async segmentsPerDay (f: Pick<MessageFilter, 'since' | 'until'> = {}): Promise<SegmentsDay[]> {
    checkFilter(f)
    const day = raw(String(DAY_MS))
    const rows = await this.db.all<{ start: number, inbound: number, outbound: number }>(sql`select (time / ${day}) * ${day} as start,
      coalesce(sum(case when direction = 'in' then segments else 0 end), 0) as inbound,
      coalesce(sum(case when direction = 'out' then segments else 0 end), 0) as outbound
      from messages${whereClause(conditions(f))} group by 1 order by 1`)
    return rows.map((r) => ({ start: Number(r.start), inbound: Number(r.inbound), outbound: Number(r.outbound) }))
  }

  async prune (days: number): Promise<number> {
    if (!Number.isFinite(days) || days < 0) throw new ERR_STORE_QUERY('retention days must be 0 or more')
    const cutoff = this.now() - Math.floor(days * DAY_MS)
    let total = 0
    for (;;) {
      const deleted = await this.db.run(sql`delete from messages where id in (select id from messages where time < ${cutoff} limit ${PRUNE_BATCH})`)
      total += deleted
      if (deleted < PRUNE_BATCH) return total
    }
  }

  async updateDeliveryStatus (providerSid: string, status: string): Promise<number> {
    return await this.db.run(sql`update messages set delivery_status = ${status} where provider_sid = ${providerSid} and direction = 'out'`)
  }
}
