import type { HttpClient } from '@operator/core'
import { isHttpStatusError } from '@operator/core'
import { answerError, authError, queryError } from './errors.js'

export type Labels = Readonly<Record<string, string>>
/** `[unix seconds, "value"]` as Prometheus sends samples. */
export type Sample = readonly [number, string]

export type QueryData =
  | { readonly resultType: 'vector'; readonly result: ReadonlyArray<{ metric: Labels; value: Sample }> }
  | { readonly resultType: 'matrix'; readonly result: ReadonlyArray<{ metric: Labels; values: readonly Sample[] }> }
  | { readonly resultType: 'scalar'; readonly result: Sample }
  | { readonly resultType: 'string'; readonly result: Sample }

export interface ApiAlert {
  readonly labels: Labels
  readonly annotations?: Labels
  readonly state: string
  readonly activeAt?: string
  readonly value?: string
}

export interface ApiTarget {
  readonly health: string
  readonly labels?: Labels
}

interface Envelope<T> {
  readonly status?: string
  readonly data?: T
  readonly errorType?: string
  readonly error?: string
}

export interface ProbeResult {
  readonly ok: boolean
  readonly status: number
  readonly text: string
}

/** A sample's value: Prometheus writes infinities as `+Inf`/`-Inf`, which Number() does not read. */
export function parseSampleValue (text: string): number {
  if (text === '+Inf' || text === 'Inf') return Infinity
  if (text === '-Inf') return -Infinity
  return Number(text)
}

const RESULT_TYPES = new Set(['vector', 'matrix', 'scalar', 'string'])

// `invalid parameter "query": 1:5: parse error: …` → `1:5: parse error: …`: the position and reason are what help.
function shortReason (error: string): string {
  return error.replace(/^invalid parameter "[^"]*":\s*/, '').trim()
}

/**
 * The Prometheus HTTP API as this plugin uses it. Every call takes the caller's signal; the HTTP client adds the
 * configured timeout. A refused query becomes Prometheus's own reason; other failures keep core's one-line reasons.
 */
export class PrometheusApi {
  readonly #http: () => HttpClient
  readonly #timeoutMs: number

  /** `timeoutMs` caps each whole request, on top of the client's header and body timeouts and the caller's signal. */
  constructor (http: () => HttpClient, timeoutMs: number) {
    this.#http = http
    this.#timeoutMs = timeoutMs
  }

  async query (promql: string, signal: AbortSignal): Promise<QueryData> {
    const data = await this.#get<QueryData>('/api/v1/query', { query: promql }, signal)
    return checkQueryData(data)
  }

  async queryRange (promql: string, startSec: number, endSec: number, stepSec: number, signal: AbortSignal): Promise<QueryData> {
    const data = await this.#get<QueryData>('/api/v1/query_range', { query: promql, start: startSec, end: endSec, step: stepSec }, signal)
    return checkQueryData(data)
  }

  async alerts (signal: AbortSignal): Promise<readonly ApiAlert[]> {
    const data = await this.#get<{ alerts?: unknown }>('/api/v1/alerts', undefined, signal)
    if (!Array.isArray(data.alerts)) throw answerError('an unexpected alerts answer')
    return data.alerts as ApiAlert[]
  }

  async targets (signal: AbortSignal): Promise<readonly ApiTarget[]> {
    const data = await this.#get<{ activeTargets?: unknown }>('/api/v1/targets', { state: 'active' }, signal)
    if (!Array.isArray(data.activeTargets)) throw answerError('an unexpected targets answer')
    return data.activeTargets as ApiTarget[]
  }

  /** `/-/healthy` or `/-/ready`: any status comes back; transport failures throw. */
  async probe (path: '/-/healthy' | '/-/ready', signal: AbortSignal): Promise<ProbeResult> {
    const res = await this.#http().request({ path, signal, timeoutMs: this.#timeoutMs })
    return { ok: res.ok, status: res.status, text: res.text.trim() }
  }

  async #get<T> (path: string, query: Record<string, string | number> | undefined, signal: AbortSignal): Promise<T> {
    let body: Envelope<T>
    try {
      body = await this.#http().getJson<Envelope<T>>(path, { query, signal, timeoutMs: this.#timeoutMs })
    } catch (err) {
      throw explain(err)
    }
    if (body === null || typeof body !== 'object' || body.status !== 'success' || body.data === undefined || body.data === null) {
      if (typeof body?.error === 'string') throw queryError(shortReason(body.error))
      throw answerError('an unexpected answer')
    }
    return body.data
  }
}

function checkQueryData (data: QueryData): QueryData {
  if (typeof data !== 'object' || !RESULT_TYPES.has(data.resultType) || data.result === undefined) {
    throw answerError('an unexpected query result')
  }
  return data
}

/** A 4xx/5xx with Prometheus's JSON error body says why; quote that, otherwise keep core's `answered HTTP 500`. */
function explain (err: unknown): unknown {
  if (!isHttpStatusError(err)) return err
  if (err.status === 401 || err.status === 403) return authError(err.status)
  let parsed: Envelope<unknown> | undefined
  try {
    parsed = JSON.parse(err.body) as Envelope<unknown>
  } catch {
    parsed = undefined
  }
  const reason = typeof parsed?.error === 'string' ? shortReason(parsed.error) : ''
  if (reason === '') return err
  if (parsed?.errorType === 'bad_data' || parsed?.errorType === 'execution') return queryError(reason)
  return queryError(`prometheus answered HTTP ${err.status}: ${reason}`)
}
