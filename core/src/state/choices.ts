import type { StateBudget } from './budget.js'

/**
 * The readings a sender was asked to choose between (`Did you mean 1) health db 2) db slow?`), kept until they reply
 * `1` or `2`, as pages are kept for `more`.
 */
export interface ChoiceStore {
  /** Keeps the command lines offered, replacing any earlier choice for this key. */
  save(key: string, commands: readonly string[], ttlMs: number, budget?: StateBudget): Promise<void>
  /** Takes (and forgets) the choice offered, or undefined when there is none or it expired. */
  take(key: string, budget?: StateBudget): Promise<readonly string[] | undefined>
}

/** The embedded default: a bounded in-memory map (the oldest entry goes first when full). */
export class MemoryChoiceStore implements ChoiceStore {
  readonly #entries = new Map<string, { commands: readonly string[]; expires: number }>()
  constructor (private readonly maxKeys = 10_000, private readonly now: () => number = Date.now) {}

  async save (key: string, commands: readonly string[], ttlMs: number): Promise<void> {
    this.#entries.delete(key)
    if (this.#entries.size >= this.maxKeys) this.#entries.delete(this.#entries.keys().next().value!)
    this.#entries.set(key, { commands: [...commands], expires: this.now() + ttlMs })
  }

  async take (key: string): Promise<readonly string[] | undefined> {
    const entry = this.#entries.get(key)
    this.#entries.delete(key)
    return entry === undefined || entry.expires <= this.now() ? undefined : entry.commands
  }
}
