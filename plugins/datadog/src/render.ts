import { formatAge, formatNumber, truncate, type FormatterSpec } from '@operator/core'
import { fitReply } from '@operator/core'
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
  readonly queries: ReadonlyArray<{ readonly name: string; readonly query: string }>
}

export interface MonitorsResult {
  readonly rows: readonly MonitorRow[]
  readonly counts: { readonly alert: number; readonly warn: number; readonly noData: number }
  /** Monitors looked at (all states), for the all-clear line. */
  readonly total: number
  readonly filter: string | undefined
  /** False when paging stopped at the deadline: `total` is what was read. */
  readonly complete?: boolean
}

// Lines are plain GSM-7 text where this plugin chooses the words: parentheses, not brackets, and no ellipsis character.
const MAX_LINE = 120
const TITLE_SHOWN = 48
const QUERY_SHOWN = 60

/** What a reply calls the query: its name, or the query cut short (as the Prometheus plugin does). */
function title (data: SeriesResult): string {
  return data.name ?? truncate(data.query, TITLE_SHOWN)
}

function value (n: number | undefined, unit: string | undefined): string {
  if (n === undefined) return 'no data'
  return `${formatNumber(n)}${unit ?? ''}`
}

/** `web-1 12.3%`; the value alone for a series with nothing to tell it apart. */
function line (label: string, text: string): string {
  return truncate(label === '' ? text : `${label} ${text}`, MAX_LINE)
}

export function seriesLine (row: SeriesRow, range: boolean): string {
  if (!range || row.last === undefined) return line(row.label, value(row.last, row.unit))
  const numbers = [row.min, row.avg, row.max].map((n) => value(n, undefined))
  return line(row.label, `${numbers.join('/')}/${value(row.last, row.unit)}`)
}

export const seriesFormatter: FormatterSpec<SeriesResult> = {
  kind: 'datadog.series',
  format (data, ctx) {
    const window = formatAge(data.windowSeconds * 1000)
    if (data.rows.length === 0) {
      return data.range ? `No series for ${title(data)} over ${window}.` : `No series for ${title(data)} in the last ${window}.`
    }
    const lines = data.rows.map((r) => seriesLine(r, data.range))
    return fitReply(data.range ? [`${title(data)} over ${window}, min/avg/max/last:`, ...lines] : lines, ctx)
  }
}

export const queriesFormatter: FormatterSpec<QueriesResult> = {
  kind: 'datadog.queries',
  // The names people type on one line; what each asks Datadog follows with `more` (below it where there is none).
  format (data, ctx) {
    const lines = data.queries.map((q) => `${q.name}: ${truncate(q.query, QUERY_SHOWN)}`)
    const names = `Named queries: ${data.queries.map((q) => q.name).join(', ')}. Text metrics <name> [over 1h]`
    if (ctx.overflow === undefined) return fitReply([`${names}:`, ...lines], ctx)
    ctx.overflow(lines)
    return fitReply([`${names}, or MORE for their queries.`], { budget: ctx.budget })
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
  format (data, ctx) {
    if (data.rows.length === 0) {
      const which = data.filter === undefined ? '' : ` matching '${truncate(data.filter, 30)}'`
      return `No monitors${which} in Alert, Warn or No Data (${data.total} checked${data.complete === false ? ', more not read in time' : ''}).`
    }
    const now = Date.now()
    const { alert, warn, noData } = data.counts
    const head = `${alert} alert, ${warn} warn, ${noData} no data${data.complete === false ? ` in the first ${data.total}` : ''}:`
    return fitReply([head, ...data.rows.map((r) => monitorLine(r, now))], ctx)
  }
}
