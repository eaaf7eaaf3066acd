import type { FastifyBaseLogger, FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import type { Dispatcher } from '../../dispatch/dispatcher.js'
import { isThenable, type MaybePromise } from '../../maybe-async.js'
import type { History } from '../../history/writer.js'
import type { IdempotencyStore } from '../../state/idempotency.js'
import type { SharedState } from '../../state/shared.js'
import { countSegments } from '../../sms/index.js'
import { maskedFrom, SmsAdmission, TEXT_TYPE } from './admission.js'
import { audit, auditRefusal, type AuditOutcome } from './audit.js'
import type { FormFields } from './form.js'
import { inboundSegments, SmsHistory, TWIML_REPLY } from './history.js'
import { isWhatsApp, maskNumber } from './numbers.js'
import type { OutboundSender } from './outbound.js'
import type { LimitVerdict, RateLimits } from './rate-limit.js'
import { ReplyRunner, type Message, type OnDeferred } from './reply-runner.js'
import { AnswerOnce } from './retries.js'
import type { SmsSettings } from './settings.js'
import { EMPTY_TWIML, messageTwiml, TWIML_TYPE } from './twiml.js'

const REASONS: Readonly<Record<string, string>> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'POST /sms takes application/x-www-form-urlencoded, the format of Twilio\'s webhook',
  FST_ERR_CTP_BODY_TOO_LARGE: 'the request body is too large for a Twilio webhook (limit 64 KiB)',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'Content-Length does not match the body'
}

export interface SmsWebhookParts {
  readonly settings: SmsSettings
  readonly dispatcher: Dispatcher
  readonly store: IdempotencyStore
  readonly limits: RateLimits
  readonly outbound: OutboundSender
  readonly log: FastifyBaseLogger
  /** The shared Redis connection and its breaker: each message gets a state budget from it. Undefined: memory. */
  readonly state?: SharedState | undefined
  /** Where each message in and out is recorded (core.history). */
  readonly history: History
}

/**
 * `POST /sms`: admit (signature or loopback, form, sender), answer a retried MessageSid from its first answer (before
 * any limit: a retry never counts), rate-limit per sender and globally, dispatch within what is left of the reply
 * deadline, answer TwiML. The route's only handler: no hooks (each costs a turn of Fastify's hook runner), and when
 * the stores are in memory and the command is synchronous (help, more) the message is answered in one tick without a
 * promise or a timer.
 */
export class SmsWebhook {
  readonly #s: SmsSettings
  readonly #admission: SmsAdmission
  readonly #limits: RateLimits
  readonly #once: AnswerOnce
  readonly #runner: ReplyRunner
  readonly #state: SharedState | undefined
  readonly #log: FastifyBaseLogger
  readonly #history: SmsHistory

  constructor (parts: SmsWebhookParts) {
    this.#s = parts.settings
    this.#admission = new SmsAdmission(parts.settings)
    this.#limits = parts.limits
    this.#state = parts.state
    this.#log = parts.log
    this.#history = new SmsHistory(parts.history)
    this.#runner = new ReplyRunner({
      dispatcher: parts.dispatcher, outbound: parts.outbound, log: parts.log, replyDeadlineMs: parts.settings.replyDeadlineMs, history: this.#history
    })
    this.#once = new AnswerOnce({ store: parts.store, runner: this.#runner, log: parts.log, answerTtlMs: parts.settings.idempotencyTtlMs })
  }

  readonly handler = (request: FastifyRequest, reply: FastifyReply): MaybePromise<void> => {
    const startedAt = performance.now()
    const admission = this.#admission.check(request)
    if (!admission.admitted) {
      auditRefusal(this.#log, admission, startedAt)
      if (admission.outcome === 'forged' || admission.outcome === 'unknown-sender') this.#history.refused(request.body as FormFields | undefined, admission.outcome, startedAt)
      if (admission.type !== undefined) reply.type(admission.type)
      reply.code(admission.status).send(admission.body)
      return
    }
    const body = request.body as FormFields
    const text = body.Body as string
    const message: Message = {
      text,
      sender: admission.sender,
      whatsapp: isWhatsApp(body.From as string),
      startedAt,
      budget: this.#state?.budget(),
      receivedAt: Date.now(),
      // The retry key, as before: whatever non-empty MessageSid the (signed or loopback) form carries.
      sid: typeof body.MessageSid === 'string' && body.MessageSid !== '' ? body.MessageSid : typeof body.SmsSid === 'string' && body.SmsSid !== '' ? body.SmsSid : undefined,
      segments: inboundSegments(body, text)
    }
    const twiml = this.#answer(message)
    if (isThenable(twiml)) return twiml.then((t) => { sendTwiml(reply, t) })
    sendTwiml(reply, twiml)
  }

  /** A retried MessageSid is answered from its record before any limit is counted: a retry never spends the limit. */
  #answer (message: Message): MaybePromise<string> {
    if (message.sid === undefined) return this.#limited(message, undefined)
    return this.#once.answer(message.sid, message, (onDeferred) => this.#limited(message, onDeferred), () => {
      audit(this.#log, maskNumber(message.sender.id), 'duplicate', message.startedAt, 0)
      this.#history.inbound(message, 'duplicate')
    })
  }

  #limited (message: Message, onDeferred: OnDeferred | undefined): MaybePromise<string> {
    const mine = this.#limits.perSender.hit(message.sender.id, message.budget)
    if (isThenable(mine)) return mine.then((verdict) => this.#afterSenderLimit(message, verdict, onDeferred))
    return this.#afterSenderLimit(message, mine, onDeferred)
  }

  /** The first message over a sender's limit learns why it goes unanswered; the rest of the window gets nothing. */
  #afterSenderLimit (message: Message, verdict: LimitVerdict, onDeferred: OnDeferred | undefined): MaybePromise<string> {
    if (verdict.state !== 'within') {
      const notice = verdict.state === 'over' ? `Too many messages: ${verdict.max} per ${this.#s.windowText}. Try again in ${verdict.retryInSeconds}s.` : ''
      audit(this.#log, maskNumber(message.sender.id), 'rate-limited', message.startedAt, notice === '' ? 0 : countSegments(notice).segments, undefined, 'sender')
      this.#history.inbound(message, 'rate-limited')
      if (notice !== '') this.#history.outbound(message, notice, TWIML_REPLY)
      return messageTwiml(notice)
    }
    const all = this.#limits.global.hit('all', message.budget)
    if (isThenable(all)) return all.then((v) => this.#afterGlobalLimit(message, v, onDeferred))
    return this.#afterGlobalLimit(message, all, onDeferred)
  }

  #afterGlobalLimit (message: Message, verdict: LimitVerdict, onDeferred: OnDeferred | undefined): MaybePromise<string> {
    if (verdict.state !== 'within') {
      if (verdict.state === 'over') this.#log.warn({ max: verdict.max, window: this.#s.windowText }, 'sms: global rate limit reached; answering nothing until the window ends')
      audit(this.#log, maskNumber(message.sender.id), 'rate-limited', message.startedAt, 0, undefined, 'global')
      this.#history.inbound(message, 'rate-limited')
      return EMPTY_TWIML
    }
    return this.#runner.run(message, onDeferred)
  }

  /** Turns what Fastify or the form parser threw into a 4xx with one line saying why; never a stack trace. */
  readonly onError = async (error: FastifyError, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const status = error.statusCode ?? 500
    if (status >= 400 && status < 500) {
      const reason = REASONS[error.code] ?? (error.code?.startsWith('OPR_ERR_SMS_') === true ? error.message : (error.message.split('\n')[0] ?? 'bad request'))
      this.#log.info({ audit: true, sender: maskedFrom(req.body), outcome: 'bad-request' satisfies AuditOutcome, status, code: error.code, reason }, 'sms')
      return await reply.code(status).type(TEXT_TYPE).send(reason)
    }
    this.#log.error({ err: error.message, code: error.code }, 'sms: webhook failed')
    return await reply.code(500).type(TEXT_TYPE).send('internal error')
  }

  /** Results still on their way out are sent before the daemon stops; then running commands are told to stop. */
  async close (): Promise<void> {
    await this.#once.close()
    await this.#runner.close()
  }
}

function sendTwiml (reply: FastifyReply, twiml: string): void {
  reply.code(200).type(TWIML_TYPE).send(twiml)
}
