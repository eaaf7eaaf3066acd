import { join, sql, type Sql } from './sql.js'
import type { Db } from './db.js'
import { CLAIMED, PENDING, type IdempotencyClaim } from '../state/idempotency.js'
import type { DurableIdempotencyStore } from './types.js'

// Rows per statement: 5 parameters a row stays under SQLite's 32766 and PostgreSQL's 65535 parameters.
const COMPLETE_CHUNK = 1000

function toClaim (row: { state: string, answer: string | null } | undefined): IdempotencyClaim | undefined {
  if (row === undefined) return undefined
  return row.state === 'done' && row.answer !== null ? { state: 'done', answer: row.answer } : PENDING
}

/** One recorded answer (an upsert): the same text for every row, so a prepared statement serves a whole batch. */
export function completeOne (key: string, answer: string, expiresAt: number): Sql {
  return sql`insert into idempotency (key, state, answer, owner, expires_at) values (${key}, 'done', ${answer}, null, ${expiresAt})
    on conflict (key) do update set state = 'done', answer = excluded.answer, owner = null, expires_at = excluded.expires_at`
}

/**
 * Idempotency records in the durable store: with no Redis, an answer given before a restart is still given after it.
 * A claim is one INSERT … ON CONFLICT DO UPDATE … WHERE the old record lapsed, so of any number of concurrent claims
 * (replicas on PostgreSQL, processes on one SQLite file) exactly one gets a row back.
 */
export class SqlIdempotencyStore implements DurableIdempotencyStore {
  constructor (private readonly db: Db, private readonly now: () => number) {}

  async claim (key: string, leaseMs: number, owner: string): Promise<IdempotencyClaim> {
    const now = this.now()
    const won = await this.db.all(sql`insert into idempotency (key, state, answer, owner, expires_at)
      values (${key}, 'pending', null, ${owner}, ${now + leaseMs})
      on conflict (key) do update set state = 'pending', answer = null, owner = excluded.owner, expires_at = excluded.expires_at
      where idempotency.expires_at <= ${now}
      returning key`)
    if (won.length > 0) return CLAIMED
    // Someone else's live record. If it lapses between the two statements, say pending: the caller looks again.
    return (await this.peek(key)) ?? PENDING
  }

  async renew (key: string, leaseMs: number, owner: string): Promise<void> {
    const now = this.now()
    await this.db.run(sql`update idempotency set expires_at = ${now + leaseMs}
      where key = ${key} and state = 'pending' and owner = ${owner} and expires_at > ${now}`)
  }

  async complete (key: string, answer: string, ttlMs: number): Promise<void> {
    const expires = this.now() + ttlMs
    await this.db.run(sql`insert into idempotency (key, state, answer, owner, expires_at) values (${key}, 'done', ${answer}, null, ${expires})
      on conflict (key) do update set state = 'done', answer = excluded.answer, expires_at = excluded.expires_at`)
  }

  async peek (key: string): Promise<IdempotencyClaim | undefined> {
    const [row] = await this.db.all<{ state: string, answer: string | null }>(
      sql`select state, answer from idempotency where key = ${key} and expires_at > ${this.now()}`)
    return toClaim(row)
  }

  peekNow (key: string): IdempotencyClaim | undefined | Promise<IdempotencyClaim | undefined> {
    if (this.db.readNow === undefined) return this.peek(key)
    const [row] = this.db.readNow<{ state: string, answer: string | null }>(
      sql`select state, answer from idempotency where key = ${key} and expires_at > ${this.now()}`)
    return toClaim(row)
  }

  async completeMany (answers: ReadonlyArray<{ readonly key: string, readonly answer: string, readonly ttlMs: number }>): Promise<void> {
    // One row per key, the last answer winning: PostgreSQL refuses an upsert that touches a row twice.
    const latest = [...new Map(answers.map((a) => [a.key, a])).values()]
    const now = this.now()
    for (let i = 0; i < latest.length; i += COMPLETE_CHUNK) {
      const rows = latest.slice(i, i + COMPLETE_CHUNK).map((a) => sql`(${a.key}, 'done', ${a.answer}, null, ${now + a.ttlMs})`)
      await this.db.run(sql`insert into idempotency (key, state, answer, owner, expires_at) values ${join(rows, ', ')}
        on conflict (key) do update set state = 'done', answer = excluded.answer, owner = null, expires_at = excluded.expires_at`)
    }
  }

  async liveForMs (): Promise<number> {
    const now = this.now()
    const [row] = await this.db.all<{ until: number | null }>(sql`select max(expires_at) as until from idempotency where expires_at > ${now}`)
    return row?.until === null || row?.until === undefined ? 0 : Number(row.until) - now
  }

  async prune (): Promise<number> {
    return await this.db.run(sql`delete from idempotency where expires_at <= ${this.now()}`)
  }
}
