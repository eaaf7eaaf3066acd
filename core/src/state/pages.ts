import type { StateBudget } from './budget.js'

/** Pagination remainders per sender: what `more` sends next. */
export interface PageStore {
  /** Keeps the pages after the first, replacing any earlier remainder for this key. */
  save(key: string, pages: readonly string[], ttlMs: number, budget?: StateBudget): Promise<void>
  /** Takes the next page, or undefined when none is left or they expired. */
  next(key: string, budget?: StateBudget): Promise<string | undefined>
  /** Drops this key's remainder (a newer complete reply replaced it); optional for stores written before it existed. */
  forget?(key: string): void | Promise<void>
  close?(): Promise<void>
}

/** The embedded default: a bounded in-memory map (the oldest entry goes first when full). */
export class MemoryPageStore implements PageStore {
  readonly #entries = new Map<string, { pages: string[]; expires: number }>()
  constructor (private readonly maxKeys = 10_000, private readonly now: () => number = Date.now) {}

  async save (key: string, pages: readonly string[], ttlMs: number): Promise<void> {
    this.#entries.delete(key)
    if (this.#entries.size >= this.maxKeys) this.#entries.delete(this.#entries.keys().next().value!)
    this.#entries.set(key, { pages: [...pages], expires: this.now() + ttlMs })
  }

  forget (key: string): void {
    this.#entries.delete(key)
  }

  async next (key: string): Promise<string | undefined> {
    const entry = this.#entries.get(key)
    if (entry === undefined) return undefined
    if (entry.expires <= this.now()) {
      this.#entries.delete(key)
      return undefined
    }
    const page = entry.pages.shift()
    if (entry.pages.length === 0) this.#entries.delete(key)
    return page
  }
}
