import type { FastifyBaseLogger } from 'fastify'
import type { Dispatcher, DispatchResult } from '../../dispatch/dispatcher.js'
import { isThenable, type MaybePromise } from '../../maybe-async.js'
import type { Sender } from '../../plugins/contract.js'
import { RecentResults } from '../../recent.js'
import type { StateBudget } from '../../state/budget.js'
import { audit, type AuditOutcome } from './audit.js'
import { TWIML_REPLY, type SmsHistory } from './history.js'
import { maskNumber } from './numbers.js'
import type { OutboundSender } from './outbound.js'
import { messageTwiml } from './twiml.js'

export const WORKING_TEXT = 'Working on it, the answer will follow by SMS.'
export const WORKING_TWIML = messageTwiml(WORKING_TEXT)
const FAILED_TEXT = 'Operator could not answer that just now. Try again in a minute.'
const FAILED_TWIML = messageTwiml(FAILED_TEXT)
const TIMED_OUT = Symbol('timed out')

/** One message to answer: its text, who sent it, whether it came over WhatsApp, and when the webhook began. */
export interface Message {
  readonly text: string
  readonly sender: Sender
  readonly whatsapp: boolean
  /** performance.now() when the webhook began: the reply deadline counts from here. */
  readonly startedAt: number
  /** What this message may still spend waiting on Redis; undefined with the memory store. */
  readonly budget: StateBudget | undefined
  /** Date.now() when the webhook began, for the history. */
  readonly receivedAt: number
  /** Twilio's MessageSid, when the form carries one. */
  readonly sid: string | undefined
  /** Segments the inbound message was billed as. */
  readonly segments: number
}

/** Told when the answer will follow by SMS: `delivered` settles once it was sent (or could not be). */
export type OnDeferred = (delivered: Promise<void>) => void

/** What is left of the reply deadline for a message, counting the time already spent on it (limits, state, waits). */
export function remainingMs (deadlineMs: number, startedAt: number, now = performance.now()): number {
  return Math.max(0, deadlineMs - (now - startedAt))
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
  readonly #history: SmsHistory

  constructor (parts: { dispatcher: Dispatcher, outbound: OutboundSender, log: FastifyBaseLogger, replyDeadlineMs: number, history: SmsHistory }) {
    this.#dispatcher = parts.dispatcher
    this.#history = parts.history
    this.#outbound = parts.outbound
    this.#log = parts.log
    this.#deadlineMs = parts.replyDeadlineMs
  }

  get deadlineMs (): number {
    return this.#deadlineMs
  }

  /** The TwiML answer, within what is left of the reply deadline; a late result follows by SMS (`onDeferred`). */
  run (message: Message, onDeferred?: OnDeferred): MaybePromise<string> {
    const answer = this.#dispatcher.answer(message.text, message.sender, this.#closing.signal, message.budget)
    if (!isThenable(answer)) return this.#answered(message, answer)
    return this.#await(message, answer, onDeferred)
  }

  /**
   * Runs the message and sends its answer by SMS, with no reply deadline: for an answer promised earlier ("working on
   * it") whose first run was lost with the replica that had it.
   */
  async deliver (message: Message): Promise<void> {
    const delivery = (async () => {
      const result = await this.#dispatcher.answer(message.text, message.sender, this.#closing.signal, undefined)
      this.#audit(message, result, true)
      this.#history.answered(message, result, await this.#outbound.send(message.sender.id, result.reply, { whatsapp: message.whatsapp }))
    })().catch((err: unknown) => { this.#log.error({ err: (err as Error).message }, 'sms: promised answer failed') })
    this.#track(delivery)
    await delivery
  }

  /** Sends an answer recorded by another replica, as plain text, to keep the promise this one made. */
  async sendRecorded (message: Message, text: string): Promise<void> {
    const delivery = this.#outbound.send(message.sender.id, text, { whatsapp: message.whatsapp })
      .then((sent) => { this.#history.outbound(message, text, sent) })
    this.#track(delivery)
    await delivery
  }

  #track (delivery: Promise<void>): void {
    this.#deferred.add(delivery)
    void delivery.finally(() => this.#deferred.delete(delivery))
  }

  async #await (message: Message, answer: Promise<DispatchResult>, onDeferred: OnDeferred | undefined): Promise<string> {
    let result: DispatchResult | typeof TIMED_OUT
    try {
      result = await withDeadline(answer, remainingMs(this.#deadlineMs, message.startedAt))
    } catch (err) {
      this.#log.error({ err: (err as Error).message }, 'sms: dispatch failed')
      audit(this.#log, maskNumber(message.sender.id), 'answered', message.startedAt, 0, undefined, 'error')
      this.#history.inbound(message, 'error')
      this.#history.outbound(message, FAILED_TEXT, TWIML_REPLY)
      return FAILED_TWIML
    }
    if (result !== TIMED_OUT) return this.#answered(message, result)
    this.#history.outbound(message, WORKING_TEXT, TWIML_REPLY)
    const delivery = answer.then(
      async (late) => {
        this.#audit(message, late, true)
        this.#history.answered(message, late, await this.#outbound.send(message.sender.id, late.reply, { whatsapp: message.whatsapp }))
      },
      (err: unknown) => {
        this.#log.error({ err: (err as Error).message }, 'sms: slow command failed')
        this.#history.inbound(message, 'error')
      })
    this.#track(delivery)
    onDeferred?.(delivery)
    return WORKING_TWIML
  }

  #answered (message: Message, result: DispatchResult): string {
    this.#audit(message, result, false)
    this.#history.answered(message, result, TWIML_REPLY)
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
