import { BatchWriter } from '../store/batch-writer.js'
import type { StoreLog } from '../store/open.js'
import type { NewMessage, Store } from '../store/types.js'

/**
 * Message history for channels and core features (paging): `record` returns at once and never throws; the row is
 * written with others in one insert on the next turn of the event loop, so recording never slows the caller.
 */
export interface History {
  /** Queues one message in or out; `time` defaults to now. */
  record(message: NewMessage): void
  /** Resolves once everything recorded so far is written (or waiting for a store that is down). */
  flush(): Promise<void>
  /** Writes what is queued and stops taking rows. */
  close(): Promise<void>
}

/** With no store: nothing is kept. */
export const NO_HISTORY: History = Object.freeze({
  record () {},
  async flush () {},
  async close () {}
})

export interface HistoryWriterOptions {
  readonly store: Pick<Store, 'writes' | 'check'>
  readonly log: Pick<StoreLog, 'warn' | 'info' | 'debug'>
  readonly now?: () => number
  /** Messages kept in memory while the store is down; past it the oldest are dropped (counted). Default 10,000. */
  readonly maxPending?: number
  readonly maxBatch?: number
  /** How long a first message waits for others before the batch is written (default 0: the next turn of the loop). */
  readonly delayMs?: number
  readonly retryMinMs?: number
  readonly retryMaxMs?: number
}

export class HistoryWriter implements History {
  readonly #batches: BatchWriter<NewMessage>
  readonly #now: () => number

  constructor (options: HistoryWriterOptions) {
    const { store, log, now, ...limits } = options
    this.#now = now ?? Date.now
    this.#batches = new BatchWriter<NewMessage>({
      what: 'history',
      write: async (batch) => { await store.writes.insertMessages(batch) },
      ping: async () => (await store.check()).status === 'ok',
      log,
      ...limits
    })
  }

  record (message: NewMessage): void {
    // Stamped now, not when the batch is written.
    this.#batches.add(message.time === undefined ? { ...message, time: this.#now() } : message)
  }

  /** Messages waiting to be written, dropped so far, and written. */
  get stats (): { pending: number, dropped: number, written: number } {
    return { pending: this.#batches.pending, dropped: this.#batches.dropped, written: this.#batches.written }
  }

  async flush (): Promise<void> {
    await this.#batches.flush()
  }

  async close (): Promise<void> {
    await this.#batches.close()
  }
}
