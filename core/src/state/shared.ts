import type { FastifyBaseLogger } from 'fastify'
import { oneLine } from '../dispatch/one-line.js'
import { ERR_STATE_UNAVAILABLE } from '../errors.js'
import type { MaybePromise } from '../maybe-async.js'
import { StateBudget } from './budget.js'

/** What the breaker needs of the Redis client: a PING to probe it with. */
export interface Pingable {
  ping(): Promise<unknown>
}

export interface SharedStateOptions {
  /** STATE_BUDGET_MS: what one message may spend waiting on Redis, over all its calls. */
  readonly budgetMs: number
  /** First probe after the breaker opens; each failed probe doubles the wait up to `probeMaxMs`. */
  readonly probeMinMs?: number
  readonly probeMaxMs?: number
  /** How long a probe's PING may take (default: the budget, so a Redis too slow for messages stays skipped). */
  readonly probeTimeoutMs?: number
}

const TIMED_OUT = Symbol('timed out')

/**
 * The one Redis connection the state stores share, behind one circuit breaker. Every call runs within the message's
 * budget; a call that fails for lack of Redis, or outlasts the budget, opens the breaker. While it is open no message
 * touches Redis (the stores use their memory fallbacks at once) and a PING on an unref'd timer, with backoff, probes
 * it in the background; the first answer closes it. One warn when it opens, one info when it closes.
 */
export class SharedState<Client extends Pingable = Pingable> {
  readonly client: Client
  readonly budgetMs: number
  readonly #log: Pick<FastifyBaseLogger, 'warn' | 'info' | 'debug'>
  readonly #probeMinMs: number
  readonly #probeMaxMs: number
  readonly #probeTimeoutMs: number
  #open = false
  #openedAt = 0
  #probeDelay = 0
  #probe: NodeJS.Timeout | undefined
  #closedAt = -Infinity
  #closed = false
  #calls = 0

  constructor (client: Client, log: Pick<FastifyBaseLogger, 'warn' | 'info' | 'debug'>, options: SharedStateOptions) {
    this.client = client
    this.#log = log
    this.budgetMs = options.budgetMs
    this.#probeMinMs = options.probeMinMs ?? 250
    this.#probeMaxMs = options.probeMaxMs ?? 5000
    this.#probeTimeoutMs = options.probeTimeoutMs ?? options.budgetMs
  }

  /** True while Redis is considered down: callers go straight to their fallback. */
  get open (): boolean {
    return this.#open
  }

  /** Calls that went to Redis so far: while the breaker is open this does not move. */
  get calls (): number {
    return this.#calls
  }

  /** A fresh budget for one message. */
  budget (): StateBudget {
    return new StateBudget(this.budgetMs)
  }

  /**
   * `remote()` against Redis within `budget` (a fresh one when none is given: background work), else `local()`: at
   * once while the breaker is open, or after the call failed. `what` names the call in the debug line.
   */
  attempt<T> (what: string, budget: StateBudget | undefined, remote: () => Promise<T>, local: () => MaybePromise<T>): MaybePromise<T> {
    if (this.#open) return local()
    return this.call(remote, budget).catch((err: unknown) => {
      this.#log.debug({ what, err: oneLine(err) }, 'state: using the memory fallback')
      return local()
    })
  }

  /** `op()` against Redis within `budget`; rejects with OPR_ERR_STATE_UNAVAILABLE when it cannot be used. */
  async call<T> (op: () => Promise<T>, budget: StateBudget | undefined): Promise<T> {
    if (this.#open) throw new ERR_STATE_UNAVAILABLE('the breaker is open')
    const b = budget ?? this.budget()
    const allowed = b.remainingMs
    if (allowed <= 0) throw new ERR_STATE_UNAVAILABLE('this message spent its state budget')
    const started = performance.now()
    this.#calls++
    let timer: NodeJS.Timeout | undefined
    let result: T | typeof TIMED_OUT
    try {
      const work = op()
      // The call goes on inside ioredis after we stop waiting; its late failure must not be unhandled.
      work.catch(() => {})
      result = await Promise.race([work, new Promise<typeof TIMED_OUT>((resolve) => { timer = setTimeout(resolve, allowed, TIMED_OUT) })])
    } catch (err) {
      b.spend(performance.now() - started)
      // A reply error is Redis answering (a script or type error): it is up, so the breaker stays closed.
      if ((err as { name?: unknown } | null)?.name === 'ReplyError') throw err
      this.#trip(oneLine(err, 300))
      throw new ERR_STATE_UNAVAILABLE(oneLine(err))
    } finally {
      clearTimeout(timer)
    }
    if (result === TIMED_OUT) {
      b.spend(allowed)
      this.#trip(`no answer within the state budget (${Math.round(allowed)} ms)`)
      throw new ERR_STATE_UNAVAILABLE('no answer within the state budget')
    }
    b.spend(performance.now() - started)
    return result
  }

  /** Opens the breaker (logged once per outage, with the library's reason) and schedules the first probe. */
  #trip (reason: string): void {
    if (this.#open || this.#closed) return
    this.#open = true
    this.#openedAt = performance.now()
    // Failing again soon after it came back: a flapping Redis keeps the longer probe interval instead of starting over.
    this.#probeDelay = this.#openedAt - this.#closedAt < 30_000 ? Math.min(this.#probeMaxMs, this.#probeDelay * 2) : this.#probeMinMs
    this.#log.warn({ err: reason }, 'state: Redis is unavailable; each replica uses its own memory until it answers again')
    this.#schedule()
  }

  #schedule (): void {
    this.#probe = setTimeout(() => { void this.#ping() }, this.#probeDelay)
    this.#probe.unref()
  }

  async #ping (): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    try {
      const pong = this.client.ping()
      pong.catch(() => {})
      const answer = await Promise.race([pong, new Promise<typeof TIMED_OUT>((resolve) => { timer = setTimeout(resolve, this.#probeTimeoutMs, TIMED_OUT) })])
      if (answer === TIMED_OUT) throw new Error('no answer to PING')
    } catch (err) {
      if (this.#closed) return
      this.#log.debug({ err: oneLine(err), retryInMs: this.#probeDelay }, 'state: Redis probe failed')
      this.#probeDelay = Math.min(this.#probeMaxMs, this.#probeDelay * 2)
      this.#schedule()
      return
    } finally {
      clearTimeout(timer)
    }
    if (this.#closed) return
    this.#open = false
    this.#probe = undefined
    this.#closedAt = performance.now()
    this.#log.info({ downMs: Math.round(performance.now() - this.#openedAt) }, 'state: Redis answers again; shared state resumed')
  }

  /** Stops probing (the daemon is closing). */
  close (): void {
    this.#closed = true
    clearTimeout(this.#probe)
  }
}
