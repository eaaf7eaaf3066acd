import type { FastifyBaseLogger } from 'fastify'
import type { Dispatcher, DispatchResult } from '../../dispatch/dispatcher.js'
import { isThenable, type MaybePromise } from '../../maybe-async.js'
import type { Sender } from '../../plugins/contract.js'
import { RecentResults } from '../../recent.js'
import { audit, type AuditOutcome } from './audit.js'
import { maskNumber } from './numbers.js'
import type { OutboundSender } from './outbound.js'
import { messageTwiml } from './twiml.js'

export const WORKING_TEXT = 'Working on it, the answer will follow by SMS.'
export const WORKING_TWIML = messageTwiml(WORKING_TEXT)
const FAILED_TWIML = messageTwiml('Operator could not answer that just now. Try again in a minute.')
const TIMED_OUT = Symbol('timed out')

/** One message to answer: its text, who sent it, whether it came over WhatsApp, and when the webhook began. */
export interface Message {
  readonly text: string
  readonly sender: Sender
  readonly whatsapp: boolean
  readonly startedAt: number
}

async function withDeadline<T> (work: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  return await new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms, TIMED_OUT)
    work.then((value) => { clearTimeout(timer); resolve(value) }, (err: unknown) => { clearTimeout(timer); reject(err) })
  })
}

/**
 * Turns a message into its TwiML answer: dispatched, and answered within the reply deadline (Twilio waits 15 s), or
 * with "working on it" while the answer follows as an outbound message. A synchronous command is answered in the
 * same tick, with no timer.
 */
export class ReplyRunner {
  readonly #dispatcher: Dispatcher
  readonly #outbound: OutboundSender
  readonly #log: FastifyBaseLogger
  readonly #deadlineMs: number
  readonly #deferred = new Set<Promise<void>>()
  readonly #closing = new AbortController()
  readonly #twiml = new RecentResults(8, messageTwiml)

  constructor (parts: { dispatcher: Dispatcher, outbound: OutboundSender, log: FastifyBaseLogger, replyDeadlineMs: number }) {
    this.#dispatcher = parts.dispatcher
    this.#outbound = parts.outbound
    this.#log = parts.log
    this.#deadlineMs = parts.replyDeadlineMs
  }

  run (message: Message): MaybePromise<string> {
    const answer = this.#dispatcher.answer(message.text, message.sender, this.#closing.signal)
    if (!isThenable(answer)) return this.#answered(message, answer)
    return this.#await(message, answer)
  }

  async #await (message: Message, answer: Promise<DispatchResult>): Promise<string> {
    let result: DispatchResult | typeof TIMED_OUT
    try {
      result = await withDeadline(answer, this.#deadlineMs)
    } catch (err) {
      this.#log.error({ err: (err as Error).message }, 'sms: dispatch failed')
      audit(this.#log, maskNumber(message.sender.id), 'answered', message.startedAt, 0, undefined, 'error')
      return FAILED_TWIML
    }
    if (result !== TIMED_OUT) return this.#answered(message, result)
    const delivery = answer.then(
      async (late) => {
        this.#audit(message, late, true)
        await this.#outbound.send(message.sender.id, late.reply, { whatsapp: message.whatsapp })
      },
      (err: unknown) => { this.#log.error({ err: (err as Error).message }, 'sms: slow command failed') })
    this.#deferred.add(delivery)
    void delivery.finally(() => this.#deferred.delete(delivery))
    return WORKING_TWIML
  }

  #answered (message: Message, result: DispatchResult): string {
    this.#audit(message, result, false)
    return this.#twiml.get(result.reply)
  }

  #audit (message: Message, result: DispatchResult, deferred: boolean): void {
    const outcome: AuditOutcome = result.outcome === 'forbidden' ? 'refused' : 'answered'
    audit(this.#log, maskNumber(message.sender.id), outcome, message.startedAt, result.segments, result.command,
      result.outcome === 'answered' ? undefined : result.outcome, deferred)
  }

  /** Results still on their way out are sent before the daemon stops; then running commands are told to stop. */
  async close (): Promise<void> {
    await Promise.allSettled([...this.#deferred])
    this.#closing.abort()
  }
}
