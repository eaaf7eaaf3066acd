import type { FastifyBaseLogger } from 'fastify'
import type { Redis } from 'ioredis'
import { MemoryPageStore, type PageStore } from './pages.js'
import { RedisPageStore } from './redis-pages.js'
import { MemoryIdempotencyStore, type IdempotencyStore } from './idempotency.js'
import { RedisIdempotencyStore } from './redis-idempotency.js'
import { createRedisClient } from './redis.js'

export interface StateSettings {
  readonly kind: 'memory' | 'redis'
  readonly redisUrl: string
}

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379'

/** STATE_STORE picks the store; left empty, REDIS_URL being set means Redis. The embedded default is memory. */
export function stateSettings (env: { STATE_STORE?: string, REDIS_URL?: string }): StateSettings {
  const url = env.REDIS_URL ?? ''
  const kind = env.STATE_STORE === 'redis' || (env.STATE_STORE !== 'memory' && url !== '') ? 'redis' : 'memory'
  return { kind, redisUrl: url !== '' ? url : DEFAULT_REDIS_URL }
}

/** The page store `more` reads; a Redis one owns its client and quits it on close(). */
export function createPageStore (settings: StateSettings, log: Pick<FastifyBaseLogger, 'warn' | 'info'>): PageStore {
  return settings.kind === 'redis'
    ? new RedisPageStore(createRedisClient(settings.redisUrl, log), { owned: true })
    : new MemoryPageStore()
}

/** The idempotency store for webhook retries; with Redis it uses the given client (the caller owns it). */
export function createIdempotencyStore (settings: StateSettings, redis: Redis | undefined): IdempotencyStore {
  return settings.kind === 'redis' && redis !== undefined ? new RedisIdempotencyStore(redis) : new MemoryIdempotencyStore()
}
