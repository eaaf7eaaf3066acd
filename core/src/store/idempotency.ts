import type { Kysely } from 'kysely'
import type { Database } from './schema.js'
import { CLAIMED, PENDING, type IdempotencyClaim } from '../state/idempotency.js'
import type { DurableIdempotencyStore } from './types.js'

/**
 * Idempotency records in the durable store: with no Redis, an answer given before a restart is still given after it.
 * A claim is one INSERT … ON CONFLICT DO UPDATE … WHERE the old record lapsed, so of any number of concurrent claims
 * (replicas on PostgreSQL, processes on one SQLite file) exactly one gets a row back.
 */
export class SqlIdempotencyStore implements DurableIdempotencyStore {
  constructor (private readonly db: Kysely<Database>, private readonly now: () => number) {}

  async claim (key: string, leaseMs: number, owner: string): Promise<IdempotencyClaim> {
    const now = this.now()
    const won = await this.db.insertInto('idempotency')
      .values({ key, state: 'pending', answer: null, owner, expires_at: now + leaseMs })
      .onConflict((oc) => oc.column('key')
        .doUpdateSet((eb) => ({
          state: 'pending', answer: null, owner: eb.ref('excluded.owner'), expires_at: eb.ref('excluded.expires_at')
        }))
        .where('idempotency.expires_at', '<=', now))
      .returning('key')
      .executeTakeFirst()
    if (won !== undefined) return CLAIMED
    // Someone else's live record. If it lapses between the two statements, say pending: the caller looks again.
    return (await this.peek(key)) ?? PENDING
  }

  async renew (key: string, leaseMs: number, owner: string): Promise<void> {
    const now = this.now()
    await this.db.updateTable('idempotency')
      .set({ expires_at: now + leaseMs })
      .where('key', '=', key).where('state', '=', 'pending').where('owner', '=', owner).where('expires_at', '>', now)
      .execute()
  }

  async complete (key: string, answer: string, ttlMs: number): Promise<void> {
    const expires = this.now() + ttlMs
    await this.db.insertInto('idempotency')
      .values({ key, state: 'done', answer, owner: null, expires_at: expires })
      .onConflict((oc) => oc.column('key').doUpdateSet({ state: 'done', answer, expires_at: expires }))
      .execute()
  }

  async peek (key: string): Promise<IdempotencyClaim | undefined> {
    const row = await this.db.selectFrom('idempotency').select(['state', 'answer'])
      .where('key', '=', key).where('expires_at', '>', this.now())
      .executeTakeFirst()
    if (row === undefined) return undefined
    return row.state === 'done' && row.answer !== null ? { state: 'done', answer: row.answer } : PENDING
  }

  async prune (): Promise<number> {
    const result = await this.db.deleteFrom('idempotency').where('expires_at', '<=', this.now()).executeTakeFirst()
    return Number(result.numDeletedRows)
  }
}
