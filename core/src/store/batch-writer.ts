import type { StoreLog } from './open.js'
import { oneLine } from '../dispatch/one-line.js'

export interface BatchWriterOptions<T> {
  /** What the rows are, for log lines: `history`, `idempotency records`. */
  readonly what: string
  /** Writes one batch (one statement where it fits); rejects when nothing of it was written. */
  readonly write: (batch: T[]) => Promise<unknown>
  /** Does the store answer? Asked after a failed write: yes means the rows themselves were refused, not the store down. */
  readonly ping?: () => Promise<boolean>
  readonly log: Pick<StoreLog, 'warn' | 'info' | 'debug'>
  /** Rows kept while the store does not take them; past it the oldest go (counted). Default 10,000. */
  readonly maxPending?: number
  /** Rows per write. Default 1,000. */
  readonly maxBatch?: number
  /** The wait before writing again after a failure; it doubles up to `retryMaxMs`. */
  readonly retryMinMs?: number
  readonly retryMaxMs?: number
  /**
   * How long a first row waits for others before the batch is written: 0 writes on the next turn of the event loop.
   * A few milliseconds make far fewer, larger commits under load, and a kill -9 then loses at most that much.
   */
  readonly delayMs?: number
}

/**
 * Rows for the store, queued by callers that must not wait (the webhook) and written in batches: what comes in while
 * one batch is being written goes in the next, so the write rate follows the load with one statement per batch. Rows
 * are written on the next turn of the event loop after they come, so a kill -9 loses only rows a few milliseconds old.
 * Bounded: while the store is down the rows wait in memory up to `maxPending`, then the oldest are dropped and counted;
 * one warning when writes start failing, one line when they work again. A row the store refuses while it answers is
 * dropped alone (with a warning), never retried forever in front of the others.
 */
export class BatchWriter<T> {
  readonly #o: Required<Omit<BatchWriterOptions<T>, 'ping'>> & Pick<BatchWriterOptions<T>, 'ping'>
  #queue: T[] = []
  #scheduled = false
  #writing: Promise<void> | undefined
  #retry: NodeJS.Timeout | undefined
  #retryMs: number
  #failing = false
  #lastFailed = false
  #droppedSinceReport = 0
  #dropped = 0
  #written = 0
  #closed = false

  constructor (options: BatchWriterOptions<T>) {
    this.#o = { maxPending: 10_000, maxBatch: 1000, retryMinMs: 500, retryMaxMs: 30_000, delayMs: 0, ...options }
    this.#retryMs = this.#o.retryMinMs
  }

  /** Rows waiting to be written. */
  get pending (): number {
    return this.#queue.length
  }

  /** Rows dropped so far: the oldest while the store was down and memory full, and rows the store refused. */
  get dropped (): number {
    return this.#dropped
  }

  get written (): number {
    return this.#written
  }

  /** Queues a row; returns at once and never throws. After close() rows are ignored. */
  add (row: T): void {
    if (this.#closed) return
    if (this.#queue.length >= this.#o.maxPending) this.#drop(this.#queue.length - this.#o.maxPending + 1)
    this.#queue.push(row)
    if (!this.#scheduled && this.#writing === undefined && this.#retry === undefined) this.#schedule()
  }

  /** Resolves once every row queued so far is written, or the store is failing (they wait for the next retry). */
  async flush (): Promise<void> {
    for (;;) {
      if (this.#writing !== undefined) await this.#writing
      else if (this.#queue.length > 0 && this.#retry === undefined) this.#drain()
      else return
    }
  }

  /** Writes what is queued (until a write fails), then ignores further rows; what is left is counted and logged. */
  async close (): Promise<void> {
    this.#closed = true
    clearTimeout(this.#retry)
    this.#retry = undefined
    if (this.#writing !== undefined) await this.#writing
    while (this.#queue.length > 0 && !this.#lastFailed) {
      this.#drain()
      await this.#writing
    }
    if (this.#queue.length > 0) {
      this.#o.log.warn({ lost: this.#queue.length }, `${this.#o.what}: the store is not taking writes; rows not written before stopping are lost`)
      this.#dropped += this.#queue.length
      this.#queue = []
    }
  }

  #schedule (): void {
    this.#scheduled = true
    if (this.#o.delayMs === 0) setImmediate(this.#drain)
    else setTimeout(this.#drain, this.#o.delayMs).unref()
  }

  readonly #drain = (): void => {
    this.#scheduled = false
    if (this.#writing !== undefined || this.#queue.length === 0) return
    const batch = this.#queue.length <= this.#o.maxBatch ? this.#queue : this.#queue.slice(0, this.#o.maxBatch)
    this.#queue = batch === this.#queue ? [] : this.#queue.slice(this.#o.maxBatch)
    this.#writing = this.#write(batch).finally(() => {
      this.#writing = undefined
      if (this.#queue.length > 0 && this.#retry === undefined && !this.#scheduled && !this.#closed) this.#schedule()
    })
  }

  async #write (batch: T[]): Promise<void> {
    try {
      await this.#o.write(batch)
      this.#succeeded(batch.length)
      return
    } catch (err) {
      if (await this.#answers()) {
        await this.#writeAlone(batch, err)
        return
      }
      this.#failed(batch, err)
    }
  }

  async #answers (): Promise<boolean> {
    if (this.#o.ping === undefined) return false
    try {
      return await this.#o.ping()
    } catch {
      return false
    }
  }

  /** The store answers but refused the batch: each row on its own, so one bad row costs only itself. */
  async #writeAlone (batch: T[], cause: unknown): Promise<void> {
    let refused = 0
    let firstError = cause
    for (let i = 0; i < batch.length; i++) {
      try {
        await this.#o.write([batch[i]!])
        this.#succeeded(1)
      } catch (err) {
        if (refused === 0) firstError = err
        refused++
      }
    }
    if (refused === batch.length && !(await this.#answers())) {
      // It went down meanwhile after all: keep them for the retry.
      this.#failed(batch, firstError)
      return
    }
    if (refused > 0) {
      this.#dropped += refused
      this.#o.log.warn({ refused, err: oneLine(firstError) }, `${this.#o.what}: the store refused rows; they were dropped`)
    }
  }

  #succeeded (rows: number): void {
    this.#written += rows
    this.#retryMs = this.#o.retryMinMs
    this.#lastFailed = false
    if (!this.#failing && this.#droppedSinceReport === 0) return
    this.#o.log.info({ dropped: this.#droppedSinceReport }, `${this.#o.what}: the store takes writes again`)
    this.#failing = false
    this.#droppedSinceReport = 0
  }

  #failed (batch: T[], err: unknown): void {
    this.#lastFailed = true
    if (!this.#failing) {
      this.#failing = true
      this.#o.log.warn({ err: oneLine(err), keeping: this.#o.maxPending },
        `${this.#o.what}: the store is not taking writes; rows wait in memory and are written when it answers`)
    }
    // Back in front, oldest first; over the bound the oldest go.
    this.#queue = batch.concat(this.#queue)
    if (this.#queue.length > this.#o.maxPending) this.#drop(this.#queue.length - this.#o.maxPending)
    if (this.#closed) return
    this.#retry = setTimeout(() => {
      this.#retry = undefined
      this.#drain()
    }, this.#retryMs)
    this.#retry.unref()
    this.#retryMs = Math.min(this.#o.retryMaxMs, this.#retryMs * 2)
  }

  #drop (count: number): void {
    if (this.#droppedSinceReport === 0) {
      this.#o.log.warn({ max: this.#o.maxPending }, `${this.#o.what}: too many rows waiting for the store; dropping the oldest`)
    }
    this.#queue.splice(0, count)
    this.#dropped += count
    this.#droppedSinceReport += count
  }
}
