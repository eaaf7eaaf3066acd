import type { FastifyBaseLogger } from 'fastify'
import { maskNumber } from './numbers.js'

/** What sending needs; read from the validated environment once. */
export interface OutboundSettings {
  readonly accountSid: string
  readonly authToken: string
  /** Preferred when set: Twilio picks the sender number from the service. */
  readonly messagingServiceSid: string
  readonly fromNumber: string
  /** Empty: Twilio's own API. Tests point the real client at a local fake. */
  readonly apiBaseUrl: string
  /** Tries in all, the first included (default 4). */
  readonly maxAttempts?: number
  /** First retry delay; doubles per retry, with jitter (default 500 ms). */
  readonly baseDelayMs?: number
  readonly maxDelayMs?: number
  /** Per-request timeout of the REST client (default 10 s). */
  readonly timeoutMs?: number
}

export type SendResult =
  | { readonly ok: true, readonly sid: string, readonly attempts: number, /** Twilio's first status (`queued`, `accepted`). */ readonly status: string | undefined }
  | { readonly ok: false, readonly reason: string, readonly code: number | undefined, readonly status: number | undefined, readonly attempts: number }

export interface SendOptions {
  /** The person wrote over WhatsApp: answer there too. */
  readonly whatsapp?: boolean
  /** Stops retrying (the daemon is shutting down). */
  readonly signal?: AbortSignal
  /** Where Twilio posts the message's delivery status (`PUBLIC_URL/sms/status`). */
  readonly statusCallback?: string
}

interface MessageCreate {
  to: string
  body: string
  from?: string
  messagingServiceSid?: string
  statusCallback?: string
}
interface MessagesApi {
  create(params: MessageCreate): Promise<{ sid: string, status?: string }>
}

// Twilio's permanent failures: retrying cannot help, and some (opt-outs) must not be retried.
const PERMANENT: ReadonlyMap<number, string> = new Map([
  [21211, 'invalid To number'],
  [21610, 'recipient opted out (STOP)'],
  [21408, 'sending to that region is not enabled'],
  [20003, 'Twilio rejected the credentials (check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN)'],
  [21606, 'the From number cannot send SMS'],
  [21614, 'the To number cannot receive SMS']
])

interface Failure {
  readonly status: number | undefined
  readonly code: number | undefined
  readonly retry: boolean
  readonly reason: string
}

/** Sorts a client error into retry-or-not with a short reason that holds no number and no secret. */
export function classifySendError (err: unknown): Failure {
  const e = err as { status?: unknown, code?: unknown }
  const status = typeof e?.status === 'number' ? e.status : undefined
  const code = typeof e?.code === 'number' ? e.code : undefined
  if (status === undefined) {
    const net = typeof e?.code === 'string' ? e.code : 'no answer'
    return { status, code, retry: true, reason: `Twilio unreachable (${net})` }
  }
  const known = code === undefined ? undefined : PERMANENT.get(code)
  if (known !== undefined) return { status, code, retry: false, reason: `${known} [${code!}]` }
  if (status === 429 || code === 20429) return { status, code, retry: true, reason: `Twilio rate limit [${code ?? status}]` }
  if (status >= 500) return { status, code, retry: true, reason: `Twilio error HTTP ${status}${code === undefined ? '' : ` [${code}]`}` }
  return { status, code, retry: false, reason: `Twilio refused the message HTTP ${status}${code === undefined ? '' : ` [${code}]`}` }
}

/**
 * Outbound texts through the `twilio` package, which is imported on the first send only (importing it costs ~100 ms
 * and ~20 MB, and the webhook's hot path never needs it). Retries with backoff on 429/5xx and transport failures;
 * permanent errors are not retried. Every outcome is logged with the number masked.
 */
export class OutboundSender {
  readonly #settings: OutboundSettings
  readonly #log: FastifyBaseLogger
  #messages: Promise<MessagesApi> | undefined

  constructor (settings: OutboundSettings, log: FastifyBaseLogger) {
    this.#settings = settings
    this.#log = log
  }

  /** Why sending cannot work with these settings, or undefined when it can. */
  get problem (): string | undefined {
    const s = this.#settings
    if (s.accountSid === '' || s.authToken === '') return 'outbound SMS needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN'
    if (!s.accountSid.startsWith('AC')) return 'TWILIO_ACCOUNT_SID must start with AC'
    if (s.messagingServiceSid === '' && s.fromNumber === '') return 'outbound SMS needs TWILIO_MESSAGING_SERVICE_SID or TWILIO_FROM_NUMBER'
    return undefined
  }

  async send (to: string, body: string, options: SendOptions = {}): Promise<SendResult> {
    const masked = maskNumber(to)
    const problem = this.problem
    if (problem !== undefined) {
      this.#log.error({ to: masked }, `sms not sent: ${problem}`)
      return { ok: false, reason: problem, code: undefined, status: undefined, attempts: 0 }
    }
    const s = this.#settings
    const params: MessageCreate = { to: options.whatsapp === true ? `whatsapp:${to}` : to, body }
    if (s.messagingServiceSid !== '') params.messagingServiceSid = s.messagingServiceSid
    else params.from = options.whatsapp === true ? `whatsapp:${s.fromNumber}` : s.fromNumber
    if (options.statusCallback !== undefined) params.statusCallback = options.statusCallback

    const maxAttempts = s.maxAttempts ?? 4
    let failure: Failure | undefined
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      try {
        const messages = await this.#client()
        const message = await messages.create(params)
        this.#log.info({ to: masked, sid: message.sid, attempts: attempt }, 'sms sent')
        return { ok: true, sid: message.sid, attempts: attempt, status: typeof message.status === 'string' ? message.status : undefined }
      } catch (err) {
        failure = classifySendError(err)
        const last = !failure.retry || attempt === maxAttempts || options.signal?.aborted === true
        if (last) {
          this.#log.error({ to: masked, status: failure.status, code: failure.code, attempts: attempt }, `sms not sent: ${failure.reason}`)
          return { ok: false, reason: failure.reason, code: failure.code, status: failure.status, attempts: attempt }
        }
        const delay = this.#delay(attempt)
        this.#log.warn({ to: masked, status: failure.status, code: failure.code, attempt, retryInMs: delay }, `sms send failed, retrying: ${failure.reason}`)
        await sleep(delay, options.signal)
      }
    }
    /* c8 ignore next */
    return { ok: false, reason: failure?.reason ?? 'not sent', code: failure?.code, status: failure?.status, attempts: maxAttempts }
  }

  #delay (attempt: number): number {
    const base = this.#settings.baseDelayMs ?? 500
    const max = this.#settings.maxDelayMs ?? 8000
    const exp = Math.min(max, base * 2 ** (attempt - 1))
    return Math.round(exp / 2 + Math.random() * exp / 2)
  }

  async #client (): Promise<MessagesApi> {
    if (this.#messages === undefined) {
      this.#messages = loadClient(this.#settings)
      // A failed import is retried on the next send rather than cached forever.
      this.#messages.catch(() => { this.#messages = undefined })
    }
    return await this.#messages
  }
}

async function loadClient (s: OutboundSettings): Promise<MessagesApi> {
  const { default: twilio } = await import('twilio')
  // `env: {}`: the client reads only what it is given, never process.env.
  const client = twilio(s.accountSid, s.authToken, { env: {}, timeout: s.timeoutMs ?? 10_000, autoRetry: false })
  if (s.apiBaseUrl !== '') client.api.baseUrl = s.apiBaseUrl.replace(/\/+$/, '')
  return client.messages as unknown as MessagesApi
}

async function sleep (ms: number, signal: AbortSignal | undefined): Promise<void> {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms)
    signal?.addEventListener('abort', () => { clearTimeout(timer); resolve() }, { once: true })
  })
}
