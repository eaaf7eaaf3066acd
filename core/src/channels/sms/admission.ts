import type { FastifyRequest } from 'fastify'
import { isLoopbackAddress } from '../../http/loopback.js'
import { redactUrl } from '../../logging.js'
import type { Sender } from '../../plugins/contract.js'
import type { AuditOutcome } from './audit.js'
import type { FormFields } from './form.js'
import { signedFormProblem } from './message-sid.js'
import { maskNumber, normalizeNumber } from './numbers.js'
import type { SmsSettings } from './settings.js'
import { TwilioSignatureVerifier } from './signature.js'
import { EMPTY_TWIML, TWIML_TYPE } from './twiml.js'

/** Twilio's limit for one message body. */
export const MAX_BODY_CHARS = 1600
export const TEXT_TYPE = 'text/plain; charset=utf-8'
// Set by proxies and tunnels: an unsigned request carrying one did not come from this machine.
const FORWARDED_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip', 'cf-connecting-ip', 'x-forwarded-host']

/** A message let in (with its sender and role), or the answer that turns it away and the audit line saying why. */
export type Admission =
  | { readonly admitted: true, readonly sender: Sender }
  | {
    readonly admitted: false
    readonly status: 200 | 400 | 403
    readonly type: string | undefined
    /** Undefined: no body at all (a forged request learns nothing but the status). */
    readonly body: string | undefined
    readonly outcome: AuditOutcome
    /** Masked. */
    readonly sender: string
    readonly detail: string | undefined
    /** `warn` for what an operator must look at: a signature that does not match, a signed form Twilio never sent. */
    readonly level: 'info' | 'warn'
    /** The URL a refused signature was checked against, query values redacted: how a PUBLIC_URL mismatch is found. */
    readonly url?: string
  }

const UNSIGNED_REMOTE = 'unsigned webhooks are accepted only directly from this machine; set TWILIO_AUTH_TOKEN to accept Twilio\'s signed requests'

/**
 * Who may talk to Operator: a request signed by Twilio and carrying its MessageSid (or, in the embedded default
 * without an auth token, sent directly from this machine), with one From and one Body, from an authorised number.
 * Synchronous and allocation-light: it runs on every webhook, including the forged and unknown ones.
 */
export class SmsAdmission {
  readonly #s: SmsSettings
  /** Set when webhooks must be signed (TWILIO_AUTH_TOKEN); otherwise only loopback requests are taken. */
  readonly #verifier: TwilioSignatureVerifier | undefined

  constructor (settings: SmsSettings) {
    this.#s = settings
    this.#verifier = settings.verify === 'signed' ? new TwilioSignatureVerifier(settings.authToken) : undefined
  }

  check (request: FastifyRequest): Admission {
    const body = request.body as FormFields | undefined | null
    if (body === undefined || body === null || typeof body !== 'object') return badRequest(body, 'expected Twilio\'s form fields From and Body')

    if (this.#verifier !== undefined) {
      const signature = request.headers['x-twilio-signature']
      const url = this.#s.publicUrl !== '' ? this.#s.publicUrl + request.url : `${request.protocol}://${request.host}${request.url}`
      if (typeof signature !== 'string') return refuse(403, undefined, undefined, 'forged', maskedFrom(body), 'no-signature')
      if (!this.#verifier.verify(url, body, signature)) {
        return { ...refuse(403, undefined, undefined, 'forged', maskedFrom(body), 'bad-signature', 'warn'), url: redactUrl(url) }
      }
      const problem = signedFormProblem(body, this.#s.outbound.accountSid)
      if (problem !== undefined) return refuse(400, TEXT_TYPE, problem, 'bad-request', maskedFrom(body), problem, 'warn')
    } else if (!isLoopbackAddress(request.socket.remoteAddress) || hasForwardingHeader(request)) {
      return refuse(403, TEXT_TYPE, UNSIGNED_REMOTE, 'forged', maskedFrom(body), 'unsigned-not-loopback')
    }

    const from = body.From
    const text = body.Body
    if (typeof from !== 'string' || from === '') return badRequest(body, from === undefined || from === '' ? 'missing From' : 'From given more than once')
    if (typeof text !== 'string') return badRequest(body, text === undefined ? 'missing Body' : 'Body given more than once')
    if (text.length > MAX_BODY_CHARS && [...text].length > MAX_BODY_CHARS) {
      return badRequest(body, `Body is over ${MAX_BODY_CHARS.toLocaleString('en')} characters`)
    }

    const number = normalizeNumber(from)
    let sender = number === undefined ? undefined : this.#s.senders.lookup(number)
    if (sender === undefined && this.#s.localConsole) sender = { id: number ?? 'console', role: 'admin', channel: 'sms' }
    // An unknown number gets empty TwiML: no SMS is spent, and nothing tells a stranger the number is a bot.
    if (sender === undefined) return refuse(200, TWIML_TYPE, EMPTY_TWIML, 'unknown-sender', maskNumber(number ?? from), undefined)
    return { admitted: true, sender }
  }
}

function refuse (status: 200 | 400 | 403, type: string | undefined, body: string | undefined, outcome: AuditOutcome, sender: string,
  detail: string | undefined, level: 'info' | 'warn' = 'info'): Admission & { admitted: false } {
  return { admitted: false, status, type, body, outcome, sender, detail, level }
}

function badRequest (body: unknown, reason: string): Admission {
  return refuse(400, TEXT_TYPE, reason, 'bad-request', maskedFrom(body), reason)
}

/** The masked From of a form that may be missing or malformed, for audit lines. */
export function maskedFrom (body: unknown): string {
  const from = (body as FormFields | undefined)?.From
  return typeof from === 'string' && from !== '' ? maskNumber(normalizeNumber(from) ?? from) : '-'
}


function hasForwardingHeader (request: FastifyRequest): boolean {
  for (let i = 0; i < FORWARDED_HEADERS.length; i++) {
    if (request.headers[FORWARDED_HEADERS[i]!] !== undefined) return true
  }
  return false
}
