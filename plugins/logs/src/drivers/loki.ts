import type { HealthResult, HttpClient } from '@operator/core'
import { levelVariants, type LogsConfig } from '../config.js'
import { LogsError, mapHttpError, shortReason } from '../errors.js'
import { tallyServices, type ErrorCounts, type LogDriver, type LogLine, type SearchResult, type TimeWindow } from './types.js'

type MakeHttp = (baseUrl: string, options: { name: string; headers: Record<string, string>; headersTimeoutMs: number; bodyTimeoutMs: number }) => HttpClient

interface QueryRangeResponse {
  status?: string
  data?: { resultType?: string; result?: Array<{ stream?: Record<string, string>; values?: Array<[string, string]> }> }
}

const NAME = 'loki'
/** Labels tried for the service when the configured one is missing. */
const SERVICE_FALLBACKS = ['service_name', 'app', 'service', 'job']

/**
 * A LogQL double-quoted string literal holding `text` as data: Go escapes for backslash, quote, newline, tab and
 * carriage return; other control characters become spaces (they cannot matter in a one-line search).
 */
export function logqlString (text: string): string {
  let out = '"'
  for (const ch of text) {
    if (ch === '\\') out += '\\\\'
    else if (ch === '"') out += '\\"'
    else if (ch === '\n') out += '\\n'
    else if (ch === '\t') out += '\\t'
    else if (ch === '\r') out += '\\r'
    else if (ch < ' ' || ch === '\u007f') out += ' '
    else out += ch
  }
  return `${out}"`
}

/**
 * The label filter `logs errors` puts after the selector: `level=~"error|ERROR…" or detected_level=~"error|ERROR…"`.
 * After the selector it sees indexed labels and structured metadata alike, so it counts whether the level is a label
 * (Loki 2, or a label you made) or Loki 3's `detected_level` metadata; in the selector, metadata matches nothing.
 */
export function levelFilter (field: string, errorLevels: readonly string[]): string {
  const levels = levelVariants(errorLevels).join('|')
  const own = `${field}=~"${levels}"`
  return field === 'detected_level' ? own : `${own} or detected_level=~"${levels}"`
}

function nanos (ms: number): string {
  return (BigInt(Math.round(ms)) * 1_000_000n).toString()
}

export function lokiHeaders (config: Pick<LogsConfig, 'orgId' | 'username' | 'password'>): Record<string, string> {
  const headers: Record<string, string> = {}
  if (config.orgId !== undefined) headers['x-scope-orgid'] = config.orgId
  if (config.username !== undefined) {
    headers.authorization = `Basic ${Buffer.from(`${config.username}:${config.password ?? ''}`).toString('base64')}`
  }
  return headers
}

export function createLokiDriver (config: LogsConfig, makeHttp: MakeHttp): LogDriver {
  let client: HttpClient | undefined
  const http = (): HttpClient => {
    client ??= makeHttp(config.url!, {
      name: NAME,
      headers: lokiHeaders(config),
      headersTimeoutMs: config.requestTimeoutMs,
      bodyTimeoutMs: config.requestTimeoutMs
    })
    return client
  }
  const errorQuery = `${config.selector.trim()} | ${levelFilter(config.levelLabel, config.errorLevels)}`

  function serviceOf (labels: Record<string, string>): string | undefined {
    for (const name of [config.serviceLabel, ...SERVICE_FALLBACKS]) {
      const v = labels[name]
      if (v !== undefined && v !== '') return v
    }
    return undefined
  }

  /** Newest first across every stream, at most `scanLimit` entries (Loki's own limit). */
  async function queryRange (query: string, window: TimeWindow, signal: AbortSignal): Promise<Array<{ ns: bigint; labels: Record<string, string>; line: string }>> {
    let res: QueryRangeResponse
    try {
      res = await http().getJson<QueryRangeResponse>('/loki/api/v1/query_range', {
        query: {
          query,
          start: nanos(window.startMs),
          end: nanos(window.endMs),
          limit: config.scanLimit,
          direction: 'backward'
        },
        signal,
        timeoutMs: config.requestTimeoutMs
      })
    } catch (err) {
      throw mapHttpError(NAME, err, (body) => shortReason(body))
    }
    if (res.status !== 'success' || res.data?.resultType !== 'streams' || !Array.isArray(res.data.result)) {
      throw new LogsError('OPR_ERR_LOGS_BODY', `${NAME} sent an unexpected answer (no log streams)`)
    }
    const entries: Array<{ ns: bigint; labels: Record<string, string>; line: string }> = []
    for (const stream of res.data.result) {
      const labels = stream.stream ?? {}
      for (const value of stream.values ?? []) {
        if (!Array.isArray(value) || !/^\d+$/.test(String(value[0]))) continue
        entries.push({ ns: BigInt(value[0]), labels, line: String(value[1] ?? '') })
      }
    }
    return entries.sort((a, b) => (a.ns === b.ns ? 0 : a.ns > b.ns ? -1 : 1))
  }

  async function countErrors (window: TimeWindow, signal: AbortSignal): Promise<ErrorCounts> {
    const entries = await queryRange(errorQuery, window, signal)
    return {
      total: entries.length,
      atLeast: entries.length >= config.scanLimit,
      services: tallyServices(entries.map((e) => serviceOf(e.labels) ?? '(none)'))
    }
  }

  async function health (signal: AbortSignal): Promise<HealthResult> {
    const started = Date.now()
    const res = await http().request({ path: '/ready', signal, timeoutMs: config.requestTimeoutMs })
    const latencyMs = Date.now() - started
    const said = shortReason(res.text, 80)
    // Loki answers `ready`; another 200 body (a proxy's page, JSON) is not worth repeating on a phone.
    if (res.ok) return { status: 'ok', summary: 'ready', latencyMs }
    if (res.status === 401 || res.status === 403) {
      return { status: 'down', summary: `refused the credentials (HTTP ${res.status})`, latencyMs }
    }
    return { status: 'down', summary: `not ready (HTTP ${res.status}${said === '' ? '' : `: ${said}`})`, latencyMs }
  }

  return {
    name: NAME,
    async search (text: string, window: TimeWindow, limit: number, signal: AbortSignal): Promise<SearchResult> {
      // The text travels as a string literal after `|=`: it can never add matchers, pipes or filters.
      const entries = await queryRange(`${config.selector.trim()} |= ${logqlString(text)}`, window, signal)
      const lines: LogLine[] = entries.slice(0, limit).map((e) => ({
        timeMs: Number(e.ns / 1_000_000n),
        service: serviceOf(e.labels),
        level: e.labels[config.levelLabel] ?? e.labels.detected_level,
        message: e.line
      }))
      return { total: entries.length, atLeast: entries.length >= config.scanLimit, lines }
    },
    countErrors,
    health
  }
}
