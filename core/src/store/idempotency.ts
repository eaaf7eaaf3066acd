import { sql } from './sql.js'
import type { Db } from './db.js'
import { CLAIMED, PENDING, type IdempotencyClaim } from '../state/idempotency.js'
import type { DurableIdempotencyStore } from './types.js'

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
    if (row === undefined) return undefined
    return row.state === 'done' && row.answer !== null ? { state: 'done', answer: row.answer } : PENDING
  }

  async prune (): Promise<number> {
    return await this.db.run(sql`delete from idempotency where expires_at <= ${this.now()}`)
  }
}
