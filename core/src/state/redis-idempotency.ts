import type { Redis } from 'ioredis'
import { CLAIMED, PENDING, type IdempotencyClaim, type IdempotencyStore } from './idempotency.js'

// Claim atomically: set an empty value (pending) if absent, else return what is there.
const CLAIM = `
if redis.call('SET', KEYS[1], '', 'PX', ARGV[1], 'NX') then return 1 end
local v = redis.call('GET', KEYS[1])
if v then return v end
return 0
`

interface ClaimingRedis extends Redis {
  operatorClaim(key: string, ttlMs: number): Promise<number | string>
}

/** Idempotency records in Redis, so any replica behind a load balancer answers a retry from the first result. */
export class RedisIdempotencyStore implements IdempotencyStore {
  readonly #redis: ClaimingRedis
  readonly #prefix: string

  constructor (redis: Redis, prefix = 'operator:idem:') {
    if (typeof (redis as unknown as { operatorClaim?: unknown }).operatorClaim !== 'function') {
      redis.defineCommand('operatorClaim', { numberOfKeys: 1, lua: CLAIM })
    }
    this.#redis = redis as unknown as ClaimingRedis
    this.#prefix = prefix
  }

  async claim (key: string, pendingTtlMs: number): Promise<IdempotencyClaim> {
    const result = await this.#redis.operatorClaim(this.#prefix + key, pendingTtlMs)
    if (result === 1) return CLAIMED
    // 0: the pending claim expired between SET and GET; treat as still pending (the caller polls again).
    if (result === 0 || result === '') return PENDING
    return { state: 'done', answer: String(result) }
  }

  async complete (key: string, answer: string, ttlMs: number): Promise<void> {
    await this.#redis.set(this.#prefix + key, answer, 'PX', ttlMs)
  }

  async peek (key: string): Promise<IdempotencyClaim | undefined> {
    const value = await this.#redis.get(this.#prefix + key)
    if (value === null) return undefined
    return value === '' ? PENDING : { state: 'done', answer: value }
  }
}
