import { describeLabels, distinguishingLabels, summarizeSeries } from '@operator/core'
import type { DatadogSeries } from './api.js'

/** One series ready to print: what tells it apart ('' when nothing does), its unit, and its numbers (undefined when it had no points). */
export interface SeriesRow {
  readonly label: string
  readonly unit: string | undefined
  readonly last: number | undefined
  readonly min: number | undefined
  readonly avg: number | undefined
  readonly max: number | undefined
}

/** `host:web-1` → `{ host: 'web-1' }`; a tag without a value (`canary`) names itself. */
export function tagsToLabels (tags: readonly string[]): Record<string, string> {
  const labels: Record<string, string> = {}
  for (const tag of tags) {
    const colon = tag.indexOf(':')
    if (colon <= 0) labels[tag] = tag
    else labels[tag.slice(0, colon)] = tag.slice(colon + 1)
  }
  return labels
}

function scopeTags (s: DatadogSeries): string[] {
  if (Array.isArray(s.tag_set) && s.tag_set.length > 0) return [...s.tag_set]
  if (typeof s.scope !== 'string' || s.scope === '*' || s.scope === '') return []
  return s.scope.split(',').map((t) => t.trim()).filter((t) => t !== '' && t !== '*')
}

function metricName (s: DatadogSeries): string {
  return s.display_name ?? s.metric ?? 'series'
}

/** `max:system.cpu.user`: the metric with its aggregation, which tells `avg:x{*},max:x{*}` apart. */
function aggregated (s: DatadogSeries): string {
  return typeof s.aggr === 'string' && s.aggr !== '' ? `${s.aggr}:${metricName(s)}` : metricName(s)
}

function unitOf (s: DatadogSeries): string | undefined {
  const unit = Array.isArray(s.unit) ? s.unit[0] : undefined
  const short = unit?.short_name ?? undefined
  return typeof short === 'string' && short !== '' ? short : undefined
}

function stats (s: DatadogSeries): Pick<SeriesRow, 'last' | 'min' | 'avg' | 'max'> {
  const values = (Array.isArray(s.pointlist) ? s.pointlist : [])
    .map((p) => p[1])
    .filter((v): v is number => typeof v === 'number' && Number.isFinite(v))
  return summarizeSeries(values) ?? { last: undefined, min: undefined, avg: undefined, max: undefined }
}

/**
 * Series as a person reads them: labelled by only the scope tags that tell them apart (plus the metric when a query
 * returned several, with its aggregation when that differs too), highest last value first, series without points at
 * the end.
 */
export function toRows (series: readonly DatadogSeries[]): SeriesRow[] {
  const labelled = series.map((s) => ({ s, labels: tagsToLabels(scopeTags(s)) }))
  const metrics = new Set(series.map(metricName))
  const name = new Set(series.map(aggregated)).size > metrics.size ? aggregated : metricName
  if (new Set(series.map(name)).size > 1) for (const l of labelled) l.labels.__metric = name(l.s)
  const names = distinguishingLabels(labelled.map((l) => l.labels))
  // The metric first when it differs: `system.load.1 web-1` reads better than `web-1 system.load.1`.
  const ordered = names.includes('__metric') ? ['__metric', ...names.filter((n) => n !== '__metric')] : names
  const rows = labelled.map(({ s, labels }): SeriesRow => ({
    label: describeLabels(labels, ordered),
    unit: unitOf(s),
    ...stats(s)
  }))
  return rows.sort((a, b) => {
    if (a.last === undefined || b.last === undefined) return a.last === b.last ? a.label.localeCompare(b.label) : a.last === undefined ? 1 : -1
    return b.last - a.last || a.label.localeCompare(b.label)
  })
}
