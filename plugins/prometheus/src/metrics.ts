import { summarizeSeries, type CommandSpec, type TypedResult } from '@operator/core'
import { parseSampleValue, type PrometheusApi, type QueryData, type Sample } from './client.js'
import { parseMetricsArgs, rangeStep, USAGE } from './args.js'
import type { InstantData, QueriesData, RangeData, RangeSeries } from './render.js'
import { metricsPhrases, metricWords } from './phrases.js'

function sampleValue (sample: Sample): number {
  return parseSampleValue(sample[1])
}

// Highest first; NaN (no value) sinks to the end.
function byValueDesc (a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1
  if (Number.isNaN(b)) return -1
  return b - a
}

export function instantData (query: string, name: string | undefined, data: QueryData): InstantData {
  const base = name === undefined ? { query } : { query, name }
  if (data.resultType === 'scalar' || data.resultType === 'string') {
    return { ...base, resultType: data.resultType, series: [], value: String(data.result[1]) }
  }
  // An instant query answers a vector; a range selector (`up[5m]`) answers a matrix: show each series' last sample.
  const series = data.resultType === 'vector'
    ? data.result.map((r) => ({ labels: r.metric, value: sampleValue(r.value) }))
    : data.result.map((r) => ({ labels: r.metric, value: r.values.length > 0 ? sampleValue(r.values[r.values.length - 1]!) : Number.NaN }))
  series.sort((a, b) => byValueDesc(a.value, b.value))
  return { ...base, resultType: 'vector', series }
}

const NO_VALUES: Omit<RangeSeries, 'labels'> = { min: Number.NaN, avg: Number.NaN, max: Number.NaN, last: Number.NaN }

/** Over the samples that are numbers (Prometheus sends NaN for gaps; ±Inf are real values). */
function summarise (values: readonly number[]): Omit<RangeSeries, 'labels'> {
  return summarizeSeries(values.filter((v) => !Number.isNaN(v))) ?? NO_VALUES
}

export function rangeData (query: string, name: string | undefined, range: string, stepSec: number, data: QueryData): RangeData {
  const base = name === undefined ? { query, range, stepSec } : { query, name, range, stepSec }
  let series: RangeSeries[]
  if (data.resultType === 'matrix') {
    series = data.result.map((r) => ({ labels: r.metric, ...summarise(r.values.map(sampleValue)) }))
  } else if (data.resultType === 'vector') {
    series = data.result.map((r) => ({ labels: r.metric, ...summarise([sampleValue(r.value)]) }))
  } else {
    series = [{ labels: {}, ...summarise([parseSampleValue(data.result[1])]) }]
  }
  series.sort((a, b) => byValueDesc(a.last, b.last))
  return { ...base, series }
}

/** `metrics`, `metrics <name|PromQL>`, `metrics <name|PromQL> over <duration>`: the shared metrics capability. */
export function metricsCommand (api: PrometheusApi, queries: ReadonlyMap<string, string>): CommandSpec {
  return {
    name: 'metrics',
    shared: true,
    summary: 'Prometheus: a named query or PromQL, now or over a range',
    usage: USAGE,
    examples: ['metrics', 'metrics cpu', 'metrics up over 1h', 'metrics sum by (job) (up)'],
    phrases: metricsPhrases('prometheus'),
    entities: { metric: metricWords([...queries.keys()]), system: { prometheus: ['prom', 'promethus'] } },
    async run (ctx): Promise<TypedResult> {
      const request = parseMetricsArgs(ctx.argv, queries)
      if (request.kind === 'list') {
        const data: QueriesData = { queries: [...queries].map(([name, promql]) => ({ name, promql })) }
        return { kind: 'prometheus.queries', data }
      }
      if (request.kind === 'instant') {
        const answer = await api.query(request.promql, ctx.signal)
        return { kind: 'prometheus.instant', data: instantData(request.promql, request.name, answer) }
      }
      const step = rangeStep(request.rangeSec)
      // Rounded up: with floor(now), a sample scraped within the current second lies after every evaluation point.
      const end = Math.ceil(Date.now() / 1000)
      const answer = await api.queryRange(request.promql, end - request.rangeSec, end, step, ctx.signal)
      return { kind: 'prometheus.range', data: rangeData(request.promql, request.name, request.rangeText, step, answer) }
    }
  }
}
