import type { FastifyRateLimitStore } from '@fastify/rate-limit'
import LocalStore from '@fastify/rate-limit/store/LocalStore.js'
import RedisStore from '@fastify/rate-limit/store/RedisStore.js'
import type { Redis } from 'ioredis'
import type { MaybePromise } from '../../maybe-async.js'
import type { StateBudget } from '../../state/budget.js'
import type { SharedState } from '../../state/shared.js'

/** What one message did to a limit: within it, the first over it (answered with a notice), or further over. */
export type LimitVerdict =
  | { readonly state: 'within' }
  | { readonly state: 'over' | 'banned', readonly max: number, readonly retryInSeconds: number }

const WITHIN: LimitVerdict = Object.freeze({ state: 'within' })

/**
 * A fixed-window message counter on @fastify/rate-limit's own stores: its in-memory LRU, or its Redis script when
 * replicas share a limit. The stores are used directly rather than through `createRateLimit`, whose promise per call
 * (two limits per message) cost about a sixth of the webhook's throughput; with the in-memory store a verdict is
 * synchronous. With Redis, the count runs within the message's state budget; while Redis is down (the breaker is
 * open, or the call failed) each replica counts on its own in memory: the limit still holds per replica, the shared
 * count is what is lost.
 */
export class RateLimiter {
  readonly #local: FastifyRateLimitStore
  readonly #shared: FastifyRateLimitStore | undefined
  readonly #state: SharedState | undefined

  constructor (local: FastifyRateLimitStore, shared: { store: FastifyRateLimitStore, state: SharedState } | undefined, readonly max: number, readonly windowMs: number) {
    this.#local = local
    this.#shared = shared?.store
    this.#state = shared?.state
  }

  /** Counts one message against `key`; synchronous with the in-memory store (and while Redis is down). */
  hit (key: string, budget?: StateBudget): MaybePromise<LimitVerdict> {
    if (this.#shared === undefined || this.#state === undefined) return this.#localHit(key)
    const shared = this.#shared
    return this.#state.attempt('rate-limit', budget, async () => await new Promise<LimitVerdict>((resolve, reject) => {
      shared.incr(key, (err, result) => {
        if (err !== null || result === undefined) reject(err ?? new Error('the rate-limit store gave no count'))
        else resolve(this.#verdict(result.current, result.ttl))
      }, this.windowMs, this.max)
    }), () => this.#localHit(key))
  }

  #localHit (key: string): LimitVerdict {
    let verdict: LimitVerdict = WITHIN
    // LocalStore answers synchronously and never fails.
    this.#local.incr(key, (err, result) => {
      if (err === null && result !== undefined) verdict = this.#verdict(result.current, result.ttl)
    }, this.windowMs, this.max)
    return verdict
  }

  #verdict (current: number, ttlMs: number): LimitVerdict {
    if (current <= this.max) return WITHIN
    // The first message over the limit is told why; the ones after it in the window get nothing.
    return { state: current === this.max + 1 ? 'over' : 'banned', max: this.max, retryInSeconds: Math.max(1, Math.ceil(ttlMs / 1000)) }
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
  /** The shared Redis connection and its breaker; undefined: memory only. */
  state: SharedState<Redis> | undefined
}): RateLimits {
  const { state } = options
  const limiter = (nameSpace: string, max: number): RateLimiter => new RateLimiter(
    new LocalStore(false, false),
    state === undefined ? undefined : { store: new RedisStore(false, false, state.client, nameSpace), state },
    max, options.windowMs)
  return {
    perSender: limiter('operator:sms:rl:sender:', options.perSender),
    global: limiter('operator:sms:rl:global:', options.global)
  }
}
