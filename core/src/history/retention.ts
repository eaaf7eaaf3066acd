import type { StoreLog } from '../store/open.js'
import type { Store } from '../store/types.js'
import { oneLine } from '../dispatch/one-line.js'

export interface PruneCounts {
  readonly messages: number
  readonly idempotency: number
  readonly pages: number
}

export interface RetentionOptions {
  readonly store: Pick<Store, 'writes'>
  /** HISTORY_RETENTION_DAYS: messages older than this are deleted; 0 keeps them forever. */
  readonly days: number
  readonly log: Pick<StoreLog, 'info' | 'warn'>
  /** Between prunes (default an hour) and before the first (default a minute), each with up to a tenth more at random. */
  readonly everyMs?: number
  readonly firstAfterMs?: number
}

/**
 * Deletes history past the retention and lapsed idempotency records and pages. A prune is idempotent and works in
 * short batches, so any replica may run it at any time: each one runs it now and then on an unref'd timer, best effort.
 * Nothing depends on the timer for correctness; a replica that stops before its next prune leaves the work to the next.
 */
export class RetentionPruner {
  readonly #o: RetentionOptions
  #timer: NodeJS.Timeout | undefined
  #running: Promise<unknown> | undefined
  #stopped = false

  constructor (options: RetentionOptions) {
    this.#o = options
  }

  start (): void {
    this.#schedule(this.#o.firstAfterMs ?? 60_000)
  }

  async pruneOnce (): Promise<PruneCounts> {
    const { store, days } = this.#o
    const messages = days > 0 ? await store.writes.pruneMessages(days) : 0
    const idempotency = await store.writes.pruneIdempotency()
    const pages = await store.writes.prunePages()
    const counts = { messages, idempotency, pages }
    if (messages + idempotency + pages > 0) this.#o.log.info({ ...counts, retentionDays: days }, 'store: pruned')
    return counts
  }

  async stop (): Promise<void> {
    this.#stopped = true
    clearTimeout(this.#timer)
    await this.#running
  }

  #schedule (ms: number): void {
    this.#timer = setTimeout(() => {
      this.#running = this.pruneOnce()
        .catch((err: unknown) => { this.#o.log.warn({ err: oneLine(err) }, 'store: prune failed; it runs again later') })
        .finally(() => {
          this.#running = undefined
          if (!this.#stopped) this.#schedule(this.#o.everyMs ?? 3_600_000)
        })
    }, Math.round(ms * (1 + Math.random() / 10)))
    this.#timer.unref()
  }
}
