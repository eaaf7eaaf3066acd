import type { Dispatcher } from 'undici'
import type { PoolSet } from './pools.js'
import { mapTransportError, statusError, bodyError, timeoutError } from './errors.js'
import { formatDuration } from '../dispatch/deadline.js'

export interface HttpClientOptions {
  /** Sent with every request (auth headers go here; they are never logged). */
  readonly headers?: Readonly<Record<string, string>>
  /** Names the upstream in error messages (`prometheus unreachable (connection refused)`). Default: the host. */
  readonly name?: string
  /** Default 3000. */
  readonly connectTimeoutMs?: number
  /** Time to the response headers; default 5000 (undici's own default is 300 s). */
  readonly headersTimeoutMs?: number
  /** Longest silence while the body streams; default 5000. */
  readonly bodyTimeoutMs?: number
  /** Larger answers are cut off with an error; default 5 MiB. */
  readonly maxBodyBytes?: number
  /** Connections kept to the origin; default 8. */
  readonly connections?: number
}

export type QueryValue = string | number | boolean | undefined | readonly (string | number)[]

export interface HttpRequest {
  readonly method?: Dispatcher.HttpMethod
  /** Joined to the base URL's path. */
  readonly path: string
  readonly query?: Readonly<Record<string, QueryValue>>
  readonly headers?: Readonly<Record<string, string>>
  /** A raw body; or use `json` / `form`. */
  readonly body?: string | Buffer
  readonly json?: unknown
  readonly form?: Readonly<Record<string, string>>
  /** The caller's signal: the command's deadline. Always pass it. */
  readonly signal?: AbortSignal
  /** A per-request overall cap (ms), on top of the signal. */
  readonly timeoutMs?: number
}

export interface HttpResponse {
  readonly status: number
  readonly ok: boolean
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  readonly text: string
  /** Parses `text`; throws OPR_ERR_HTTP_BODY ("non-JSON answer") if it is not JSON. */
  json<T>(): T
}

export interface HttpClient {
  readonly baseUrl: string
  /** Any status comes back as a response; transport failures throw OPR_ERR_HTTP_* errors. */
  request(req: HttpRequest): Promise<HttpResponse>
  /** GET/POST and parse JSON; a non-2xx answer throws OPR_ERR_HTTP_STATUS carrying `status` and `body`. */
  getJson<T>(path: string, req?: Omit<HttpRequest, 'path' | 'method'>): Promise<T>
  postJson<T>(path: string, req?: Omit<HttpRequest, 'path' | 'method'>): Promise<T>
}

const DEFAULTS = { connectTimeoutMs: 3000, headersTimeoutMs: 5000, bodyTimeoutMs: 5000, maxBodyBytes: 5 * 1024 * 1024 }

export function buildQuery (query: Readonly<Record<string, QueryValue>> | undefined): string {
  if (query === undefined) return ''
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue
    if (Array.isArray(value)) for (const v of value) params.append(key, String(v))
    else params.append(key, String(value))
  }
  const s = params.toString()
  return s === '' ? '' : `?${s}`
}

function joinPath (basePath: string, path: string): string {
  const base = basePath.endsWith('/') ? basePath.slice(0, -1) : basePath
  return `${base}${path.startsWith('/') ? path : `/${path}`}`
}

function parseJson<T> (name: string, text: string): T {
  try {
    return JSON.parse(text) as T
  } catch {
    throw bodyError(name, 'a non-JSON answer')
  }
}

/** Builds clients over the shared pools; one per plugin call to `op.http()`. */
export function createHttpClient (pools: PoolSet, baseUrl: string, options: HttpClientOptions = {}): HttpClient {
  const url = new URL(baseUrl)
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`http(): ${url.protocol} is not supported, use http: or https:`)
  }
  const name = options.name ?? url.host
  const opts = { ...DEFAULTS, ...options }
  const defaultHeaders: Record<string, string> = { ...options.headers }
  // Credentials in the URL become a basic auth header instead of travelling in the request line.
  if (url.username !== '' && defaultHeaders.authorization === undefined) {
    const user = decodeURIComponent(url.username)
    const pass = decodeURIComponent(url.password)
    defaultHeaders.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`
  }
  const pool = pools.get(url.origin, { connectTimeoutMs: opts.connectTimeoutMs, connections: options.connections ?? 8 })
  const basePath = url.pathname

  async function request (req: HttpRequest): Promise<HttpResponse> {
    const headers: Record<string, string> = { ...defaultHeaders, ...req.headers }
    let body: string | Buffer | undefined = req.body
    if (req.json !== undefined) {
      body = JSON.stringify(req.json)
      headers['content-type'] ??= 'application/json'
    } else if (req.form !== undefined) {
      body = new URLSearchParams(req.form as Record<string, string>).toString()
      headers['content-type'] ??= 'application/x-www-form-urlencoded'
    }
    const signals: AbortSignal[] = []
    if (req.signal !== undefined) signals.push(req.signal)
    const ownTimeout = req.timeoutMs === undefined ? undefined : AbortSignal.timeout(req.timeoutMs)
    if (ownTimeout !== undefined) signals.push(ownTimeout)
    const signal = signals.length === 0 ? undefined : signals.length === 1 ? signals[0] : AbortSignal.any(signals)
    // Our own per-request cap says how long it waited; the caller's deadline is reported as such.
    const fail = (err: unknown): Error => ownTimeout?.aborted === true && req.signal?.aborted !== true
      ? timeoutError(name, `no answer in ${formatDuration(req.timeoutMs!)}`)
      : mapTransportError(name, err, signal)

    let res: Dispatcher.ResponseData
    try {
      res = await pool.request({
        method: req.method ?? (body === undefined ? 'GET' : 'POST'),
        path: joinPath(basePath, req.path) + buildQuery(req.query),
        headers,
        body,
        signal,
        headersTimeout: opts.headersTimeoutMs,
        bodyTimeout: opts.bodyTimeoutMs
      })
    } catch (err) {
      throw fail(err)
    }

    const chunks: Buffer[] = []
    let size = 0
    try {
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length
        if (size > opts.maxBodyBytes) {
          res.body.destroy()
          throw bodyError(name, `an answer larger than ${Math.round(opts.maxBodyBytes / 1024)} KiB`)
        }
        chunks.push(chunk as Buffer)
      }
    } catch (err) {
      if ((err as { code?: string }).code === 'OPR_ERR_HTTP_BODY') throw err
      throw fail(err)
    }
    const text = Buffer.concat(chunks).toString('utf8')
    const status = res.statusCode
    return {
      status,
      ok: status >= 200 && status < 300,
      headers: res.headers,
      text,
      json: <T>() => parseJson<T>(name, text)
    }
  }

  async function requestJson<T> (method: Dispatcher.HttpMethod, path: string, req: Omit<HttpRequest, 'path' | 'method'> = {}): Promise<T> {
    const res = await request({ ...req, method, path, headers: { accept: 'application/json', ...req.headers } })
    if (!res.ok) throw statusError(name, res.status, res.text, res.headers)
    return res.json<T>()
  }

  return {
    baseUrl,
    request,
    getJson: (path, req) => requestJson('GET', path, req),
    postJson: (path, req) => requestJson('POST', path, req)
  }
}
