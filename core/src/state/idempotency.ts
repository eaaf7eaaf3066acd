import type { MaybePromise } from '../maybe-async.js'
import type { StateBudget } from './budget.js'

/**
 * Answers already given, by Twilio's MessageSid: a retried webhook gets the first answer and never runs the command
 * again. A claim is `pending` while the first run goes on, then `done` with the answer. A pending claim is a lease its
 * owner renews while the command runs: when the owner dies the lease lapses and a retry can take the message over.
 */
export type IdempotencyClaim =
  | { readonly state: 'claimed' }
  | { readonly state: 'pending' }
  | { readonly state: 'done', readonly answer: string }

export const CLAIMED: IdempotencyClaim = Object.freeze({ state: 'claimed' })
export const PENDING: IdempotencyClaim = Object.freeze({ state: 'pending' })

export interface IdempotencyStore {
  /** Claims `key` for `owner`'s first run (a lease of `leaseMs`), or says it is pending or done with its answer. */
  claim(key: string, leaseMs: number, owner: string, budget?: StateBudget): MaybePromise<IdempotencyClaim>
  /** Extends `owner`'s pending lease on `key` (nothing when the key is done or someone else's). */
  renew(key: string, leaseMs: number, owner: string): MaybePromise<void>
  /** Records the answer for `ttlMs` (24 h for Twilio's retries). */
  complete(key: string, answer: string, ttlMs: number, budget?: StateBudget): MaybePromise<void>
  /** The answer, the pending state, or undefined when the key is unknown or its lease lapsed. */
  peek(key: string, budget?: StateBudget): MaybePromise<IdempotencyClaim | undefined>
  close?(): Promise<void>
}

interface Entry {
  readonly key: string
  answer: string | undefined
  expires: number
}

/**
 * The embedded default: a bounded in-memory map; expired entries are swept from the oldest end as new ones come.
 * The insertion order is kept in an array rather than read back from the Map: iterating a Map from its start after
 * many deletions walks every deleted slot first, which made each message cost ~40 us once the store was full.
 */
export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly #entries = new Map<string, Entry>()
  #order: Entry[] = []
  #head = 0
  constructor (private readonly maxKeys = 100_000, private readonly now: () => number = Date.now) {}

  // Synchronous: the webhook answers a message without a promise turn when nothing has to wait.
  claim (key: string, leaseMs: number): IdempotencyClaim {
    const now = this.now()
    const found = this.#live(key, now)
    if (found !== undefined) return found.answer === undefined ? PENDING : { state: 'done', answer: found.answer }
    this.#insert({ key: ownCopy(key), answer: undefined, expires: now + leaseMs }, now)
    return CLAIMED
  }

  // One process: the owner is whoever holds the in-flight run here, so it need not be checked.
  renew (key: string, leaseMs: number): void {
    const now = this.now()
    const found = this.#live(key, now)
    if (found !== undefined && found.answer === undefined) found.expires = now + leaseMs
  }

  complete (key: string, answer: string, ttlMs: number): void {
    const now = this.now()
    const claimed = this.#entries.get(key)
    if (claimed === undefined) {
      this.#insert({ key: ownCopy(key), answer, expires: now + ttlMs }, now)
      return
    }
    // Completed where it stands: one Map lookup instead of a delete and a re-insert per message. It keeps its place
    // in the order, so at capacity it goes out with the claims made around it.
    claimed.answer = answer
    claimed.expires = now + ttlMs
  }

  peek (key: string): IdempotencyClaim | undefined {
    const found = this.#live(key, this.now())
    if (found === undefined) return undefined
    return found.answer === undefined ? PENDING : { state: 'done', answer: found.answer }
  }

  get size (): number {
    return this.#entries.size
  }

  #live (key: string, now: number): Entry | undefined {
    const entry = this.#entries.get(key)
    if (entry === undefined) return undefined
    if (entry.expires <= now) {
      this.#entries.delete(key)
      return undefined
    }
    return entry
  }

  #insert (entry: Entry, now: number): void {
    this.#entries.set(entry.key, entry)
    this.#order.push(entry)
    // Sweep from the oldest end: stop at the first entry that is live while there is room. An order slot whose key
    // was completed, deleted or re-inserted since is stale and skipped.
    while (this.#head < this.#order.length) {
      const oldest = this.#order[this.#head]!
      if (this.#entries.get(oldest.key) === oldest) {
        if (oldest.expires > now && this.#entries.size <= this.maxKeys) break
        this.#entries.delete(oldest.key)
      }
      this.#head++
    }
    // Drop the swept prefix now and then, so the array stays proportional to the live entries.
    if (this.#head > 1024 && this.#head * 2 > this.#order.length) {
      this.#order = this.#order.slice(this.#head)
      this.#head = 0
    }
  }
}

/**
 * A key parsed out of a request body is a slice of the whole body's string, and keeping it would keep the body: at
 * 100,000 keys that was 60 MB of heap and twice the garbage collector's work. A copy holds only its own characters.
 */
function ownCopy (key: string): string {
  return Buffer.from(key, 'utf8').toString('utf8')
}
