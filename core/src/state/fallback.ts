import { ERR_PAGES_UNAVAILABLE } from '../errors.js'
import type { MaybePromise } from '../maybe-async.js'
import type { StateBudget } from './budget.js'
import { MemoryIdempotencyStore, type IdempotencyClaim, type IdempotencyStore } from './idempotency.js'
import { MemoryPageStore, type PageStore } from './pages.js'
import type { SharedState } from './shared.js'

/*
 * The Redis stores with a memory fallback, used while the breaker is open or when a call fails. What is lost during an
 * outage: idempotency across replicas (a retry that reaches another replica runs the command again; one replica still
 * answers its own retries) and shared pages (`more` finds only what this replica saved during the outage; pages that
 * are in Redis are "unavailable", not "nothing more"). Rate limits fall back the same way (rate-limit.ts): each replica
 * counts on its own. Nothing here logs above debug: the breaker logs the outage once.
 */

export class FallbackIdempotencyStore implements IdempotencyStore {
  readonly #remote: IdempotencyStore
  readonly #local = new MemoryIdempotencyStore()
  readonly #state: SharedState

  constructor (remote: IdempotencyStore, state: SharedState) {
    this.#remote = remote
    this.#state = state
  }

  claim (key: string, leaseMs: number, owner: string, budget?: StateBudget): MaybePromise<IdempotencyClaim> {
    return this.#state.attempt('idempotency.claim', budget, async () => await this.#remote.claim(key, leaseMs, owner), () => this.#local.claim(key, leaseMs))
  }

  renew (key: string, leaseMs: number, owner: string): MaybePromise<void> {
    this.#local.renew(key, leaseMs)
    if (this.#state.open) return
    return this.#state.attempt('idempotency.renew', undefined, async () => { await this.#remote.renew(key, leaseMs, owner) }, () => {})
  }

  complete (key: string, answer: string, ttlMs: number, budget?: StateBudget): MaybePromise<void> {
    // Kept here too: this replica answers its own retries from memory if Redis goes away later.
    this.#local.complete(key, answer, ttlMs)
    return this.#state.attempt('idempotency.complete', budget, async () => { await this.#remote.complete(key, answer, ttlMs) }, () => {})
  }

  peek (key: string, budget?: StateBudget): MaybePromise<IdempotencyClaim | undefined> {
    return this.#state.attempt('idempotency.peek', budget, async () => await this.#remote.peek(key), () => this.#local.peek(key))
  }
}

export class FallbackPageStore implements PageStore {
  readonly #remote: PageStore
  readonly #local = new MemoryPageStore()
  readonly #state: SharedState

  constructor (remote: PageStore, state: SharedState) {
    this.#remote = remote
    this.#state = state
  }

  async save (key: string, pages: readonly string[], ttlMs: number, budget?: StateBudget): Promise<void> {
    await this.#state.attempt('pages.save', budget,
      async () => { await this.#remote.save(key, pages, ttlMs); this.#local.forget(key) },
      async () => { await this.#local.save(key, pages, ttlMs) })
  }

  /** Here at once, and in Redis unless the breaker is open (pages left there expire with their TTL). */
  forget (key: string): MaybePromise<void> {
    this.#local.forget(key)
    return this.#state.attempt('pages.forget', undefined, async () => { await this.#remote.forget?.(key) }, () => {})
  }

  /** Redis first, then what was saved here during an outage; when Redis cannot be asked and memory has nothing, the
   * pages may well be in Redis: say they are unavailable rather than that there is nothing more. */
  async next (key: string, budget?: StateBudget): Promise<string | undefined> {
    if (!this.#state.open) {
      try {
        const page = await this.#state.call(async () => await this.#remote.next(key), budget)
        return page ?? await this.#local.next(key)
      } catch {}
    }
    const page = await this.#local.next(key)
    if (page === undefined) throw new ERR_PAGES_UNAVAILABLE()
    return page
  }
}
