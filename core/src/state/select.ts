import type { FastifyBaseLogger } from 'fastify'
import type { Redis } from 'ioredis'
import { MemoryPageStore, type PageStore } from './pages.js'
import { MemoryIdempotencyStore, type IdempotencyStore } from './idempotency.js'
import { MemoryChoiceStore, type ChoiceStore } from './choices.js'
import type { SharedState } from './shared.js'

export interface StateSettings {
  readonly kind: 'memory' | 'redis'
  readonly redisUrl: string
  /** STATE_BUDGET_MS: what one message may spend waiting on Redis, over all its calls. */
  readonly budgetMs: number
}

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379'
export const DEFAULT_STATE_BUDGET_MS = 300

/** STATE_STORE picks the store; left empty, REDIS_URL being set means Redis. The embedded default is memory. */
export function stateSettings (env: { STATE_STORE?: string, REDIS_URL?: string, STATE_BUDGET_MS?: number }): StateSettings {
  const url = env.REDIS_URL ?? ''
  const kind = env.STATE_STORE === 'redis' || (env.STATE_STORE !== 'memory' && url !== '') ? 'redis' : 'memory'
  return { kind, redisUrl: url !== '' ? url : DEFAULT_REDIS_URL, budgetMs: env.STATE_BUDGET_MS ?? DEFAULT_STATE_BUDGET_MS }
}

/** The hot, short-lived state: pages for `more`, idempotency records; with Redis, one client behind one breaker. */
export interface State {
  readonly pages: PageStore
  readonly idempotency: IdempotencyStore
  /** Readings offered to choose between (`Did you mean 1) … 2) …?`), until the sender answers. */
  readonly choices: ChoiceStore
  /** The shared Redis connection and its breaker; undefined with the memory store. */
  readonly shared: SharedState<Redis> | undefined
  close(): Promise<void>
}

/** The memory default is built at once; the Redis one loads ioredis only now, and connects on first use. */
export async function createState (settings: StateSettings, log: Pick<FastifyBaseLogger, 'warn' | 'info' | 'debug'>): Promise<State> {
  if (settings.kind === 'memory') {
    return { pages: new MemoryPageStore(), idempotency: new MemoryIdempotencyStore(), choices: new MemoryChoiceStore(), shared: undefined, close: async () => {} }
  }
  const [{ createRedisClient, quitRedis }, { SharedState }, { RedisPageStore }, { RedisIdempotencyStore }, { FallbackIdempotencyStore, FallbackPageStore }] = await Promise.all([
    import('./redis.js'), import('./shared.js'), import('./redis-pages.js'), import('./redis-idempotency.js'), import('./fallback.js')
  ])
  const { RedisChoiceStore, FallbackChoiceStore } = await import('./redis-choices.js')
  const client = await createRedisClient(settings.redisUrl, log)
  const shared = new SharedState(client, log, { budgetMs: settings.budgetMs })
  return {
    pages: new FallbackPageStore(new RedisPageStore(client), shared),
    idempotency: new FallbackIdempotencyStore(new RedisIdempotencyStore(client), shared),
    choices: new FallbackChoiceStore(new RedisChoiceStore(client), shared),
    shared,
    close: async () => {
      shared.close()
      await quitRedis(client)
    }
  }
}
