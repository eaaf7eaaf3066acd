import type { CloudWatchClient, MetricDataQuery, MetricDataResult } from '@aws-sdk/client-cloudwatch'
import { networkReason } from '@operator/core'
import type { GatewayConfig, NumericField } from '../config.js'
import { authError, bodyError, configError, timeoutError, unreachableError, upstreamError } from '../errors.js'
import { describeValues, type Reading, type Values } from '../reading.js'
import type { GatewayDriver, Overview } from './types.js'

export const AWS_BACKEND = 'cloudwatch'
const MINUTE = 60_000
const SHORT = 5
const LONG = 15

/** The metric names differ between REST APIs (by name) and HTTP APIs (by id). */
function metricNames (config: GatewayConfig): { dimension: string, value: string, e4: string, e5: string } {
  return config.apiId !== undefined && config.apiName === undefined
    ? { dimension: 'ApiId', value: config.apiId, e4: '4xx', e5: '5xx' }
    : { dimension: 'ApiName', value: config.apiName!, e4: '4XXError', e5: '5XXError' }
}

/**
 * The one GetMetricData request: request and error counts in 5-minute buckets over the last 15 minutes (the newest
 * bucket is "the last 5 minutes", the three together "the last 15"), latency p50/p90/Average per 5 and per 15 minutes
 * (percentiles cannot be added up across buckets).
 */
export function metricQueries (config: GatewayConfig): MetricDataQuery[] {
  const names = metricNames(config)
  const Dimensions = [{ Name: names.dimension, Value: names.value }, { Name: 'Stage', Value: config.stage! }]
  const q = (Id: string, MetricName: string, Stat: string, minutes: number): MetricDataQuery => ({
    Id,
    MetricStat: { Metric: { Namespace: 'AWS/ApiGateway', MetricName, Dimensions }, Period: minutes * 60, Stat },
    ReturnData: true
  })
  return [
    q('count', 'Count', 'Sum', SHORT),
    q('e4', names.e4, 'Sum', SHORT),
    q('e5', names.e5, 'Sum', SHORT),
    q('p50s', 'Latency', 'p50', SHORT),
    q('p90s', 'Latency', 'p90', SHORT),
    q('avgs', 'Latency', 'Average', SHORT),
    q('p50l', 'Latency', 'p50', LONG),
    q('p90l', 'Latency', 'p90', LONG),
    q('avgl', 'Latency', 'Average', LONG)
  ]
}

export interface WindowStats {
  readonly minutes: number
  readonly requests: number
  readonly values: Values
}

export interface AwsMetrics {
  readonly api: string
  readonly stage: string
  readonly short: WindowStats
  readonly long: WindowStats
  /** No datapoint at all in 15 minutes: no traffic, or the API name or stage is wrong. */
  readonly empty: boolean
}

interface Points { t: number[], v: number[] }

function pointsOf (results: readonly MetricDataResult[], id: string): Points {
  const r = results.find((x) => x.Id === id)
  const t = (r?.Timestamps ?? []).map((d) => d instanceof Date ? d.getTime() : Number(d))
  return { t, v: r?.Values ?? [] }
}

function sum (p: Points, from: number): number {
  let s = 0
  for (let i = 0; i < p.v.length; i++) if (p.t[i]! >= from) s += p.v[i]!
  return s
}

function newest (p: Points, from: number): number | undefined {
  let at = -1
  for (let i = 0; i < p.v.length; i++) if (p.t[i]! >= from && (at < 0 || p.t[i]! > p.t[at]!)) at = i
  return at < 0 ? undefined : p.v[at]
}

function window (results: readonly MetricDataResult[], end: number, minutes: number, suffix: 's' | 'l'): WindowStats {
  // The 5-minute window reads buckets that start within it; latency has its own query per window.
  const from = end - minutes * MINUTE
  const requests = sum(pointsOf(results, 'count'), from)
  const e4 = sum(pointsOf(results, 'e4'), from)
  const e5 = sum(pointsOf(results, 'e5'), from)
  const values: Partial<Record<NumericField, number>> = { rpm: requests / minutes }
  if (requests > 0) {
    values.errorRate = (e5 / requests) * 100
    values.clientErrorRate = (e4 / requests) * 100
  }
  const p50 = newest(pointsOf(results, `p50${suffix}`), from)
  const p90 = newest(pointsOf(results, `p90${suffix}`), from)
  const avg = newest(pointsOf(results, `avg${suffix}`), from)
  if (p50 !== undefined) values.p50Ms = p50
  if (p90 !== undefined) values.p90Ms = p90
  // Percentiles need enough datapoints; the average stands in when CloudWatch has none.
  if (p50 === undefined && p90 === undefined && avg !== undefined) values.avgMs = avg
  return { minutes, requests, values }
}

const AUTH_ERRORS = new Set([
  'UnrecognizedClientException', 'InvalidClientTokenId', 'InvalidSignatureException', 'SignatureDoesNotMatch',
  'AccessDeniedException', 'AccessDenied', 'ExpiredTokenException', 'ExpiredToken', 'MissingAuthenticationToken',
  'MissingAuthenticationTokenException', 'IncompleteSignature', 'IncompleteSignatureException', 'AuthFailure'
])

/** SDK errors as one line: which setting to check, never a credential, never the SDK's long explanations. */
export function explainAwsError (err: unknown, signal: AbortSignal): Error {
  const e = (err ?? {}) as { name?: string, code?: string, message?: string, $metadata?: { httpStatusCode?: number }, $response?: unknown }
  const name = e.name ?? 'Error'
  const status = e.$metadata?.httpStatusCode
  if (signal.aborted) return timeoutError(AWS_BACKEND, 'deadline reached')
  if (name === 'TimeoutError' || name === 'AbortError' || e.code === 'ETIMEDOUT' || e.code === 'ECONNABORTED') {
    return timeoutError(AWS_BACKEND, 'no answer in time')
  }
  const network = networkReason(e.code)
  if (network !== undefined) return unreachableError(AWS_BACKEND, network)
  if (name === 'CredentialsProviderError') return authError(AWS_BACKEND, 'no credentials', 'configure the standard AWS credential chain')
  if (typeof e.message === 'string' && /region is missing/i.test(e.message)) {
    return configError('no AWS region: set GATEWAY_AWS_REGION or AWS_REGION')
  }
  if (AUTH_ERRORS.has(name) || status === 401 || status === 403) {
    return authError(AWS_BACKEND, name, 'check the AWS credentials and their cloudwatch:GetMetricData permission')
  }
  if (name === 'SyntaxError' || (typeof e.message === 'string' && e.message.includes('Deserialization error'))) {
    return bodyError(AWS_BACKEND, 'a non-JSON answer')
  }
  if (status !== undefined) {
    const detail = typeof e.message === 'string' && e.message !== '' && status < 500
      ? `${name}: ${e.message.split('\n')[0]!.slice(0, 60)}`
      : name
    return upstreamError(AWS_BACKEND, `HTTP ${status} (${detail})`)
  }
  return unreachableError(AWS_BACKEND, e.code ?? name)
}

function reading (m: AwsMetrics): Reading {
  return {
    status: 'ok',
    values: m.short.values,
    problems: [],
    notes: m.empty ? [`no datapoints in ${LONG}m for ${m.api} ${m.stage}`] : []
  }
}

interface Sdk {
  readonly sdk: typeof import('@aws-sdk/client-cloudwatch')
  readonly client: CloudWatchClient
}

export function createAwsDriver (config: GatewayConfig): GatewayDriver {
  let client: Promise<Sdk> | undefined
  const names = metricNames(config)

  // The SDK is imported and the client made on first use (importing it costs time and memory nobody needs at
  // start-up); credentials and region resolve from the standard chain then too.
  function cloudwatch (): Promise<Sdk> {
    client ??= import('@aws-sdk/client-cloudwatch').then((sdk) => ({
      sdk,
      client: new sdk.CloudWatchClient({
        ...(config.region !== undefined ? { region: config.region } : {}),
        ...(config.url !== undefined ? { endpoint: config.url } : {}),
        // One attempt: a retry with back-off would not fit an SMS reply's deadline.
        maxAttempts: 1,
        // throwOnRequestTimeout: without it the SDK only logs a warning when requestTimeout passes.
        requestHandler: { connectionTimeout: Math.min(3000, config.timeoutMs), requestTimeout: config.timeoutMs, throwOnRequestTimeout: true }
      })
    }))
    return client
  }

  async function metrics (signal: AbortSignal): Promise<AwsMetrics> {
    const end = Math.floor(Date.now() / MINUTE) * MINUTE
    let results: MetricDataResult[]
    try {
      const { sdk, client: c } = await cloudwatch()
      const command = new sdk.GetMetricDataCommand({
        StartTime: new Date(end - LONG * MINUTE),
        EndTime: new Date(end),
        MetricDataQueries: metricQueries(config),
        ScanBy: 'TimestampDescending'
      })
      // The command's deadline, and our own timeout in case the handler's does not fire (a stalled body).
      const abortSignal = AbortSignal.any([signal, AbortSignal.timeout(config.timeoutMs + 100)])
      const out = await c.send(command, { abortSignal, requestTimeout: config.timeoutMs })
      results = out.MetricDataResults ?? []
    } catch (err) {
      throw explainAwsError(err, signal)
    }
    return {
      api: names.value,
      stage: config.stage!,
      short: window(results, end, SHORT, 's'),
      long: window(results, end, LONG, 'l'),
      empty: results.every((r) => (r.Values ?? []).length === 0)
    }
  }

  return {
    type: 'aws',
    async read (signal) {
      return reading(await metrics(signal))
    },
    async overview (signal): Promise<Overview> {
      const m = await metrics(signal)
      const long = describeValues(m.long.values)
      return { reading: reading(m), extra: [`last ${LONG}m: ${long.join(', ')}`] }
    },
    async details (signal) {
      return { kind: 'gateway.aws-metrics', data: await metrics(signal) }
    },
    async close () {
      if (client !== undefined) (await client).client.destroy()
    }
  }
}
