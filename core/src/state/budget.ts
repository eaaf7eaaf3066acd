/**
 * What one message may spend waiting on Redis, summed over all its calls (rate limits, idempotency, pages):
 * STATE_BUDGET_MS. A slow Redis therefore costs a message at most one budget, however many calls it makes; the time
 * the command itself takes is not counted.
 */
export class StateBudget {
  #leftMs: number

  constructor (ms: number) {
    this.#leftMs = ms
  }

  get remainingMs (): number {
    return this.#leftMs
  }

  spend (ms: number): void {
    this.#leftMs = Math.max(0, this.#leftMs - ms)
  }
}
