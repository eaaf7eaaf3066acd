import type { DispatchOutcome, DispatchResult } from '../../dispatch/dispatcher.js'
import type { History } from '../../history/writer.js'
import type { Outcome } from '../../store/types.js'
import { countSegments } from '../../sms/index.js'
import type { FormFields } from './form.js'
import { isWhatsApp, normalizeNumber } from './numbers.js'
import type { SendResult } from './outbound.js'
import type { Message } from './reply-runner.js'

const OUTCOMES: Readonly<Record<DispatchOutcome, Outcome>> = {
  answered: 'answered',
  empty: 'answered',
  unknown: 'unknown-command',
  forbidden: 'denied',
  failed: 'error',
  timeout: 'error'
}

/** The history outcome of a dispatch result: a timeout or a failure is an error, a role refusal is denied. */
export function historyOutcome (outcome: DispatchOutcome): Outcome {
  return OUTCOMES[outcome]
}

/** The delivery status of a reply given as TwiML: Twilio makes that message after the webhook answers, so it has no SID here. */
export const TWIML_REPLY = 'twiml'

/** What the command resolution says about a message, when it got that far. */
export interface Resolved {
  readonly command?: string | undefined
  readonly plugin?: string | undefined
}

/**
 * The SMS channel's rows in the message history: each message in (with the outcome, the command and plugin it
 * resolved to, and how long it took) and each text out (the TwiML reply, or a text sent through Twilio's API with its
 * SID and first status). Unknown senders' and forged requests' words are never kept. Recording only queues a row.
 */
export class SmsHistory {
  readonly #history: History

  constructor (history: History) {
    this.#history = history
  }

  /** A message from an authorised sender: what it resolved to and what became of it. */
  inbound (message: Message, outcome: Outcome, resolved: Resolved = {}): void {
    this.#history.record({
      time: message.receivedAt,
      direction: 'in',
      channel: message.whatsapp ? 'whatsapp' : 'sms',
      number: message.sender.id,
      role: message.sender.role,
      text: message.text,
      command: resolved.command,
      plugin: resolved.plugin,
      outcome,
      segments: message.segments,
      durationMs: Math.round(performance.now() - message.startedAt),
      messageSid: message.sid
    })
  }

  /** The inbound row and the reply of a dispatched message. */
  answered (message: Message, result: DispatchResult, sent: SendResult | typeof TWIML_REPLY): void {
    this.inbound(message, historyOutcome(result.outcome), result)
    this.outbound(message, result.reply, sent, result, result.segments)
  }

  /**
   * A text to the sender of `message`: as TwiML (`twiml`) or through the API (its SID and first status, or `failed`).
   * `messageSid` is the inbound message it answers.
   */
  outbound (message: Message, text: string, sent: SendResult | typeof TWIML_REPLY, resolved: Resolved = {}, segments?: number): void {
    const viaApi = sent !== TWIML_REPLY
    this.#history.record({
      time: Date.now(),
      direction: 'out',
      channel: message.whatsapp ? 'whatsapp' : 'sms',
      number: message.sender.id,
      role: message.sender.role,
      text,
      command: resolved.command,
      plugin: resolved.plugin,
      outcome: viaApi && !sent.ok ? 'failed' : 'sent',
      segments: segments ?? countSegments(text).segments,
      durationMs: Math.round(performance.now() - message.startedAt),
      messageSid: message.sid,
      providerSid: viaApi && sent.ok ? sent.sid : null,
      deliveryStatus: viaApi ? (sent.ok ? sent.status ?? 'queued' : 'failed') : TWIML_REPLY
    })
  }

  /** A request turned away before anything ran: a forged signature or a number that is not authorised. No text. */
  refused (body: FormFields | undefined | null, outcome: 'forged' | 'unknown-sender', startedAt: number): void {
    const from = typeof body?.From === 'string' ? body.From : ''
    this.#history.record({
      time: Date.now(),
      direction: 'in',
      channel: isWhatsApp(from) ? 'whatsapp' : 'sms',
      // Only a well-formed number is kept; for a forged request it is whatever the forger claimed.
      number: normalizeNumber(from) ?? '',
      outcome,
      durationMs: Math.round(performance.now() - startedAt),
      messageSid: messageSidOf(body)
    })
  }
}

const SID = /^[A-Z]{2}[0-9a-f]{32}$/i

/** Twilio's MessageSid (SmsSid in older webhooks) when a refused form carries a well-formed one: a forger's is not kept. */
export function messageSidOf (body: FormFields | undefined | null): string | undefined {
  const sid = typeof body?.MessageSid === 'string' && body.MessageSid !== '' ? body.MessageSid : body?.SmsSid
  return typeof sid === 'string' && SID.test(sid) ? sid : undefined
}

/** Segments of the inbound message: Twilio's NumSegments when given, else counted. */
export function inboundSegments (body: FormFields, text: string): number {
  const given = body.NumSegments
  if (typeof given === 'string' && /^\d{1,2}$/.test(given)) return Number(given)
  return countSegments(text).segments
}
