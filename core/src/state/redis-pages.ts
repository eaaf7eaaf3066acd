import type { Redis } from 'ioredis'
import type { PageStore } from './pages.js'
import { quitRedis } from './redis.js'

/** Pagination remainders in Redis lists: `more` works on whichever replica the next message reaches. */
export class RedisPageStore implements PageStore {
  readonly #redis: Redis
  readonly #prefix: string
  readonly #owned: boolean

  /** `owned`: close() quits the client (it was made for this store). */
  constructor (redis: Redis, options: { prefix?: string, owned?: boolean } = {}) {
    this.#redis = redis
    this.#prefix = options.prefix ?? 'operator:pages:'
    this.#owned = options.owned ?? false
  }

  async save (key: string, pages: readonly string[], ttlMs: number): Promise<void> {
    const k = this.#prefix + key
    const tx = this.#redis.multi().del(k)
    if (pages.length > 0) tx.rpush(k, ...pages).pexpire(k, ttlMs)
    await tx.exec()
  }

  async forget (key: string): Promise<void> {
    await this.#redis.del(this.#prefix + key)
  }

  async next (key: string): Promise<string | undefined> {
    return (await this.#redis.lpop(this.#prefix + key)) ?? undefined
  }

  async close (): Promise<void> {
    if (this.#owned) await quitRedis(this.#redis)
  }
}
