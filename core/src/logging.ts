import type { FastifyRequest, FastifyServerOptions } from 'fastify'
import { pino } from 'pino'

/** Keys whose values are secrets wherever a logged object holds them. */
const SECRET_KEYS = ['authToken', 'auth_token', 'password', 'apiKey', 'appKey', 'token', 'secret',
  'TWILIO_AUTH_TOKEN', 'DATADOG_API_KEY', 'DATADOG_APP_KEY', 'GATEWAY_ADMIN_KEY']

/** Paths pino blanks out: auth headers, signatures, and anything named like a secret in logged objects. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-twilio-signature"]',
  'req.headers["dd-api-key"]',
  'req.headers["dd-application-key"]',
  'req.headers["kong-admin-token"]',
  'req.headers.cookie',
  ...SECRET_KEYS.map((k) => `*.${k}`),
  // `*.key` matches one level down only: the same names at the top of a line (`log.info({ authToken })`) too.
  ...SECRET_KEYS
]

const CENSOR = '[redacted]'

/**
 * A URL fit for a log line: each query value (a `?token=` is a secret as often as not) and any password in the
 * authority replaced, the fragment dropped; names, host and path kept, which is what finding a misconfigured URL needs.
 */
export function redactUrl (url: string): string {
  let out = url
  const hash = out.indexOf('#')
  if (hash !== -1) out = out.slice(0, hash)
  const authority = /^([a-z][a-z0-9+.-]*:\/\/[^/?#@:]*:)[^/?#@]*@/i.exec(out)
  if (authority !== null) out = `${authority[1]!}${CENSOR}@${out.slice(authority[0].length)}`
  const q = out.indexOf('?')
  if (q === -1 || q === out.length - 1) return out
  const parts = out.slice(q + 1).split('&')
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!
    const eq = part.indexOf('=')
    // A part with no `=` may itself be the secret (`?s3cr3t`); an empty one (`a=1&&b=2`) stays empty.
    parts[i] = eq === -1 ? (part === '' ? '' : CENSOR) : `${part.slice(0, eq + 1)}${CENSOR}`
  }
  return `${out.slice(0, q + 1)}${parts.join('&')}`
}

/**
 * The path of a request URL, without its query string or fragment: what the request log shows. Nothing that
 * arrives after `?` is needed to follow a request, and it is where callers put tokens.
 */
export function requestPath (url: string): string {
  const end = url.search(/[?#]/)
  return end === -1 ? url : url.slice(0, end)
}

/**
 * Fastify's request serializer, with the URL cut to its path. Anything else logged under `req` (a plain object with
 * headers, say) is kept as given, its `url` cut too.
 */
export function serializeRequest (req: FastifyRequest): SerializedRequest {
  const r = req as Partial<FastifyRequest> & { url?: unknown } | null
  if (r === null || typeof r !== 'object') return r as unknown as SerializedRequest
  if (r.raw !== undefined && typeof r.url === 'string') {
    return { method: r.method, url: requestPath(r.url), host: r.host, remoteAddress: r.ip, remotePort: r.socket?.remotePort }
  }
  return typeof r.url === 'string' ? { ...r, url: requestPath(r.url) } : r as SerializedRequest
}

interface SerializedRequest {
  [key: string]: unknown
  method?: string
  url?: string
  host?: string
  remoteAddress?: string
  remotePort?: number
}

export interface LogSettings {
  readonly level?: string
  /** `json` in production and when not a terminal; `pretty` when a person watches a terminal. */
  readonly format?: string
  readonly nodeEnv?: string
  readonly isTTY?: boolean
  /** Where JSON lines go (the daemon's bounded stdout); pretty output keeps pino-pretty's own. Default: stdout. */
  readonly stream?: { write (line: string): void }
}

/** Readable output: asked for, or a person at a terminal outside production. */
export function isPretty (settings: LogSettings): boolean {
  return settings.format === 'pretty' ||
    (settings.format !== 'json' && settings.nodeEnv !== 'production' && settings.isTTY === true)
}

/** pino options for the daemon: JSON in production, readable in a terminal, secrets redacted. */
export function loggerOptions (settings: LogSettings): NonNullable<FastifyServerOptions['logger']> {
  const pretty = isPretty(settings)
  return {
    level: settings.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: CENSOR },
    serializers: { req: serializeRequest },
    ...(pretty
      ? { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss', ignore: 'pid,hostname' } } }
      : settings.stream !== undefined ? { stream: settings.stream } : {})
  }
}

/** Bytes of log lines held while stdout is not being read; past this, lines are dropped (and counted). */
export const LOG_BUFFER_BYTES = 1024 * 1024
/** How long a stopping daemon waits for its buffered log lines to reach stdout. */
export const LOG_FLUSH_TIMEOUT_MS = 1000

interface DropReporter {
  warn (obj: object, msg: string): void
}

/**
 * The daemon's stdout for JSON logs: written asynchronously (sonic-boom, `sync: false`) into a bounded buffer, so a
 * log consumer that stops reading never blocks a request and one that goes away never stops the daemon. pino's own
 * default destination is also asynchronous, but unbounded, and flushes synchronously at exit, retrying forever on
 * EAGAIN or EPIPE: a daemon whose stdout was stuck or closed could not exit on SIGTERM.
 */
export class StdoutLog {
  readonly #sonic: ReturnType<typeof pino.destination>
  readonly #maxBytes: number
  #dropped = 0
  /** A report went out with the last 'drain': close() waits for that line too. */
  #reported = false
  #broken = false
  #closed = false
  #closing: Promise<void> | undefined
  #reporter: DropReporter | undefined
  /** What pino writes to: lines go to the buffer until the destination broke or closed, then nowhere. */
  readonly stream = { write: (line: string): void => { if (!this.#broken && !this.#closed) this.#sonic.write(line) } }

  constructor (fd = 1, maxBytes = LOG_BUFFER_BYTES) {
    // Opening process.stdout makes a pipe or socket on fd 1 non-blocking, so a stuck write answers EAGAIN (retried
    // from a timer) instead of holding a thread of libuv's pool.
    if (fd === 1) void process.stdout.isTTY
    this.#maxBytes = maxBytes
    // Registered before pino's own exit hook: whatever is still buffered at exit is dropped rather than flushed
    // synchronously, which is what hung (the orderly stop has already waited, bounded, in close()).
    process.prependListener('exit', () => this.#stop())
    // A process ending on its own (a failed start) would otherwise wait on a stuck pipe's retries forever.
    process.prependListener('beforeExit', () => { void this.close() })
    this.#sonic = pino.destination({
      dest: fd,
      sync: false,
      maxLength: maxBytes,
      // While open, a full pipe is retried every 100 ms (the buffer bounds what waits); once closed, it is not.
      retryEAGAIN: () => !this.#closed
    })
    this.#sonic.on('drop', () => { this.#dropped++ })
    // pino turns EPIPE into silence itself; any write error means the same here: stop logging, keep running.
    this.#sonic.on('error', () => { this.#broken = true })
    this.#sonic.on('drain', () => this.#reportDrops())
  }

  /** Lines dropped since the last report. */
  get dropped (): number { return this.#dropped }

  /** Where to say how many lines were dropped, once the buffer has drained. */
  reportDropsTo (logger: DropReporter): void {
    this.#reporter = logger
  }

  /** Waits at most `timeoutMs` for the buffered lines to be written, then stops writing. Never rejects. */
  async close (timeoutMs = LOG_FLUSH_TIMEOUT_MS): Promise<void> {
    this.#closing ??= (async () => {
      const deadline = Date.now() + timeoutMs
      do {
        this.#reported = false
        await this.#drained(deadline - Date.now())
      } while (this.#reported && Date.now() < deadline)
      this.#stop()
    })()
    return await this.#closing
  }

  #reportDrops (): void {
    if (this.#dropped === 0 || this.#reporter === undefined || this.#broken || this.#closed) return
    const droppedLines = this.#dropped
    this.#dropped = 0
    this.#reported = true
    this.#reporter.warn({ droppedLines, bufferBytes: this.#maxBytes },
      'log lines dropped: stdout was not read while the log buffer was full')
  }

  async #drained (timeoutMs: number): Promise<void> {
    if (this.#broken || this.#closed || timeoutMs <= 0) return
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        this.#sonic.off('drain', done)
        this.#sonic.off('error', done)
        resolve()
      }
      const timer = setTimeout(done, timeoutMs)
      this.#sonic.on('drain', done)
      this.#sonic.on('error', done)
      // An empty write queues behind what is buffered: 'drain' follows once all of it is written.
      this.#sonic.write('')
    })
  }

  #stop (): void {
    if (this.#closed) return
    this.#closed = true
    // destroy() empties the buffer and marks the stream destroyed, so pino's exit hook has nothing to flush.
    this.#sonic.destroy()
  }
}
