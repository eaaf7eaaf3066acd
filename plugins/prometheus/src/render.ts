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
  /** Its `summary` annotation, when it has one. */
  readonly summary?: string
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

/**
 * The labels that tell series apart, the metric name first when it differs (`{__name__=~"prometheus_tsdb.*"}`: some
 * series differ only by name, others also by `le`); when no label differs, the metric name.
 */
function labelNames (series: ReadonlyArray<{ readonly labels: Labels }>): string[] {
  const labels = series.map((s) => s.labels)
  const names = distinguishingLabels(labels)
  const metricNames = new Set(labels.map((l) => l.__name__))
  if (metricNames.size > 1 || (names.length === 0 && series.length > 1)) return ['__name__', ...names]
  return names
}

/** Below this many series a list reads as fast as a summary. */
const SAME_VALUE_SUMMARY_MIN = 4

/**
 * Many series with one and the same value (`up` across a healthy fleet, a rate that is 0 everywhere) answer in one
 * line, the series themselves following with `more`; elsewhere than SMS (no `more`) they are listed after it.
 */
function sameValue (lines: readonly string[], values: readonly string[], names: readonly string[], ctx: FormatContext): string | undefined {
  if (values.length < SAME_VALUE_SUMMARY_MIN || values.some((v) => v !== values[0])) return undefined
  const by = names.filter((n) => n !== '__name__')
  const head = `All ${values.length} series are ${values[0]!}${by.length > 0 ? ` (by ${by.join(', ')})` : ''}.`
  if (ctx.overflow === undefined) return fitReply([head, ...lines], ctx)
  ctx.overflow(lines)
  return `${head} Text MORE to list them.`
}

/** `web-1 0.52`, or the value alone for a series without labels. */
function seriesLine (labels: Labels, names: readonly string[], value: string): string {
  const who = describeLabels(labels, names)
  // The labels are cut, never the value.
  return who === '' ? value : `${truncate(who, MAX_LINE - value.length - 1)} ${value}`
}

export function formatInstant (data: InstantData, ctx: FormatContext): string {
  if (data.resultType === 'scalar') return formatNumber(parseSampleValue(data.value ?? 'NaN'))
  if (data.resultType === 'string') return fitReply([data.value ?? ''], ctx)
  if (data.series.length === 0) return `No series for ${queryTitle(data.query, data.name)}.`
  const names = labelNames(data.series)
  const values = data.series.map((s) => formatNumber(s.value))
  const lines = data.series.map((s, i) => seriesLine(s.labels, names, values[i]!))
  return sameValue(lines, values, names, ctx) ?? fitReply(lines, ctx)
}

export function formatRange (data: RangeData, ctx: FormatContext): string {
  const title = queryTitle(data.query, data.name)
  if (data.series.length === 0) return `No series for ${title} over ${data.range}.`
  const names = labelNames(data.series)
  const values = data.series.map((s) => [s.min, s.avg, s.max, s.last].map((v) => formatNumber(v)).join('/'))
  const lines = data.series.map((s, i) => seriesLine(s.labels, names, values[i]!))
  const same = sameValue(lines, values, names, ctx)
  if (same !== undefined) return `${title} over ${data.range}, min/avg/max/last: ${same}`
  return fitReply([`${title} over ${data.range}, min/avg/max/last:`, ...lines], ctx)
}

// The labels that say which thing an alert is about, shown first; the rest follow by name.
const IDENTITY = ['instance', 'job', 'service']
const RULE_LABELS = new Set(['alertname', 'severity'])

function byIdentity (a: string, b: string): number {
  const ia = IDENTITY.indexOf(a)
  const ib = IDENTITY.indexOf(b)
  if (ia !== ib) return (ia < 0 ? IDENTITY.length : ia) - (ib < 0 ? IDENTITY.length : ib)
  return a.localeCompare(b)
}

/**
 * Label names of `alert` whose value is not the same in every firing alert: they say what this one is about. The
 * only alert firing keeps them all, as a lone series does.
 */
function ownLabels (alert: AlertLine, all: readonly AlertLine[]): string[] {
  const shared = (n: string): boolean => all.length > 1 && all.every((a) => a.labels[n] === alert.labels[n])
  return Object.keys(alert.labels).filter((n) => !RULE_LABELS.has(n) && alert.labels[n] !== '' && !shared(n)).sort(byIdentity)
}

/** One rule's firing alerts at one severity: `warning FixtureWarm` with each alert's distinguishing words. */
interface AlertGroup {
  readonly severity: string
  readonly name: string
  readonly alerts: AlertLine[]
}

function groupAlerts (firing: readonly AlertLine[]): AlertGroup[] {
  const groups = new Map<string, AlertGroup>()
  for (const a of firing) {
    const key = `${a.severity}\u0000${a.name}`
    const group = groups.get(key) ?? { severity: a.severity, name: a.name, alerts: [] }
    group.alerts.push(a)
    groups.set(key, group)
  }
  return [...groups.values()]
}

/**
 * What tells each alert of a group apart: for a lone alert, its labels that not every firing alert shares (the
 * target of a `TargetDown`), else its summary annotation; in a group of one rule's alerts, the labels that differ
 * between them, else their summaries.
 */
function whatEach (group: AlertGroup, all: readonly AlertLine[]): string[] {
  const { alerts } = group
  if (alerts.length === 1) {
    const alert = alerts[0]!
    const names = ownLabels(alert, all)
    return [names.length > 0 ? describeLabels(alert.labels, names) : alert.summary ?? '']
  }
  const names = distinguishingLabels(alerts.map((a) => a.labels)).filter((n) => !RULE_LABELS.has(n)).sort(byIdentity)
  return alerts.map((a) => describeLabels(a.labels, names) || a.summary || '?')
}

const numeric = new Intl.Collator('en', { numeric: true })

/** The longest any alert of the group has fired, or undefined when Prometheus gave no activeAt. */
function longest (alerts: readonly AlertLine[]): number | undefined {
  const ages = alerts.map((a) => a.forMs).filter((ms) => ms !== undefined)
  return ages.length === 0 ? undefined : Math.max(...ages)
}

/** A group's members on as many lines as they need: `critical ManyRequests x12 5m: web-01, web-02, ...`. */
function groupLines (group: AlertGroup, all: readonly AlertLine[]): string[] {
  const age = longest(group.alerts)
  const count = group.alerts.length > 1 ? ` x${group.alerts.length}` : ''
  const head = [group.severity, `${group.name}${count}`, age === undefined ? '' : formatAge(age)].filter((p) => p !== '').join(' ')
  const words = whatEach(group, all).filter((w) => w !== '')
  if (words.length === 0) return [head]
  if (group.alerts.length === 1) return [truncate(`${head} ${words[0]!}`, MAX_LINE)]
  words.sort((a, b) => numeric.compare(a, b))
  const lines: string[] = []
  let line = `${head}:`
  for (const [i, w] of words.entries()) {
    const word = truncate(w, MAX_LINE / 2) + (i < words.length - 1 ? ',' : '')
    if (line.length + 1 + word.length > MAX_LINE && line !== `${head}:`) {
      lines.push(line)
      line = ` ${word}`
    } else line = `${line} ${word}`
  }
  lines.push(line)
  return lines
}

/** Firing alerts by rule, most severe first; each says what it is about, a rule firing for many things on one line. */
export function formatAlerts (data: AlertsData, ctx: FormatContext): string {
  const pending = data.pending > 0 ? `, ${data.pending} pending` : ''
  if (data.firing.length === 0) return `No alerts firing${pending}.`
  const lines = groupAlerts(data.firing).flatMap((g) => groupLines(g, data.firing))
  return fitReply([`${data.firing.length} firing${pending}:`, ...lines], ctx)
}

/** The names people type on one line; what each runs follows with `more` (below it where there is no `more`). */
export function formatQueries (data: QueriesData, ctx: FormatContext): string {
  if (data.queries.length === 0) return 'No named queries. Text metrics <PromQL>.'
  const lines = data.queries.map((q) => `${q.name}: ${truncate(q.promql, PROMQL_SHOWN)}`)
  const names = `Named queries: ${data.queries.map((q) => q.name).join(', ')}. Text metrics <name> [over 1h]`
  if (ctx.overflow === undefined) return fitReply([`${names}:`, ...lines], ctx)
  ctx.overflow(lines)
  return fitReply([`${names}, or MORE for their PromQL.`], { budget: ctx.budget })
}
