import type { Redis } from 'ioredis'
import type { StateBudget } from './budget.js'
import { MemoryChoiceStore, type ChoiceStore } from './choices.js'
import type { SharedState } from './shared.js'

/** Choices in Redis (one JSON string per sender): the reply `1` may reach another replica than the question. */
export class RedisChoiceStore implements ChoiceStore {
  readonly #redis: Redis
  readonly #prefix: string

  constructor (redis: Redis, options: { prefix?: string } = {}) {
    this.#redis = redis
    this.#prefix = options.prefix ?? 'operator:choices:'
  }

  async save (key: string, commands: readonly string[], ttlMs: number): Promise<void> {
    await this.#redis.set(this.#prefix + key, JSON.stringify(commands), 'PX', ttlMs)
  }

  async take (key: string): Promise<readonly string[] | undefined> {
    const raw = await this.#redis.getdel(this.#prefix + key)
    if (raw === null) return undefined
    const value: unknown = JSON.parse(raw)
    // Written by this class only; anything else under the key is treated as no choice at all.
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined
  }
}

/**
 * Redis with the memory fallback while the breaker is open or a call fails (as FallbackPageStore): during an outage a
 * choice is answered only on the replica that asked it.
 */
export class FallbackChoiceStore implements ChoiceStore {
  readonly #remote: ChoiceStore
  readonly #local = new MemoryChoiceStore()
  readonly #state: SharedState

  constructor (remote: ChoiceStore, state: SharedState) {
    this.#remote = remote
    this.#state = state
  }

  async save (key: string, commands: readonly string[], ttlMs: number, budget?: StateBudget): Promise<void> {
    await this.#state.attempt('choices.save', budget,
      async () => { await this.#remote.save(key, commands, ttlMs); await this.#local.take(key) },
      async () => { await this.#local.save(key, commands, ttlMs) })
  }

  async take (key: string, budget?: StateBudget): Promise<readonly string[] | undefined> {
    const local = await this.#local.take(key)
    if (local !== undefined) return local
    return await this.#state.attempt('choices.take', budget, async () => await this.#remote.take(key), () => undefined)
  }
}
