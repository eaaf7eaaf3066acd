import type { FastifyBaseLogger, FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import type { Dispatcher, DispatchResult } from '../../dispatch/dispatcher.js'
import type { Sender } from '../../plugins/contract.js'
import type { IdempotencyStore } from '../../state/idempotency.js'
import { audit, type AuditOutcome } from './audit.js'
import type { FormFields } from './form.js'
import { isWhatsApp, maskNumber, normalizeNumber } from './numbers.js'
import type { OutboundSender } from './outbound.js'
import type { RateLimits } from './rate-limit.js'
import type { SmsSettings } from './settings.js'
import { verifyTwilioSignature } from './signature.js'
import { EMPTY_TWIML, messageTwiml, TWIML_TYPE } from './twiml.js'

/** Request decorations (symbols: nothing outside the channel reads them). */
export const SENDER = Symbol('operator.sms.sender')
export const STARTED = Symbol('operator.sms.started')

interface SmsRequest extends FastifyRequest {
  [SENDER]: Sender | null
  [STARTED]: number
}

export const WORKING_TEXT = 'Working on it, the answer will follow by SMS.'
const WORKING_TWIML = messageTwiml(WORKING_TEXT)
const FAILED_TWIML = messageTwiml('Operator could not answer that just now. Try again in a minute.')
/** Twilio's limit for one message body. */
export const MAX_BODY_CHARS = 1600
const TEXT_TYPE = 'text/plain; charset=utf-8'
// Set by proxies and tunnels: an unsigned request carrying one did not come from this machine.
const FORWARDED_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip', 'cf-connecting-ip', 'x-forwarded-host']
/** How long a claim stays pending if the process running it dies (Twilio stops waiting after 15 s). */
const PENDING_TTL_MS = 120_000
const POLL_MS = 200
const TIMED_OUT = Symbol('timed out')

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
}

function isLoopbackAddress (address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1' || (address !== undefined && address.startsWith('127.'))
}

function hasForwardingHeader (request: FastifyRequest): boolean {
  for (let i = 0; i < FORWARDED_HEADERS.length; i++) {
    if (request.headers[FORWARDED_HEADERS[i]!] !== undefined) return true
  }
  return false
}

function maskedFrom (body: unknown): string {
  const from = (body as FormFields | undefined)?.From
  return typeof from === 'string' && from !== '' ? maskNumber(normalizeNumber(from) ?? from) : '-'
}

async function withDeadline<T> (work: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  return await new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms, TIMED_OUT)
    work.then((value) => { clearTimeout(timer); resolve(value) }, (err: unknown) => { clearTimeout(timer); reject(err) })
  })
}

/**
 * `POST /sms`: verify (signature, or loopback in the embedded default), check the form, find the sender and role,
 * rate-limit per sender and globally, answer a retried MessageSid from its first answer, dispatch under the reply
 * deadline, answer TwiML. The hooks are made once here; per request they allocate little beyond the reply itself.
 */
export class SmsWebhook {
  readonly #s: SmsSettings
  readonly #dispatcher: Dispatcher
  readonly #store: IdempotencyStore
  readonly #limits: RateLimits
  readonly #outbound: OutboundSender
  readonly #log: FastifyBaseLogger
  readonly #inflight = new Map<string, Promise<string>>()
  readonly #deferred = new Set<Promise<void>>()
  readonly #closing = new AbortController()

  constructor (parts: SmsWebhookParts) {
    this.#s = parts.settings
    this.#dispatcher = parts.dispatcher
    this.#store = parts.store
    this.#limits = parts.limits
    this.#outbound = parts.outbound
    this.#log = parts.log
  }

  /** The rate-limit key: the normalised number of the verified sender. */
  readonly senderKey = (request: FastifyRequest): string => (request as SmsRequest)[SENDER]?.id ?? '-'

  readonly preValidation = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const request = req as SmsRequest
    request[STARTED] = performance.now()
    const body = request.body as FormFields | undefined | null
    if (body === undefined || body === null || typeof body !== 'object') {
      return this.#badRequest(request, reply, 'expected Twilio\'s form fields From and Body')
    }

    if (this.#s.verify === 'signed') {
      const signature = request.headers['x-twilio-signature']
      const url = this.#s.publicUrl !== '' ? this.#s.publicUrl + request.url : `${request.protocol}://${request.host}${request.url}`
      if (typeof signature !== 'string' || !verifyTwilioSignature(this.#s.authToken, url, body, signature)) {
        this.#audit(request, maskedFrom(body), 'forged', '', undefined, typeof signature === 'string' ? 'bad-signature' : 'no-signature')
        return await reply.code(403).send()
      }
    } else if (!isLoopbackAddress(request.socket.remoteAddress) || hasForwardingHeader(request)) {
      this.#audit(request, maskedFrom(body), 'forged', '', undefined, 'unsigned-not-loopback')
      return await reply.code(403).type(TEXT_TYPE)
        .send('unsigned webhooks are accepted only directly from this machine; set TWILIO_AUTH_TOKEN to accept Twilio\'s signed requests')
    }

    const from = body.From
    const text = body.Body
    if (typeof from !== 'string' || from === '') return this.#badRequest(request, reply, from === undefined || from === '' ? 'missing From' : 'From given more than once')
    if (typeof text !== 'string') return this.#badRequest(request, reply, text === undefined ? 'missing Body' : 'Body given more than once')
    if (text.length > MAX_BODY_CHARS && [...text].length > MAX_BODY_CHARS) {
      return this.#badRequest(request, reply, `Body is over ${MAX_BODY_CHARS.toLocaleString('en')} characters`)
    }

    const number = normalizeNumber(from)
    let sender = number === undefined ? undefined : this.#s.senders.lookup(number)
    if (sender === undefined && this.#s.localConsole) sender = { id: number ?? 'console', role: 'admin', channel: 'sms' }
    if (sender === undefined) {
      this.#audit(request, maskNumber(number ?? from), 'unknown-sender', '')
      return await reply.code(200).type(TWIML_TYPE).send(EMPTY_TWIML)
    }
    request[SENDER] = sender
    return undefined
  }

  readonly preHandler = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const request = req as SmsRequest
    const mine = await this.#limits.perSender(request)
    if (!mine.isAllowed && mine.isExceeded) {
      const sender = maskNumber(request[SENDER]!.id)
      if (mine.isBanned) {
        this.#audit(request, sender, 'rate-limited', '', undefined, 'sender')
        return await reply.code(200).type(TWIML_TYPE).send(EMPTY_TWIML)
      }
      // The first message over the limit learns why it goes unanswered; the rest of the window gets nothing.
      const notice = `Too many messages: ${mine.max} per ${this.#s.windowText}. Try again in ${mine.ttlInSeconds}s.`
      this.#audit(request, sender, 'rate-limited', notice, undefined, 'sender')
      return await reply.code(200).type(TWIML_TYPE).send(messageTwiml(notice))
    }
    const all = await this.#limits.global(request)
    if (!all.isAllowed && all.isExceeded) {
      if (!all.isBanned) this.#log.warn({ max: all.max, window: this.#s.windowText }, 'sms: global rate limit reached; answering nothing until the window ends')
      this.#audit(request, maskNumber(request[SENDER]!.id), 'rate-limited', '', undefined, 'global')
      return await reply.code(200).type(TWIML_TYPE).send(EMPTY_TWIML)
    }
    return undefined
  }

  readonly handler = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const request = req as SmsRequest
    const body = request.body as FormFields
    const sid = typeof body.MessageSid === 'string' && body.MessageSid !== '' ? body.MessageSid : typeof body.SmsSid === 'string' && body.SmsSid !== '' ? body.SmsSid : undefined
    let twiml: string
    if (sid === undefined) {
      twiml = await this.#run(request)
    } else {
      const running = this.#inflight.get(sid)
      if (running !== undefined) {
        // Twilio retried while the first run is still going: wait for it and give the same answer.
        twiml = await running
        this.#audit(request, maskNumber(request[SENDER]!.id), 'duplicate', '')
      } else {
        const work = this.#claimAndRun(request, sid)
        this.#inflight.set(sid, work)
        try {
          twiml = await work
        } finally {
          this.#inflight.delete(sid)
        }
      }
    }
    return await reply.code(200).type(TWIML_TYPE).send(twiml)
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

  async #claimAndRun (request: SmsRequest, sid: string): Promise<string> {
    let claim
    try {
      claim = await this.#store.claim(sid, PENDING_TTL_MS)
    } catch (err) {
      this.#log.warn({ err: (err as Error).message }, 'sms: idempotency store unavailable; answering without retry protection')
      return await this.#run(request)
    }
    if (claim.state !== 'claimed') {
      const answer = claim.state === 'done' ? claim.answer : await this.#awaitOther(sid)
      this.#audit(request, maskNumber(request[SENDER]!.id), 'duplicate', '')
      return answer
    }
    const answer = await this.#run(request)
    try {
      await this.#store.complete(sid, answer, this.#s.idempotencyTtlMs)
    } catch (err) {
      this.#log.warn({ err: (err as Error).message }, 'sms: could not record the answer for retries')
    }
    return answer
  }

  /** Another replica is running this MessageSid: wait for its answer, up to the reply deadline. */
  async #awaitOther (sid: string): Promise<string> {
    const until = performance.now() + this.#s.replyDeadlineMs + 1000
    while (performance.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS))
      const seen = await this.#store.peek(sid).catch(() => undefined)
      if (seen?.state === 'done') return seen.answer
      if (seen === undefined) break
    }
    return WORKING_TWIML
  }

  /** Dispatches; answers within the reply deadline, or says "working on it" and texts the result when it comes. */
  async #run (request: SmsRequest): Promise<string> {
    const sender = request[SENDER]!
    const body = request.body as FormFields
    const dispatching = this.#dispatcher.dispatch(body.Body as string, sender, this.#closing.signal)
    let result: DispatchResult | typeof TIMED_OUT
    try {
      result = await withDeadline(dispatching, this.#s.replyDeadlineMs)
    } catch (err) {
      this.#log.error({ err: (err as Error).message }, 'sms: dispatch failed')
      this.#audit(request, maskNumber(sender.id), 'answered', '', undefined, 'error')
      return FAILED_TWIML
    }
    if (result !== TIMED_OUT) {
      this.#auditResult(request[STARTED], sender, result, false)
      return messageTwiml(result.reply)
    }
    const whatsapp = isWhatsApp(body.From as string)
    const started = request[STARTED]
    const delivery = dispatching.then(
      async (late) => { await this.#deliver(late, sender, whatsapp, started) },
      (err: unknown) => { this.#log.error({ err: (err as Error).message }, 'sms: slow command failed') })
    this.#deferred.add(delivery)
    void delivery.finally(() => this.#deferred.delete(delivery))
    return WORKING_TWIML
  }

  async #deliver (result: DispatchResult, sender: Sender, whatsapp: boolean, started: number): Promise<void> {
    this.#auditResult(started, sender, result, true)
    await this.#outbound.send(sender.id, result.reply, { whatsapp })
  }

  #auditResult (started: number, sender: Sender, result: DispatchResult, deferred: boolean): void {
    const outcome: AuditOutcome = result.outcome === 'forbidden' ? 'refused' : 'answered'
    audit(this.#log, maskNumber(sender.id), outcome, started, result.reply, result.command,
      result.outcome === 'answered' ? undefined : result.outcome, deferred)
  }

  #audit (request: SmsRequest, sender: string, outcome: AuditOutcome, reply: string, command?: string, detail?: string): void {
    audit(this.#log, sender, outcome, request[STARTED], reply, command, detail)
  }

  #badRequest (request: SmsRequest, reply: FastifyReply, reason: string): FastifyReply {
    this.#audit(request, maskedFrom(request.body), 'bad-request', '', undefined, reason)
    return reply.code(400).type(TEXT_TYPE).send(reason)
  }

  /** Results still on their way out are sent before the daemon stops; then running commands are told to stop. */
  async close (): Promise<void> {
    await Promise.allSettled([...this.#deferred])
    this.#closing.abort()
  }
}
