import { Pool } from 'undici'

export interface PoolOptions {
  readonly connectTimeoutMs: number
  readonly connections: number
}

/**
 * One long-lived undici Pool per upstream origin (and connect timeout), shared by every client that talks to it,
 * closed once when the daemon stops.
 */
export class PoolSet {
  readonly #pools = new Map<string, Pool>()
  #closed = false

  get (origin: string, options: PoolOptions): Pool {
    if (this.#closed) throw new Error('HTTP pools are closed: the daemon is stopping')
    const key = `${origin}|${options.connectTimeoutMs}`
    let pool = this.#pools.get(key)
    if (pool === undefined) {
      pool = new Pool(origin, {
        connections: options.connections,
        connect: { timeout: options.connectTimeoutMs },
        // Idle sockets are dropped before typical upstream keep-alive timeouts close them under us.
        keepAliveTimeout: 4000
      })
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
    // destroy() rather than close(): a request hanging on a dead upstream must not hold up shutdown.
    await Promise.all(pools.map(async (p) => await p.destroy()))
  }
}
