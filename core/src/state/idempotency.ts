/**
 * Answers already given, by Twilio's MessageSid: a retried webhook gets the first answer and never runs the command
 * again. A claim is `pending` while the first run goes on, then `done` with the answer.
 */
export type IdempotencyClaim =
  | { readonly state: 'claimed' }
  | { readonly state: 'pending' }
  | { readonly state: 'done', readonly answer: string }

export const CLAIMED: IdempotencyClaim = Object.freeze({ state: 'claimed' })
export const PENDING: IdempotencyClaim = Object.freeze({ state: 'pending' })

export interface IdempotencyStore {
  /** Claims `key` for a first run (kept `pendingTtlMs`), or says it is pending or done with its answer. */
  claim(key: string, pendingTtlMs: number): Promise<IdempotencyClaim>
  /** Records the answer for `ttlMs` (24 h for Twilio's retries). */
  complete(key: string, answer: string, ttlMs: number): Promise<void>
  /** The answer, the pending state, or undefined when the key is unknown or expired. */
  peek(key: string): Promise<IdempotencyClaim | undefined>
  close?(): Promise<void>
}

interface Entry {
  answer: string | undefined
  expires: number
}

/** The embedded default: a bounded in-memory map; expired entries are swept from the oldest end as new ones come. */
export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly #entries = new Map<string, Entry>()
  constructor (private readonly maxKeys = 100_000, private readonly now: () => number = Date.now) {}

  async claim (key: string, pendingTtlMs: number): Promise<IdempotencyClaim> {
    const now = this.now()
    const found = this.#live(key, now)
    if (found !== undefined) return found.answer === undefined ? PENDING : { state: 'done', answer: found.answer }
    this.#insert(key, { answer: undefined, expires: now + pendingTtlMs }, now)
    return CLAIMED
  }

  async complete (key: string, answer: string, ttlMs: number): Promise<void> {
    const now = this.now()
    this.#entries.delete(key)
    this.#insert(key, { answer, expires: now + ttlMs }, now)
  }

  async peek (key: string): Promise<IdempotencyClaim | undefined> {
    const found = this.#live(key, this.now())
    if (found === undefined) return undefined
    return found.answer === undefined ? PENDING : { state: 'done', answer: found.answer }
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

  #insert (key: string, entry: Entry, now: number): void {
    // Sweep from the oldest end: entries go in roughly in expiry order, so this stops at the first live one.
    for (const [k, e] of this.#entries) {
      if (e.expires > now && this.#entries.size < this.maxKeys) break
      this.#entries.delete(k)
    }
    this.#entries.set(key, entry)
  }
}
