import { randomBytes } from 'node:crypto'
import type { FastifyBaseLogger } from 'fastify'
import { oneLine } from '../../dispatch/one-line.js'
import { andThen, isThenable, type MaybePromise } from '../../maybe-async.js'
import type { StateBudget } from '../../state/budget.js'
import type { IdempotencyClaim, IdempotencyStore } from '../../state/idempotency.js'
import { maskNumber } from './numbers.js'
import { remainingMs, WORKING_TWIML, type Message, type OnDeferred, type ReplyRunner } from './reply-runner.js'
import { EMPTY_TWIML } from './twiml.js'

/** A pending claim is a lease its owner renews every third of it while the command runs (and until a late answer is
 * sent): when the owner dies, a retry sees it lapse within this long and takes the message over. */
export const LEASE_MS = 3000

export interface AnswerOnceParts {
  readonly store: IdempotencyStore
  readonly runner: Pick<ReplyRunner, 'run' | 'deliver' | 'sendRecorded' | 'deadlineMs'>
  readonly log: FastifyBaseLogger
  readonly answerTtlMs: number
  readonly leaseMs?: number
  /** How often a retry looks at another replica's claim while it waits, and after it promised the answer. */
  readonly pollMs?: number
  readonly watchPollMs?: number
  /** How long a promise is kept watching before it is given up (and logged as an error). */
  readonly watchMaxMs?: number
}

/** The first run of a message: `onDeferred` is told when its answer will follow by SMS. */
export type Work = (onDeferred: OnDeferred) => MaybePromise<string>

/**
 * Twilio retries a webhook it got no answer to, with the same MessageSid: a retry gets the first answer and never runs
 * the command again. In this process a retry waits for the run in flight; across replicas the shared store says
 * whether another one has it (a pending lease) or has answered (done). A retry that answers "working on it" keeps that
 * promise: it watches the record and sends the answer by SMS when it comes, or takes the message over and runs it when
 * the lease of the replica that had it lapses.
 */
export class AnswerOnce {
  /** This replica's name on the leases it holds, so it renews only its own. */
  readonly owner = randomBytes(6).toString('hex')
  readonly #store: IdempotencyStore
  readonly #runner: AnswerOnceParts['runner']
  readonly #log: FastifyBaseLogger
  readonly #answerTtlMs: number
  readonly #leaseMs: number
  readonly #pollMs: number
  readonly #watchPollMs: number
  readonly #watchMaxMs: number
  readonly #inflight = new Map<string, Promise<string>>()
  /** Answered "working on it" here, the result still on its way by SMS: a retry gets the same at once. */
  readonly #promised = new Map<string, string>()
  readonly #watching = new Set<Promise<void>>()
  readonly #closing = new AbortController()

  constructor (parts: AnswerOnceParts) {
    this.#store = parts.store
    this.#runner = parts.runner
    this.#log = parts.log
    this.#answerTtlMs = parts.answerTtlMs
    this.#leaseMs = parts.leaseMs ?? LEASE_MS
    this.#pollMs = parts.pollMs ?? 200
    this.#watchPollMs = parts.watchPollMs ?? 500
    this.#watchMaxMs = parts.watchMaxMs ?? 10 * 60_000
  }

  /** The answer to message `sid`: `work`'s the first time, the recorded one for a retry (`onRetry` is told). */
  answer (sid: string, message: Message, work: Work, onRetry: () => void): MaybePromise<string> {
    const running = this.#inflight.get(sid)
    if (running !== undefined) return running.then((twiml) => { onRetry(); return twiml })
    const promised = this.#promised.get(sid)
    if (promised !== undefined) {
      onRetry()
      return promised
    }
    const answer = this.#claimAndRun(sid, message, work, onRetry)
    if (!isThenable(answer)) return answer
    this.#inflight.set(sid, answer)
    return answer.finally(() => this.#inflight.delete(sid))
  }

  #claimAndRun (sid: string, message: Message, work: Work, onRetry: () => void): MaybePromise<string> {
    let claim: MaybePromise<IdempotencyClaim>
    try {
      claim = this.#store.claim(sid, this.#leaseMs, this.owner, message.budget)
    } catch (err) {
      return this.#unprotected(err, work)
    }
    if (isThenable(claim)) return claim.then((c) => this.#afterClaim(sid, c, message, work, onRetry), (err: unknown) => this.#unprotected(err, work))
    return this.#afterClaim(sid, claim, message, work, onRetry)
  }

  #afterClaim (sid: string, claim: IdempotencyClaim, message: Message, work: Work, onRetry: () => void): MaybePromise<string> {
    if (claim.state === 'claimed') return this.#runClaimed(sid, message, work)
    onRetry()
    return claim.state === 'done' ? claim.answer : this.#awaitOther(sid, message)
  }

  /** Runs a message this replica holds the claim of: the lease is renewed until the answer is recorded. */
  #runClaimed (sid: string, message: Message, work: Work): MaybePromise<string> {
    let delivered: Promise<void> | undefined
    const twiml = work((d) => { delivered = d })
    if (!isThenable(twiml)) return this.#record(sid, twiml, message.budget)
    const stopLease = this.#keepLease(sid)
    return twiml.then((answer) => {
      if (delivered === undefined) {
        stopLease()
        return this.#record(sid, answer, message.budget)
      }
      // "Working on it": the claim stays leased until the result is sent, so a retry elsewhere neither runs it again
      // nor promises it while this replica lives; once sent, the record says what the webhook answered.
      this.#promised.set(sid, answer)
      void delivered.finally(async () => {
        stopLease()
        await this.#record(sid, answer, undefined)
        this.#promised.delete(sid)
      })
      return answer
    }, (err: unknown) => { stopLease(); throw err })
  }

  #keepLease (sid: string): () => void {
    const renew = (): void => {
      try {
        const renewed = this.#store.renew(sid, this.#leaseMs, this.owner)
        if (isThenable(renewed)) renewed.catch(() => {})
      } catch {}
    }
    const timer = setInterval(renew, Math.max(1, Math.floor(this.#leaseMs / 3)))
    timer.unref()
    return () => { clearInterval(timer) }
  }

  #record (sid: string, answer: string, budget: StateBudget | undefined): MaybePromise<string> {
    let recorded: MaybePromise<void>
    try {
      recorded = this.#store.complete(sid, answer, this.#answerTtlMs, budget)
    } catch (err) {
      this.#notRecorded(err)
      return answer
    }
    if (!isThenable(recorded)) return answer
    return recorded.then(() => answer, (err: unknown) => { this.#notRecorded(err); return answer })
  }

  // Debug only: a store that fails is the breaker's business, logged once per outage, not once per message.
  #unprotected (err: unknown, work: Work): MaybePromise<string> {
    this.#log.debug({ err: oneLine(err) }, 'sms: idempotency store unavailable; answering without retry protection')
    // No lease to keep: a late answer is sent by the runner and nothing is recorded.
    return work(() => {})
  }

  #notRecorded (err: unknown): void {
    this.#log.debug({ err: oneLine(err) }, 'sms: could not record the answer for retries')
  }

  async #peek (sid: string): Promise<IdempotencyClaim | undefined | 'unknown'> {
    try {
      // Each look gets its own budget: they are spaced out over the wait, which the reply deadline bounds.
      return await this.#store.peek(sid)
    } catch {
      return 'unknown'
    }
  }

  /** Another replica holds this MessageSid: wait for its answer within what is left of the reply deadline. */
  async #awaitOther (sid: string, message: Message): Promise<string> {
    for (;;) {
      const left = remainingMs(this.#runner.deadlineMs, message.startedAt)
      if (left <= 0) break
      await sleep(Math.min(this.#pollMs, left), this.#closing.signal)
      if (this.#closing.signal.aborted) break
      const seen = await this.#peek(sid)
      if (seen === 'unknown' || seen?.state === 'pending') continue
      if (seen?.state === 'done') return seen.answer
      // The lease lapsed without an answer: the replica that had it is gone. Take the message over.
      const taken = await this.#takeOver(sid, message)
      if (taken !== undefined) return taken
    }
    this.#watch(sid, message)
    return WORKING_TWIML
  }

  /** The answer if this replica took the message over (or found it answered); undefined if another one has it. */
  async #takeOver (sid: string, message: Message): Promise<string | undefined> {
    let claim: IdempotencyClaim
    try {
      claim = await this.#store.claim(sid, this.#leaseMs, this.owner)
    } catch (err) {
      return await this.#unprotected(err, (onDeferred) => this.#runner.run(message, onDeferred))
    }
    if (claim.state === 'claimed') {
      this.#log.info({ sender: maskNumber(message.sender.id) }, 'sms: took over a message whose replica stopped answering')
      return await this.#runClaimed(sid, message, (onDeferred) => this.#runner.run(message, onDeferred))
    }
    return claim.state === 'done' ? claim.answer : undefined
  }

  /**
   * Keeps the promise this replica made by answering "working on it": the recorded answer is sent by SMS when it comes;
   * if the lease lapses first, this replica takes the message over, runs it and sends the result.
   */
  #watch (sid: string, waiting: Message): void {
    const message: Message = { ...waiting, budget: undefined }
    // One promise per message in this process: a further retry repeats it instead of watching (and sending) again.
    this.#promised.set(sid, WORKING_TWIML)
    const job = this.#keep(sid, message).catch((err: unknown) => {
      this.#log.error({ sender: maskNumber(message.sender.id), err: oneLine(err) }, 'sms: a promised answer could not be sent')
    })
    this.#watching.add(job)
    void job.finally(() => {
      this.#watching.delete(job)
      this.#promised.delete(sid)
    })
  }

  async #keep (sid: string, message: Message): Promise<void> {
    const until = performance.now() + this.#watchMaxMs
    while (performance.now() < until) {
      await sleep(this.#watchPollMs, this.#closing.signal)
      if (this.#closing.signal.aborted) throw new Error('the daemon stopped before the answer came')
      const seen = await this.#peek(sid)
      if (seen === 'unknown' || seen?.state === 'pending') continue
      if (seen?.state === 'done') {
        // "Working on it" recorded means whoever recorded it has sent the result already.
        const text = seen.answer === WORKING_TWIML ? '' : textOfTwiml(seen.answer)
        if (text !== '') await this.#runner.sendRecorded(message, text)
        return
      }
      let claim: IdempotencyClaim
      try {
        claim = await this.#store.claim(sid, this.#leaseMs, this.owner)
      } catch {
        continue
      }
      if (claim.state !== 'claimed') continue
      this.#log.info({ sender: maskNumber(message.sender.id) }, 'sms: took over a promised message whose replica stopped answering')
      const stopLease = this.#keepLease(sid)
      try {
        await this.#runner.deliver(message)
      } finally {
        stopLease()
      }
      await this.#record(sid, WORKING_TWIML, undefined)
      return
    }
    throw new Error(`no answer within ${Math.round(this.#watchMaxMs / 1000)} s`)
  }

  /** Stops waiting and watching (the daemon is closing); a promise still open is logged as not kept. */
  async close (): Promise<void> {
    this.#closing.abort()
    await Promise.allSettled([...this.#watching])
  }
}

const ENTITIES: Readonly<Record<string, string>> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'" }
const MESSAGE = /^<\?xml version="1\.0" encoding="UTF-8"\?><Response><Message>([\s\S]*)<\/Message><\/Response>$/

/** The text of a recorded `<Message>` answer, to send it by SMS; '' for an empty answer. */
export function textOfTwiml (twiml: string): string {
  if (twiml === EMPTY_TWIML) return ''
  const m = MESSAGE.exec(twiml)
  return m === null ? '' : m[1]!.replace(/&(?:amp|lt|gt|quot|apos);/g, (e) => ENTITIES[e]!)
}

async function sleep (ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return
  await new Promise<void>((resolve) => {
    const done = (): void => { clearTimeout(timer); resolve() }
    const timer = setTimeout(() => { signal.removeEventListener('abort', done); resolve() }, ms)
    signal.addEventListener('abort', done, { once: true })
  })
}
