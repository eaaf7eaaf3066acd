import type { FastifyRateLimitStore } from '@fastify/rate-limit'
import LocalStore from '@fastify/rate-limit/store/LocalStore.js'
import RedisStore from '@fastify/rate-limit/store/RedisStore.js'
import type { Redis } from 'ioredis'

/** What one message did to a limit: within it, the first over it (answered with a notice), or further over. */
export type LimitVerdict =
  | { readonly state: 'within' }
  | { readonly state: 'over' | 'banned', readonly max: number, readonly retryInSeconds: number }

const WITHIN: LimitVerdict = Object.freeze({ state: 'within' })

/**
 * A fixed-window message counter on @fastify/rate-limit's own stores: its in-memory LRU, or its Redis script when
 * replicas share a limit. The stores are used directly rather than through `createRateLimit`, whose promise per call
 * (two limits per message) cost about a sixth of the webhook's throughput; with the in-memory store a verdict is
 * synchronous. A store failure lets the message through: a Redis outage must not silence the on-call phone.
 */
export class RateLimiter {
  readonly #store: FastifyRateLimitStore
  readonly #onError: (err: Error) => void

  constructor (store: FastifyRateLimitStore, readonly max: number, readonly windowMs: number, onError: (err: Error) => void) {
    this.#store = store
    this.#onError = onError
  }

  /** Counts one message against `key`; synchronous with the in-memory store. */
  hit (key: string): LimitVerdict | Promise<LimitVerdict> {
    let sync: LimitVerdict | undefined
    let later: ((verdict: LimitVerdict) => void) | undefined
    this.#store.incr(key, (err, result) => {
      const verdict = err !== null || result === undefined ? this.#failed(err) : this.#verdict(result.current, result.ttl)
      if (later !== undefined) later(verdict)
      else sync = verdict
    }, this.windowMs, this.max)
    if (sync !== undefined) return sync
    return new Promise((resolve) => { later = resolve })
  }

  #verdict (current: number, ttlMs: number): LimitVerdict {
    if (current <= this.max) return WITHIN
    // The first message over the limit is told why; the ones after it in the window get nothing.
    return { state: current === this.max + 1 ? 'over' : 'banned', max: this.max, retryInSeconds: Math.max(1, Math.ceil(ttlMs / 1000)) }
  }

  #failed (err: Error | null): LimitVerdict {
    this.#onError(err ?? new Error('the rate-limit store gave no count'))
    return WITHIN
  }
}

export interface RateLimits {
  readonly perSender: RateLimiter
  readonly global: RateLimiter
}

/**
 * Per-sender and global limits. Twilio's requests all come from Twilio's addresses, so the per-sender key is the
 * verified sender's normalised number, not the IP.
 */
export function createRateLimits (options: {
  perSender: number
  global: number
  windowMs: number
  redis: Redis | undefined
  onError: (err: Error) => void
}): RateLimits {
  const store = (nameSpace: string): FastifyRateLimitStore => options.redis !== undefined
    ? new RedisStore(false, false, options.redis, nameSpace)
    : new LocalStore(false, false)
  return {
    perSender: new RateLimiter(store('operator:sms:rl:sender:'), options.perSender, options.windowMs, options.onError),
    global: new RateLimiter(store('operator:sms:rl:global:'), options.global, options.windowMs, options.onError)
  }
}
