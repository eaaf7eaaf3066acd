import type { FastifyBaseLogger } from 'fastify'
import { andThen, isThenable, type MaybePromise } from '../../maybe-async.js'
import type { IdempotencyClaim, IdempotencyStore } from '../../state/idempotency.js'
import { WORKING_TWIML } from './reply-runner.js'

/** How long a claim stays pending if the process running it dies (Twilio stops waiting after 15 s). */
const PENDING_TTL_MS = 120_000
const POLL_MS = 200

/**
 * Twilio retries a webhook it got no answer to, with the same MessageSid: a retry gets the first answer and never runs
 * the command again. In this process a retry waits for the run in flight; across replicas the shared store says
 * whether another one has it (pending) or has answered (done).
 */
export class AnswerOnce {
  readonly #store: IdempotencyStore
  readonly #log: FastifyBaseLogger
  readonly #answerTtlMs: number
  readonly #waitMs: number
  readonly #inflight = new Map<string, Promise<string>>()

  constructor (parts: { store: IdempotencyStore, log: FastifyBaseLogger, answerTtlMs: number, replyDeadlineMs: number }) {
    this.#store = parts.store
    this.#log = parts.log
    this.#answerTtlMs = parts.answerTtlMs
    this.#waitMs = parts.replyDeadlineMs + 1000
  }

  /** The answer to message `sid`: `run`'s the first time, the recorded one for a retry (`onRetry` is told). */
  answer (sid: string, run: () => MaybePromise<string>, onRetry: () => void): MaybePromise<string> {
    const running = this.#inflight.get(sid)
    if (running !== undefined) return running.then((twiml) => { onRetry(); return twiml })
    const answer = this.#claimAndRun(sid, run, onRetry)
    if (!isThenable(answer)) return answer
    this.#inflight.set(sid, answer)
    return answer.finally(() => this.#inflight.delete(sid))
  }

  #claimAndRun (sid: string, run: () => MaybePromise<string>, onRetry: () => void): MaybePromise<string> {
    let claim: MaybePromise<IdempotencyClaim>
    try {
      claim = this.#store.claim(sid, PENDING_TTL_MS)
    } catch (err) {
      return this.#unprotected(err, run)
    }
    if (isThenable(claim)) return claim.then((c) => this.#afterClaim(sid, c, run, onRetry), (err: unknown) => this.#unprotected(err, run))
    return this.#afterClaim(sid, claim, run, onRetry)
  }

  #afterClaim (sid: string, claim: IdempotencyClaim, run: () => MaybePromise<string>, onRetry: () => void): MaybePromise<string> {
    if (claim.state === 'claimed') return andThen(run(), (answer) => this.#record(sid, answer))
    onRetry()
    return claim.state === 'done' ? claim.answer : this.#awaitOther(sid, run)
  }

  #record (sid: string, answer: string): MaybePromise<string> {
    let recorded: MaybePromise<void>
    try {
      recorded = this.#store.complete(sid, answer, this.#answerTtlMs)
    } catch (err) {
      this.#notRecorded(err)
      return answer
    }
    if (!isThenable(recorded)) return answer
    return recorded.then(() => answer, (err: unknown) => { this.#notRecorded(err); return answer })
  }

  #unprotected (err: unknown, run: () => MaybePromise<string>): MaybePromise<string> {
    this.#log.warn({ err: (err as Error).message }, 'sms: idempotency store unavailable; answering without retry protection')
    return run()
  }

  #notRecorded (err: unknown): void {
    this.#log.warn({ err: (err as Error).message }, 'sms: could not record the answer for retries')
  }

  /** Another replica is running this MessageSid: wait for its answer, up to the reply deadline. */
  async #awaitOther (sid: string, run: () => MaybePromise<string>): Promise<string> {
    const until = performance.now() + this.#waitMs
    while (performance.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS))
      const seen = await this.#store.peek(sid).catch(() => undefined)
      if (seen?.state === 'done') return seen.answer
      if (seen === undefined) return await this.#takeOver(sid, run)
    }
    return WORKING_TWIML
  }

  /**
   * The claim is gone without an answer: the replica that held it stopped mid-run. Claim it here and answer, rather
   * than promise an answer nobody will send; if yet another replica got there first, its answer will follow.
   */
  async #takeOver (sid: string, run: () => MaybePromise<string>): Promise<string> {
    let claim: IdempotencyClaim
    try {
      claim = await this.#store.claim(sid, PENDING_TTL_MS)
    } catch (err) {
      return await this.#unprotected(err, run)
    }
    if (claim.state === 'claimed') return await this.#record(sid, await run())
    return claim.state === 'done' ? claim.answer : WORKING_TWIML
  }
}
