import { isHttpStatusError, usageError, type HealthResult, type HttpClient } from '@operator/core'
import { levelVariants, type LogsConfig } from '../config.js'
import { LogsError, mapHttpError, shortReason } from '../errors.js'
import type { ErrorCounts, LogDriver, LogLine, SearchResult, TimeWindow } from './types.js'

type MakeHttp = (baseUrl: string, options: { name: string; headers: Record<string, string>; headersTimeoutMs: number; bodyTimeoutMs: number }) => HttpClient

interface SearchResponse {
  hits?: {
    total?: number | { value?: number; relation?: string }
    hits?: Array<{ _source?: Record<string, unknown>; sort?: unknown[] }>
  }
  aggregations?: { services?: { buckets?: Array<{ key?: unknown; doc_count?: number }>; sum_other_doc_count?: number } }
}

interface ClusterHealth {
  status?: string
  number_of_nodes?: number
  unassigned_shards?: number
}

const NAME = 'elasticsearch'
/** Services listed by `logs errors`; the rest are summed by the reply. */
const TOP_SERVICES = 10

/** `{"error":{"root_cause":[{"reason":…}]}}` → its first reason. */
export function elasticReason (body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: unknown }
    const error = parsed.error
    if (typeof error === 'string') return shortReason(error)
    if (error !== null && typeof error === 'object') {
      const e = error as { root_cause?: Array<{ reason?: unknown }>; reason?: unknown }
      const reason = e.root_cause?.[0]?.reason ?? e.reason
      if (typeof reason === 'string') return shortReason(reason)
    }
  } catch {}
  return undefined
}

/**
 * A failed call as one line. A 403 that names the action and the privileges granting it (`action [x] is unauthorized
 * for API key id [k] …, this action is granted by the index privileges [read,all]`) says which privilege the key
 * lacks: the credentials are fine, their rights are not.
 */
export function mapElasticError (err: unknown): unknown {
  if (isHttpStatusError(err) && err.status === 403) {
    const m = /action \[([^\]]+)\] is unauthorized.*granted by the (index|cluster) privileges \[([^\],\]]+)/.exec(err.body)
    if (m !== null) return new LogsError('OPR_ERR_LOGS_AUTH', `${NAME} denied ${m[1]!}: the key needs the ${m[3]!} ${m[2]!} privilege`)
  }
  return mapHttpError(NAME, err, elasticReason)
}

/** A field by dotted path, stored flat (`"log.level": …`) or nested (`log: { level: … }`). */
export function fieldValue (source: Record<string, unknown> | undefined, path: string): unknown {
  if (source === undefined) return undefined
  if (path in source) return source[path]
  let value: unknown = source
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined
    value = (value as Record<string, unknown>)[part]
  }
  return value
}

function textOf (value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (Array.isArray(value) && value.length > 0) return textOf(value[0])
  return undefined
}

/** Beyond this an epoch number is in nanoseconds (a `date_nanos` sort value), not milliseconds (year 2286 in ms). */
const NANOS_ABOVE = 1e16

/** Epoch milliseconds from a `date` or `date_nanos` sort value or `_source` time: ms, ns, or ISO text with any fraction. */
export function timeOf (value: unknown): number {
  if (typeof value === 'number') return value > NANOS_ABOVE ? Math.floor(value / 1e6) : value
  if (typeof value === 'string') {
    const n = /^\d+$/.test(value) ? timeOf(Number(value)) : Date.parse(value)
    return Number.isNaN(n) ? 0 : n
  }
  return 0
}

/**
 * The words Elasticsearch's standard analyzer finds in a text: a `match_phrase` matches these, whole and lower-cased,
 * so `refus` never matches "refused" and `!!!` matches nothing.
 */
export function searchableWords (text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? []
}

interface FieldCaps {
  fields?: Record<string, Record<string, { aggregatable?: boolean }>>
}

/** True when the field exists and every index maps it to a type that aggregates (keyword, number, date). */
function aggregatable (caps: FieldCaps, field: string): boolean | undefined {
  const types = caps.fields?.[field]
  if (types === undefined) return undefined
  return Object.values(types).every((t) => t.aggregatable === true)
}

/** `Authorization` for basic auth or an API key (`id:key` is encoded; an encoded key is sent as given). */
export function elasticAuthHeaders (config: Pick<LogsConfig, 'username' | 'password' | 'apiKey'>): Record<string, string> {
  if (config.apiKey !== undefined) {
    const key = config.apiKey.includes(':') ? Buffer.from(config.apiKey).toString('base64') : config.apiKey
    return { authorization: `ApiKey ${key}` }
  }
  if (config.username !== undefined) {
    return { authorization: `Basic ${Buffer.from(`${config.username}:${config.password ?? ''}`).toString('base64')}` }
  }
  return {}
}

export function createElasticsearchDriver (config: LogsConfig, makeHttp: MakeHttp): LogDriver {
  let client: HttpClient | undefined
  const http = (): HttpClient => {
    client ??= makeHttp(config.url!, {
      name: NAME,
      headers: elasticAuthHeaders(config),
      headersTimeoutMs: config.requestTimeoutMs,
      bodyTimeoutMs: config.requestTimeoutMs
    })
    return client
  }
  const indexPath = `/${encodeURIComponent(config.index).replace(/%2C/gi, ',').replace(/%2A/gi, '*')}`
  const searchPath = `${indexPath}/_search`
  const capsPath = `${indexPath}/_field_caps`
  const errorLevels = levelVariants(config.errorLevels)

  const range = (window: TimeWindow): unknown => ({
    range: { [config.timestampField]: { gte: window.startMs, lte: window.endMs, format: 'epoch_millis' } }
  })

  async function post (body: unknown, signal: AbortSignal): Promise<SearchResponse> {
    try {
      return await http().postJson<SearchResponse>(searchPath, { json: body, signal, timeoutMs: config.requestTimeoutMs })
    } catch (err) {
      throw mapElasticError(err)
    }
  }

  function total (res: SearchResponse): { total: number; atLeast: boolean } {
    const t = res.hits?.total
    if (typeof t === 'number') return { total: t, atLeast: false }
    return { total: t?.value ?? 0, atLeast: t?.relation === 'gte' }
  }

  /** The field `logs errors` aggregates on, once known (see resolveServiceField). */
  let serviceAgg: Promise<string> | undefined

  async function countErrors (window: TimeWindow, signal: AbortSignal): Promise<ErrorCounts> {
    serviceAgg ??= resolveServiceField(signal).catch((err: unknown) => {
      serviceAgg = undefined
      throw err
    })
    const field = await serviceAgg
    const res = await post({
      size: 0,
      track_total_hits: true,
      query: { bool: { filter: [range(window), { terms: { [config.levelField]: errorLevels } }] } },
      aggs: { services: { terms: { field, size: TOP_SERVICES, missing: '(none)' } } }
    }, signal)
    const buckets = res.aggregations?.services?.buckets ?? []
    return {
      ...total(res),
      services: buckets.map((b) => ({ service: textOf(b.key) ?? '(none)', count: b.doc_count ?? 0 }))
    }
  }

  /**
   * The service field `logs errors` can aggregate on: a terms aggregation on a `text` field is refused (fielddata is
   * disabled), so `_field_caps` decides between the field and its `.keyword` sub-field. Asked once; when the index
   * cannot be asked (no privilege, say) the `.keyword` sub-field of the default dynamic mapping is assumed.
   */
  async function resolveServiceField (signal: AbortSignal): Promise<string> {
    const field = config.serviceField
    const keyword = `${field}.keyword`
    let caps: FieldCaps
    try {
      caps = await http().getJson<FieldCaps>(capsPath, { query: { fields: `${field},${keyword}` }, signal, timeoutMs: config.requestTimeoutMs })
    } catch (err) {
      // Not worth remembering: the next count asks again.
      serviceAgg = undefined
      if (isHttpStatusError(err) && err.status !== 404) return keyword
      throw mapElasticError(err)
    }
    const own = aggregatable(caps, field)
    if (own !== false) return field
    if (aggregatable(caps, keyword) === true) return keyword
    throw new LogsError('OPR_ERR_LOGS_QUERY', `${NAME} cannot count per service: ${field} is a text field without a keyword sub-field (set LOGS_SERVICE_FIELD to a keyword field)`)
  }

  /** `_cluster/health` needs the `monitor` cluster privilege (and is not offered on Serverless): a search key lacks it. */
  async function searchable (signal: AbortSignal, why: string, started: number): Promise<HealthResult> {
    await post({ size: 0, track_total_hits: false, query: { match_all: {} } }, signal)
    return { status: 'ok', summary: `search ok, ${why}`, latencyMs: Date.now() - started }
  }

  async function health (signal: AbortSignal): Promise<HealthResult> {
    const started = Date.now()
    let body: ClusterHealth
    try {
      body = await http().getJson<ClusterHealth>('/_cluster/health', { signal, timeoutMs: config.requestTimeoutMs })
    } catch (err) {
      if (isHttpStatusError(err) && err.status === 403 && /security_exception/.test(err.body)) {
        return await searchable(signal, 'no monitor privilege for cluster health', started)
      }
      if (isHttpStatusError(err) && err.status === 410) return await searchable(signal, 'no cluster health API here', started)
      throw mapElasticError(err)
    }
    const latencyMs = Date.now() - started
    const nodes = body.number_of_nodes ?? 0
    const unassigned = body.unassigned_shards ?? 0
    const shards = unassigned > 0 ? `, ${unassigned} unassigned shard${unassigned === 1 ? '' : 's'}` : ''
    const summary = `${body.status ?? 'unknown'}, ${nodes} node${nodes === 1 ? '' : 's'}${shards}`
    const status = body.status === 'green' ? 'ok' : body.status === 'yellow' ? 'degraded' : 'down'
    return { status, summary, latencyMs }
  }

  return {
    name: NAME,
    async search (text: string, window: TimeWindow, limit: number, signal: AbortSignal): Promise<SearchResult> {
      if (searchableWords(text).length === 0) {
        throw usageError(`Nothing to search for in "${shortReason(text, 30)}": Elasticsearch matches whole words (letters or digits), e.g. logs timeout.`)
      }
      const res = await post({
        size: limit,
        track_total_hits: true,
        sort: [{ [config.timestampField]: { order: 'desc', unmapped_type: 'date' } }],
        // match_phrase reads the text as data: no Lucene operators, wildcards or field names.
        query: { bool: { filter: [range(window), { match_phrase: { [config.messageField]: { query: text } } }] } }
      }, signal)
      const lines: LogLine[] = (res.hits?.hits ?? []).map((hit) => {
        const source = hit._source
        const sorted = hit.sort?.[0]
        return {
          // A date_nanos sort value is nanoseconds: timeOf reads both.
          timeMs: timeOf(sorted ?? fieldValue(source, config.timestampField)),
          service: textOf(fieldValue(source, config.serviceField)),
          level: textOf(fieldValue(source, config.levelField)),
          message: textOf(fieldValue(source, config.messageField)) ?? ''
        }
      })
      return { ...total(res), lines, hint: 'whole words only' }
    },
    countErrors,
    health
  }
}
