import { isHttpStatusError, type HttpClient, type QueryValue } from '@operator/core'
import {
  apiKeyRejected, appKeyRejected, keysRejected, noAppKey, queryRejected, translateStatus, unexpectedAnswer
} from './errors.js'

/** One series of `/api/v1/query` (the fields this plugin reads). */
export interface DatadogSeries {
  readonly metric?: string
  readonly display_name?: string
  readonly scope?: string
  readonly tag_set?: readonly string[]
  /** The space aggregation (`avg`, `max`): two series of one metric and scope differ only by it. */
  readonly aggr?: string | null
  readonly pointlist: ReadonlyArray<readonly [number, number | null]>
  readonly unit?: ReadonlyArray<{ readonly short_name?: string | null; readonly name?: string } | null> | null
}

export interface DatadogQueryAnswer {
  readonly status?: string
  readonly error?: string
  readonly series: readonly DatadogSeries[]
}

export type MonitorState = 'OK' | 'Alert' | 'Warn' | 'No Data' | 'Ignored' | 'Skipped' | 'Unknown'

/** One monitor of `/api/v1/monitor` (the fields this plugin reads). */
export interface DatadogMonitor {
  readonly id: number
  readonly name: string
  readonly overall_state: MonitorState | string
  readonly priority?: number | null
  readonly state?: {
    readonly groups?: Readonly<Record<string, { readonly status?: string; readonly last_triggered_ts?: number | null }>>
  }
}

/** Monitors per page (Datadog allows 1000): a page of full monitor objects stays far below the 5 MiB body cap. */
export const MONITOR_PAGE_SIZE = 500

export interface MonitorListOptions {
  readonly groupStates?: readonly string[]
  readonly name?: string
  /** Start no new page after this time (ms since the epoch). */
  readonly until?: number
}

export interface MonitorList {
  readonly monitors: DatadogMonitor[]
  /** False when the deadline stopped the paging: the counts cover the monitors read so far. */
  readonly complete: boolean
}

export interface DatadogApiOptions {
  readonly hasAppKey: boolean
  readonly timeoutMs: number
}

/**
 * The three Datadog v1 calls Operator makes, with Datadog's failures turned into one-line reasons. The keys travel
 * only as the client's default headers (DD-API-KEY, DD-APPLICATION-KEY), never in a URL, a message or a log.
 */
export class DatadogApi {
  readonly #http: HttpClient
  readonly #hasAppKey: boolean
  readonly #timeoutMs: number

  constructor (http: HttpClient, options: DatadogApiOptions) {
    this.#http = http
    this.#hasAppKey = options.hasAppKey
    this.#timeoutMs = options.timeoutMs
  }

  get hasAppKey (): boolean {
    return this.#hasAppKey
  }

  /** `GET /api/v1/validate`: true when the API key is valid; a 403 is an answer here, not an error. */
  async validate (signal: AbortSignal): Promise<boolean> {
    try {
      const body = await this.#http.getJson<{ valid?: unknown }>('/api/v1/validate', { signal, timeoutMs: this.#timeoutMs })
      return body.valid === true
    } catch (err) {
      if (isHttpStatusError(err) && (err.status === 403 || err.status === 401)) return false
      throw translateStatus(err, this.#timeoutMs)
    }
  }

  /** `GET /api/v1/query` over [from, to] (epoch seconds). */
  async query (query: string, from: number, to: number, signal: AbortSignal): Promise<DatadogQueryAnswer> {
    const body = await this.#withAppKey('queries', '/api/v1/query', { from, to, query }, signal)
    const answer = body as Partial<DatadogQueryAnswer> | null
    if (answer === null || typeof answer !== 'object') throw unexpectedAnswer('query')
    // The query API may answer 200 with `status: "error"` and its reason in `error`.
    if (answer.status === 'error') throw queryRejected(String(answer.error ?? 'query failed').replace(/\s+/g, ' ').trim())
    if (!Array.isArray(answer.series)) throw unexpectedAnswer('query')
    return answer as DatadogQueryAnswer
  }

  /**
   * `GET /api/v1/monitor`, page by page: without `page` Datadog answers every monitor at once, which for a large
   * organisation exceeds the body cap. Stops at a short page (complete), or before a new page once `until` (ms since
   * the epoch) has passed (incomplete: what was read so far). Downtimes are not asked for: nothing here shows them.
   */
  async monitors (signal: AbortSignal, options: MonitorListOptions = {}): Promise<MonitorList> {
    const monitors: DatadogMonitor[] = []
    let fullPage = true
    for (let page = 0; fullPage; page++) {
      if (page > 0 && Date.now() >= (options.until ?? Infinity)) return { monitors, complete: false }
      const body = await this.#withAppKey('monitors', '/api/v1/monitor', {
        group_states: options.groupStates?.join(','),
        name: options.name,
        with_downtimes: false,
        page,
        page_size: MONITOR_PAGE_SIZE
      }, signal)
      if (!Array.isArray(body)) throw unexpectedAnswer('monitor list')
      monitors.push(...(body as DatadogMonitor[]))
      fullPage = body.length >= MONITOR_PAGE_SIZE
    }
    return { monitors, complete: true }
  }

  async #withAppKey (what: string, path: string, query: Record<string, QueryValue>, signal: AbortSignal): Promise<unknown> {
    if (!this.#hasAppKey) throw noAppKey(what)
    try {
      return await this.#http.getJson<unknown>(path, { query, signal, timeoutMs: this.#timeoutMs })
    } catch (err) {
      if (isHttpStatusError(err) && (err.status === 403 || err.status === 401)) throw await this.#whichKey(signal)
      throw translateStatus(err, this.#timeoutMs)
    }
  }

  /** Datadog answers a bare 403 for either key; the API key alone can be checked, so the other one is to blame. */
  async #whichKey (signal: AbortSignal): Promise<Error> {
    try {
      return (await this.validate(signal)) ? appKeyRejected() : apiKeyRejected()
    } catch {
      return keysRejected()
    }
  }
}
