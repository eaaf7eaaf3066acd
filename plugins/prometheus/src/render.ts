import type { FormatContext } from '@operator/core'
import { describeLabels, distinguishingLabels, formatNumber, formatAge, truncate } from '@operator/core'
import { parseSampleValue, type Labels } from './client.js'
import { fitReply } from '@operator/core'

/** `prometheus.instant`: an instant query's answer, values already numbers. */
export interface InstantData {
  readonly query: string
  readonly name?: string
  readonly resultType: 'vector' | 'scalar' | 'string'
  /** Vector series, highest value first. */
  readonly series: ReadonlyArray<{ readonly labels: Labels; readonly value: number }>
  /** The scalar's or string's value as Prometheus sent it. */
  readonly value?: string
}

export interface RangeSeries {
  readonly labels: Labels
  readonly min: number
  readonly avg: number
  readonly max: number
  readonly last: number
}

/** `prometheus.range`: min/avg/max/last per series over a range, highest last value first. */
export interface RangeData {
  readonly query: string
  readonly name?: string
  readonly range: string
  readonly stepSec: number
  readonly series: readonly RangeSeries[]
}

export interface AlertLine {
  readonly name: string
  readonly severity: string
  readonly labels: Labels
  /** How long it has been active; undefined when Prometheus gave no activeAt. */
  readonly forMs?: number
}

/** `prometheus.alerts`: firing alerts, most severe first. */
export interface AlertsData {
  readonly firing: readonly AlertLine[]
  readonly pending: number
}

/** `prometheus.queries`: the named queries `metrics <name>` accepts. */
export interface QueriesData {
  readonly queries: ReadonlyArray<{ readonly name: string; readonly promql: string }>
}

/** One series or alert per line, never most of a reply (the Datadog plugin cuts lines at the same width). */
const MAX_LINE = 120
const QUERY_SHOWN = 48
const PROMQL_SHOWN = 60

/** What a reply calls the query: its name, or the PromQL cut short. */
function queryTitle (query: string, name: string | undefined): string {
  return name ?? truncate(query, QUERY_SHOWN)
}

/** The labels that tell series apart; when none differ (only `__name__` does), the metric name. */
function labelNames (series: ReadonlyArray<{ readonly labels: Labels }>): string[] {
  const labels = series.map((s) => s.labels)
  const names = distinguishingLabels(labels)
  if (names.length === 0 && series.length > 1) return ['__name__']
  return names
}

/** `web-1 0.52`, or the value alone for a series without labels. */
function seriesLine (labels: Labels, names: readonly string[], value: string): string {
  const who = describeLabels(labels, names)
  // The labels are cut, never the value.
  return who === '' ? value : `${truncate(who, MAX_LINE - value.length - 1)} ${value}`
}

export function formatInstant (data: InstantData, ctx: FormatContext): string {
  if (data.resultType === 'scalar') return formatNumber(parseSampleValue(data.value ?? 'NaN'))
  if (data.resultType === 'string') return fitReply([data.value ?? ''], ctx.budget)
  if (data.series.length === 0) return `No series for ${queryTitle(data.query, data.name)}.`
  const names = labelNames(data.series)
  return fitReply(data.series.map((s) => seriesLine(s.labels, names, formatNumber(s.value))), ctx.budget)
}

export function formatRange (data: RangeData, ctx: FormatContext): string {
  const title = queryTitle(data.query, data.name)
  if (data.series.length === 0) return `No series for ${title} over ${data.range}.`
  const names = labelNames(data.series)
  const lines = data.series.map((s) => seriesLine(s.labels, names,
    [s.min, s.avg, s.max, s.last].map((v) => formatNumber(v)).join('/')))
  return fitReply([`${title} over ${data.range}, min/avg/max/last:`, ...lines], ctx.budget)
}

/**
 * Beyond name and severity, the labels that tell alerts apart: those whose value is not the same in every alert
 * that carries them (alerts of different rules carry different labels, so distinguishingLabels alone would keep
 * `instance` only because one rule lacks it). A lone alert keeps all, as a lone series does.
 */
function alertLabelNames (alerts: readonly AlertLine[]): string[] {
  const own = (n: string): boolean => n !== 'alertname' && n !== 'severity'
  if (alerts.length === 1) return distinguishingLabels([alerts[0]!.labels]).filter(own)
  const values = new Map<string, Set<string>>()
  for (const a of alerts) {
    for (const [name, value] of Object.entries(a.labels)) {
      if (!own(name)) continue
      const seen = values.get(name) ?? new Set<string>()
      seen.add(value)
      values.set(name, seen)
    }
  }
  return [...values].filter(([, seen]) => seen.size > 1).map(([name]) => name).sort()
}

export function formatAlerts (data: AlertsData, ctx: FormatContext): string {
  const pending = data.pending > 0 ? `, ${data.pending} pending` : ''
  if (data.firing.length === 0) return `No alerts firing${pending}.`
  const names = alertLabelNames(data.firing)
  const lines = data.firing.map((a) => {
    const parts = [a.severity, a.name, describeLabels(a.labels, names), a.forMs === undefined ? '' : formatAge(a.forMs)]
    return truncate(parts.filter((p) => p !== '').join(' '), MAX_LINE)
  })
  return fitReply([`${data.firing.length} firing${pending}:`, ...lines], ctx.budget)
}

export function formatQueries (data: QueriesData, ctx: FormatContext): string {
  if (data.queries.length === 0) return 'No named queries. Text metrics <PromQL>.'
  const lines = data.queries.map((q) => `${q.name}: ${truncate(q.promql, PROMQL_SHOWN)}`)
  return fitReply(['Named queries (metrics <name> [over 1h]):', ...lines], ctx.budget)
}
