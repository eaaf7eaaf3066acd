import type { Redis } from 'ioredis'
import { CLAIMED, PENDING, type IdempotencyClaim, type IdempotencyStore } from './idempotency.js'

// A pending claim holds `pending:<owner>` for a short lease; an answer is the TwiML itself (it starts with '<').
const PENDING_PREFIX = 'pending:'

// Claim atomically: take the lease if the key is absent, else return what is there.
const CLAIM = `
if redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[1], 'NX') then return 1 end
local v = redis.call('GET', KEYS[1])
if v then return v end
return 0
`

// Extend the lease only while it is still this owner's pending claim (not an answer, not a taker-over's claim).
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[2] then return redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return 0
`

interface LeasingRedis extends Redis {
  operatorClaim(key: string, leaseMs: number, value: string): Promise<number | string>
  operatorRenew(key: string, leaseMs: number, value: string): Promise<number>
}

function parse (value: string): IdempotencyClaim {
  // '' is how earlier versions marked a pending claim.
  return value === '' || value.startsWith(PENDING_PREFIX) ? PENDING : { state: 'done', answer: value }
}

/** Idempotency records in Redis, so any replica behind a load balancer answers a retry from the first result. */
export class RedisIdempotencyStore implements IdempotencyStore {
  readonly #redis: LeasingRedis
  readonly #prefix: string

  constructor (redis: Redis, prefix = 'operator:idem:') {
    const commands = redis as unknown as Partial<LeasingRedis>
    if (typeof commands.operatorClaim !== 'function') redis.defineCommand('operatorClaim', { numberOfKeys: 1, lua: CLAIM })
    if (typeof commands.operatorRenew !== 'function') redis.defineCommand('operatorRenew', { numberOfKeys: 1, lua: RENEW })
    this.#redis = redis as unknown as LeasingRedis
    this.#prefix = prefix
  }

  async claim (key: string, leaseMs: number, owner: string): Promise<IdempotencyClaim> {
    const result = await this.#redis.operatorClaim(this.#prefix + key, leaseMs, PENDING_PREFIX + owner)
    if (result === 1) return CLAIMED
    // 0: the lease lapsed between SET and GET; say pending, and the caller looks again.
    if (result === 0) return PENDING
    return parse(String(result))
  }

  async renew (key: string, leaseMs: number, owner: string): Promise<void> {
    await this.#redis.operatorRenew(this.#prefix + key, leaseMs, PENDING_PREFIX + owner)
  }

  async complete (key: string, answer: string, ttlMs: number): Promise<void> {
    await this.#redis.set(this.#prefix + key, answer, 'PX', ttlMs)
  }

  async peek (key: string): Promise<IdempotencyClaim | undefined> {
    const value = await this.#redis.get(this.#prefix + key)
    return value === null ? undefined : parse(value)
  }
}
