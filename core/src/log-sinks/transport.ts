import { pino } from 'pino'
import type { ResolvedTransport } from './settings.js'

/** How a transport's worker stream is driven; what pino.transport returns (thread-stream). */
interface WorkerStream {
  write (line: string): boolean
  flush (cb: (err?: Error | null) => void): void
  end (): void
  on (event: 'error' | 'close', fn: (err?: Error) => void): unknown
  readonly writableNeedDrain?: boolean
  readonly destroyed?: boolean
  readonly worker: { terminate: () => Promise<number> }
}

interface Warner {
  warn (obj: object, msg: string): void
}

/** True for an audit line (`"audit": true` at the top level); the cheap test first, the parse to be sure. */
export function isAuditLine (line: string): boolean {
  if (!line.includes('"audit":true')) return false
  try {
    return (JSON.parse(line) as { audit?: unknown }).audit === true
  } catch {
    return false
  }
}

/**
 * One configured pino transport, run in its own worker thread by pino.transport: its network and its failures stay
 * out of the daemon's event loop. Lines reach it already serialized and redacted (pino redacts once, before
 * multistream hands the line to every destination). A worker that dies or a receiver that is gone stops this sink
 * only; lines are dropped (and counted) while the worker is more than its shared buffer behind.
 */
export class TransportSink {
  readonly name: string
  readonly target: string
  /** The lowest level it takes; undefined: LOG_LEVEL. */
  readonly level: string | undefined
  readonly #only: 'audit' | undefined
  readonly #stream: WorkerStream
  #broken = false
  #closed = false
  #dropped = 0
  #failure: string | undefined
  #reporter: Warner | undefined
  /** What multistream writes to. */
  readonly stream = { write: (line: string): void => this.#write(line) }

  constructor (transport: ResolvedTransport) {
    this.name = transport.name
    this.target = transport.target
    this.level = transport.level
    this.#only = transport.only
    this.#stream = pino.transport({
      target: transport.path,
      options: { ...transport.options },
      // pino's own exit hook flushes and ends synchronously, waiting up to 10 s on each; close() bounds that instead.
      worker: { autoEnd: false }
    }) as unknown as WorkerStream
    // Without a listener, an 'error' (the worker exited, the target threw) would take the daemon down.
    this.#stream.on('error', (err) => this.#fail(err))
    this.#stream.on('close', () => this.#fail(undefined))
  }

  get dropped (): number { return this.#dropped }
  get broken (): boolean { return this.#broken }

  /** Where to say that this transport stopped (now, if it already has: a receiver refused at start-up). */
  reportFailuresTo (logger: Warner): void {
    this.#reporter = logger
    if (this.#failure !== undefined) this.#report()
  }

  #write (line: string): void {
    if (this.#broken || this.#closed) return
    if (this.#only === 'audit' && !isAuditLine(line)) return
    if (this.#stream.writableNeedDrain === true) {
      this.#dropped++
      return
    }
    this.#stream.write(line)
  }

  #fail (err: Error | undefined): void {
    if (this.#broken || this.#closed) return
    this.#broken = true
    this.#failure = err?.message ?? 'its worker stopped (the target closed its stream)'
    if (this.#reporter !== undefined) this.#report()
  }

  #report (): void {
    const reporter = this.#reporter!
    const err = this.#failure
    this.#failure = undefined
    // From the next turn: this may run inside a write, and the report is itself a log line.
    setImmediate(() => reporter.warn({ transport: this.name, target: this.target, err },
      'log transport stopped: its lines are dropped until the daemon restarts'))
  }

  /**
   * Waits at most `timeoutMs` for the worker to take every line and flush its destination, then ends it; a transport
   * that does not flush in time (its receiver is gone, say) is terminated instead, so it never holds the exit.
   */
  async close (timeoutMs: number): Promise<void> {
    if (this.#closed) return
    const wasBroken = this.#broken
    this.#closed = true
    if (wasBroken || this.#stream.destroyed === true) {
      await this.#stream.worker.terminate().catch(() => {})
      return
    }
    const flushed = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs)
      this.#stream.flush((err) => { clearTimeout(timer); resolve(err == null) })
    })
    // end() waits synchronously for the destination to close: only for one that just proved it is answering.
    if (flushed) {
      try { this.#stream.end() } catch {}
    } else {
      await this.#stream.worker.terminate().catch(() => {})
    }
  }
}
