import { Worker } from 'node:worker_threads'
import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { NewMessage, StoreSettings, StoreWrites } from './types.js'

export interface Answer {
  readonly key: string
  readonly answer: string
  readonly ttlMs: number
}

/** What the main thread asks of the write worker. */
export type WorkerJob =
  | { readonly id: number, readonly kind: 'messages', readonly rows: readonly NewMessage[] }
  | { readonly id: number, readonly kind: 'answers', readonly rows: readonly Answer[] }
  | { readonly id: number, readonly kind: 'prune', readonly what: 'messages' | 'idempotency' | 'pages', readonly days: number }
  | { readonly id: number, readonly kind: 'close' }

export type WorkerReply = { readonly id: number, readonly ok: true, readonly count: number } | { readonly id: number, readonly ok: false, readonly error: string }

// The worker's module beside this one: .js when built, .ts when tests run the sources.
const ENTRY = new URL(`./write-worker-main${extname(fileURLToPath(import.meta.url))}`, import.meta.url)

/**
 * SQLite's writes off the webhook's thread. better-sqlite3 is synchronous: a commit on the main thread (a batch of
 * history rows, with its index updates and WAL writes) would stop every webhook while it runs. A worker thread with its
 * own connection to the same file takes the batches instead, and coalesces what arrives while it is busy into one
 * transaction. Started on the first write; a worker that dies fails the writes in flight (their writers retry) and the
 * next write starts a new one.
 */
export class SqliteWriteWorker implements StoreWrites {
  readonly #settings: StoreSettings
  readonly #pending = new Map<number, { resolve: (count: number) => void, reject: (err: Error) => void }>()
  #worker: Worker | undefined
  #seq = 0
  #closed = false

  constructor (settings: StoreSettings) {
    this.#settings = settings
  }

  async insertMessages (rows: readonly NewMessage[]): Promise<void> {
    await this.#call({ id: 0, kind: 'messages', rows })
  }

  async completeMany (rows: readonly Answer[]): Promise<void> {
    await this.#call({ id: 0, kind: 'answers', rows })
  }

  async pruneMessages (days: number): Promise<number> {
    return await this.#call({ id: 0, kind: 'prune', what: 'messages', days })
  }

  async pruneIdempotency (): Promise<number> {
    return await this.#call({ id: 0, kind: 'prune', what: 'idempotency', days: 0 })
  }

  async prunePages (): Promise<number> {
    return await this.#call({ id: 0, kind: 'prune', what: 'pages', days: 0 })
  }

  /** Lets the worker finish what it was given, then closes its connection and ends it. */
  async close (): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    const worker = this.#worker
    if (worker === undefined) return
    const exited = new Promise((resolve) => worker.once('exit', resolve))
    worker.ref()
    worker.postMessage({ id: ++this.#seq, kind: 'close' } satisfies WorkerJob)
    await exited
  }

  async #call (job: WorkerJob): Promise<number> {
    if (this.#closed) throw new Error('the store is closed')
    const worker = this.#worker ?? this.#start()
    const id = ++this.#seq
    return await new Promise<number>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject })
      // Held open while it has work: a write awaited by a process with nothing else to do must still finish.
      if (this.#pending.size === 1) worker.ref()
      worker.postMessage({ ...job, id })
    })
  }

  #start (): Worker {
    const worker = new Worker(ENTRY, { workerData: { dataDir: this.#settings.dataDir } })
    // Idle, it never keeps a process alive.
    worker.unref()
    worker.on('message', (reply: WorkerReply) => {
      const waiting = this.#pending.get(reply.id)
      this.#pending.delete(reply.id)
      if (this.#pending.size === 0 && !this.#closed) worker.unref()
      if (reply.ok) waiting?.resolve(reply.count)
      else waiting?.reject(new Error(reply.error))
    })
    const gone = (why: string): void => {
      if (this.#worker === worker) this.#worker = undefined
      for (const [id, waiting] of this.#pending) {
        this.#pending.delete(id)
        waiting.reject(new Error(why))
      }
    }
    worker.on('error', (err) => { gone(`the store's write worker failed: ${err.message.split('\n')[0] ?? ''}`) })
    worker.on('exit', (code) => { gone(`the store's write worker exited (${code})`) })
    this.#worker = worker
    return worker
  }
}
