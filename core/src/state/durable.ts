import type { FastifyBaseLogger } from 'fastify'
import { oneLine } from '../dispatch/one-line.js'
import { ERR_PAGES_UNAVAILABLE } from '../errors.js'
import { isThenable, type MaybePromise } from '../maybe-async.js'
import { BatchWriter } from '../store/batch-writer.js'
import type { DurableIdempotencyStore, DurablePageStore, Store, StoreWrites } from '../store/types.js'
import { MemoryIdempotencyStore, type IdempotencyClaim, type IdempotencyStore } from './idempotency.js'
import { MemoryPageStore, type PageStore } from './pages.js'
import type { State } from './select.js'

type Log = Pick<FastifyBaseLogger, 'warn' | 'info' | 'debug'>

// After the store fails a lookup, messages skip it for this long instead of each waiting on it.
const SKIP_AFTER_FAILURE_MS = 5000
const TIMED_OUT = Symbol('timed out')

async function within<T> (work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  work.catch(() => {})
  try {
    const result = await Promise.race([work, new Promise<typeof TIMED_OUT>((resolve) => { timer = setTimeout(resolve, ms, TIMED_OUT) })])
    if (result === TIMED_OUT) throw new Error(`no answer from the store within ${ms} ms`)
    return result
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Idempotency with no Redis, restart-safe: memory answers retries while the daemon runs (in the same tick), every
 * answer is also written to the durable store in batches, and a MessageSid memory does not know is looked up there, so
 * a retry after a restart gets the first answer. On SQLite the lookup is a synchronous indexed read, which keeps the
 * webhook's one-tick fast path; on PostgreSQL it is awaited within `lookupMs`. Claims (pending leases) stay in memory:
 * one process holds them, and a message in flight when the process died has no answer to give, so its retry runs it.
 */
export class RestartSafeIdempotencyStore implements IdempotencyStore {
  readonly #memory = new MemoryIdempotencyStore()
  readonly #durable: Pick<DurableIdempotencyStore, 'peekNow' | 'liveForMs'>
  readonly #answers: BatchWriter<{ key: string, answer: string, ttlMs: number }>
  readonly #log: Log
  readonly #lookupMs: number
  #skipUntil = 0
  /**
   * Past this time (performance.now()) the store holds no answer this process did not give, and every answer this
   * process gave is in memory too: new MessageSids are claimed without a lookup. Until the store says, all are looked up.
   */
  #lookupUntil = Infinity

  constructor (durable: Pick<DurableIdempotencyStore, 'peekNow' | 'liveForMs'>, writes: Pick<StoreWrites, 'completeMany'>, log: Log,
    options: { lookupMs: number, ping?: () => Promise<boolean>, delayMs?: number }) {
    this.#durable = durable
    this.#log = log
    this.#lookupMs = options.lookupMs
    this.#answers = new BatchWriter({
      what: 'idempotency records',
      write: async (batch) => { await writes.completeMany(batch) },
      ...(options.ping !== undefined ? { ping: options.ping } : {}),
      delayMs: options.delayMs ?? 0,
      log
    })
    // Answers recorded before this process started last a day at most: after the last of them, lookups stop.
    durable.liveForMs().then((ms) => { this.#lookupUntil = performance.now() + ms }, (err: unknown) => {
      this.#log.debug({ err: oneLine(err) }, 'idempotency: could not read when recorded answers lapse; every new message is looked up')
    })
  }

  claim (key: string, leaseMs: number): MaybePromise<IdempotencyClaim> {
    const known = this.#memory.peek(key)
    if (known !== undefined) return known
    const found = this.#lookup(key)
    if (isThenable(found)) return found.then((f) => this.#claimUnless(key, leaseMs, f))
    return this.#claimUnless(key, leaseMs, found)
  }

  renew (key: string, leaseMs: number): void {
    this.#memory.renew(key, leaseMs)
  }

  complete (key: string, answer: string, ttlMs: number): void {
    this.#memory.complete(key, answer, ttlMs)
    this.#answers.add({ key, answer, ttlMs })
  }

  peek (key: string): MaybePromise<IdempotencyClaim | undefined> {
    const known = this.#memory.peek(key)
    if (known !== undefined) return known
    const found = this.#lookup(key)
    return isThenable(found) ? found.then(onlyDone) : onlyDone(found)
  }

  /** Answers still waiting to be written go now. */
  async flush (): Promise<void> {
    await this.#answers.flush()
  }

  async close (): Promise<void> {
    await this.#answers.close()
  }

  #claimUnless (key: string, leaseMs: number, found: IdempotencyClaim | undefined): IdempotencyClaim {
    return found?.state === 'done' ? found : this.#memory.claim(key, leaseMs)
  }

  /** The durable record, or undefined when there is none or the store cannot say (then the message is unprotected). */
  #lookup (key: string): MaybePromise<IdempotencyClaim | undefined> {
    if (performance.now() >= this.#lookupUntil) return undefined
    if (this.#skipUntil > 0 && performance.now() < this.#skipUntil) return undefined
    let found: MaybePromise<IdempotencyClaim | undefined>
    try {
      found = this.#durable.peekNow(key)
    } catch (err) {
      return this.#lookupFailed(err)
    }
    if (!isThenable(found)) return found
    return within(found, this.#lookupMs).catch((err: unknown) => this.#lookupFailed(err))
  }

  #lookupFailed (err: unknown): undefined {
    this.#skipUntil = performance.now() + SKIP_AFTER_FAILURE_MS
    this.#log.debug({ err: oneLine(err) }, 'idempotency: the store did not answer; new messages skip it for a while')
    return undefined
  }
}

// Only a recorded answer counts: a pending row is another process's claim, which this one does not take part in.
function onlyDone (found: IdempotencyClaim | undefined): IdempotencyClaim | undefined {
  return found?.state === 'done' ? found : undefined
}

/**
 * Pages for `more` with no Redis, restart-safe: in the durable store, with memory for what the store would not take
 * (within `timeoutMs`). When the store cannot be asked and memory has nothing, the pages may well be in the store: they
 * are "unavailable", not "nothing more".
 */
export class RestartSafePageStore implements PageStore {
  readonly #durable: DurablePageStore
  readonly #local = new MemoryPageStore()
  readonly #timeoutMs: number
  readonly #log: Log

  constructor (durable: DurablePageStore, log: Log, options: { timeoutMs: number }) {
    this.#durable = durable
    this.#log = log
    this.#timeoutMs = options.timeoutMs
  }

  async save (key: string, pages: readonly string[], ttlMs: number): Promise<void> {
    try {
      await within(this.#durable.save(key, pages, ttlMs), this.#timeoutMs)
      this.#local.forget(key)
    } catch (err) {
      this.#log.debug({ err: oneLine(err) }, 'pages: the store did not take them; kept in memory')
      await this.#local.save(key, pages, ttlMs)
    }
  }

  async next (key: string): Promise<string | undefined> {
    let stored: string | undefined
    try {
      stored = await within(this.#durable.next(key), this.#timeoutMs)
    } catch (err) {
      this.#log.debug({ err: oneLine(err) }, 'pages: the store did not answer')
      const page = await this.#local.next(key)
      if (page === undefined) throw new ERR_PAGES_UNAVAILABLE()
      return page
    }
    return stored ?? await this.#local.next(key)
  }
}

/**
 * The hot state with no Redis but a durable store: idempotency answers and pages outlive a restart. The store is
 * closed by its owner after this state.
 */
export function restartSafeState (state: State, store: Pick<Store, 'idempotency' | 'pages' | 'writes' | 'check'>, log: Log,
  options: { timeoutMs: number, delayMs?: number }): State {
  const ping = async (): Promise<boolean> => (await store.check()).status === 'ok'
  const idempotency = new RestartSafeIdempotencyStore(store.idempotency, store.writes, log, { lookupMs: options.timeoutMs, ping, delayMs: options.delayMs ?? 0 })
  return {
    pages: new RestartSafePageStore(store.pages, log, options),
    idempotency,
    // The interpreter's open questions last minutes: memory is enough, as before.
    choices: state.choices,
    shared: undefined,
    close: async () => {
      await idempotency.close()
      await state.close()
    }
  }
}
