import type { Dispatcher, Pool } from 'undici'

export interface PoolOptions {
  readonly connectTimeoutMs: number
  readonly connections: number
}

/** What a client needs from its origin's pool. */
export interface OriginPool {
  request(options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData>
}

// undici costs ~65 ms and ~17 MiB to import, and answering a message never needs it: it comes with the first
// request a plugin makes to its backend.
let undici: Promise<typeof import('undici')> | undefined
function loadUndici (): Promise<typeof import('undici')> {
  undici ??= import('undici')
  return undici
}

/** An error shaped like undici's own when its pool is gone, so it maps to the same short reason. */
function closedError (): Error {
  return Object.assign(new Error('HTTP pools are closed: the daemon is stopping'), { code: 'UND_ERR_CLOSED' })
}

/** One origin's undici Pool, made on the first request. */
class LazyPool implements OriginPool {
  readonly #origin: string
  readonly #options: PoolOptions
  #pool: Promise<Pool> | undefined
  #closed = false

  constructor (origin: string, options: PoolOptions) {
    this.#origin = origin
    this.#options = options
  }

  async request (options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData> {
    if (this.#closed) throw closedError()
    this.#pool ??= loadUndici().then(({ Pool }) => new Pool(this.#origin, {
      connections: this.#options.connections,
      connect: { timeout: this.#options.connectTimeoutMs },
      // Idle sockets are dropped before typical upstream keep-alive timeouts close them under us.
      keepAliveTimeout: 4000
    }))
    const pool = await this.#pool
    // close() may have run while undici was loading.
    if (this.#closed) throw closedError()
    return await pool.request(options)
  }

  async destroy (): Promise<void> {
    this.#closed = true
    if (this.#pool === undefined) return
    // destroy() rather than close(): a request hanging on a dead upstream must not hold up shutdown.
    await (await this.#pool).destroy()
  }
}

/**
 * One long-lived undici Pool per upstream origin (and connect timeout), shared by every client that talks to it,
 * closed once when the daemon stops.
 */
export class PoolSet {
  readonly #pools = new Map<string, LazyPool>()
  #closed = false

  get (origin: string, options: PoolOptions): OriginPool {
    if (this.#closed) throw new Error('HTTP pools are closed: the daemon is stopping')
    const key = `${origin}|${options.connectTimeoutMs}`
    let pool = this.#pools.get(key)
    if (pool === undefined) {
      pool = new LazyPool(origin, options)
      this.#pools.set(key, pool)
    }
    return pool
  }

  get size (): number {
    return this.#pools.size
  }

  async close (): Promise<void> {
    this.#closed = true
    const pools = [...this.#pools.values()]
    this.#pools.clear()
    await Promise.all(pools.map(async (p) => { await p.destroy() }))
  }
}
