import { fitLines, formatAge, formatNumber, truncate, type FormatterSpec } from '@operator/core'
import type { SeriesRow } from './series.js'
import type { MonitorRow } from './monitors.js'

export interface SeriesResult {
  readonly query: string
  readonly name: string | undefined
  readonly windowSeconds: number
  readonly range: boolean
  readonly rows: readonly SeriesRow[]
}

export interface QueriesResult {
  readonly names: readonly string[]
}

export interface MonitorsResult {
  readonly rows: readonly MonitorRow[]
  /** Monitors looked at (all states), for the all-clear line. */
  readonly total: number
  readonly filter: string | undefined
}

// Lines are plain GSM-7 text: no brackets or braces (two septets each) and no ellipsis character.
const MAX_LINE = 120

function value (n: number | undefined, unit: string | undefined): string {
  if (n === undefined) return 'no data'
  return `${formatNumber(n)}${unit ?? ''}`
}

export function seriesLine (row: SeriesRow, range: boolean): string {
  if (!range || row.last === undefined) return truncate(`${row.label} ${value(row.last, row.unit)}`, MAX_LINE)
  const n = (x: number | undefined): string => value(x, undefined)
  return truncate(`${row.label} min ${n(row.min)} avg ${n(row.avg)} max ${n(row.max)} last ${value(row.last, row.unit)}`, MAX_LINE)
}

export const seriesFormatter: FormatterSpec<SeriesResult> = {
  kind: 'datadog.series',
  format (data, { budget }) {
    if (data.rows.length === 0) {
      const what = data.name ?? truncate(data.query, 60)
      return `No data for ${what} in the last ${formatAge(data.windowSeconds * 1000)}.`
    }
    return fitLines(data.rows.map((r) => seriesLine(r, data.range)), budget)
  }
}

export const queriesFormatter: FormatterSpec<QueriesResult> = {
  kind: 'datadog.queries',
  format (data, { budget }) {
    return truncate(`Named queries: ${data.names.join(', ')}. Text metrics <name> [over 1h] or a Datadog query.`, budget)
  }
}

const STATE_WORDS: Readonly<Record<string, string>> = { Alert: 'ALERT', Warn: 'WARN', 'No Data': 'NO DATA' }

export function monitorLine (row: MonitorRow, now: number): string {
  const parts = [STATE_WORDS[row.state] ?? row.state.toUpperCase()]
  if (row.priority !== undefined) parts.push(`P${row.priority}`)
  parts.push(row.name)
  if (row.since !== undefined) parts.push(formatAge(Math.max(0, now - row.since)))
  if (row.groups.length > 0) parts.push(`(${row.groups.join(', ')})`)
  return truncate(parts.join(' '), MAX_LINE)
}

export const monitorsFormatter: FormatterSpec<MonitorsResult> = {
  kind: 'datadog.monitors',
  format (data, { budget }) {
    if (data.rows.length === 0) {
      const which = data.filter === undefined ? '' : ` matching '${truncate(data.filter, 30)}'`
      return `No monitors${which} in Alert, Warn or No Data (${data.total} checked).`
    }
    const now = Date.now()
    return fitLines(data.rows.map((r) => monitorLine(r, now)), budget)
  }
}
