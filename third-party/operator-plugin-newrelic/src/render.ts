import { fitReply, formatAge, formatNumber, truncate, type FormatterSpec } from '@operator/core'
import type { GoldenSignals } from './nrql.js'
import type { NewRelicIssue, NrqlRow } from './nerdgraph.js'
import { resultLines } from './results.js'

export interface ResultsData {
  /** The query's name (`q <name>`), or undefined for NRQL typed in. */
  readonly name: string | undefined
  readonly nrql: string
  readonly rows: readonly NrqlRow[]
}

export interface IssuesData {
  readonly issues: readonly NewRelicIssue[]
  readonly more: boolean
  readonly windowHours: number
}

export interface QueriesData {
  readonly queries: ReadonlyArray<{ readonly name: string; readonly nrql: string }>
}

// Lines are plain GSM-7 text where this plugin chooses the words.
const MAX_LINE = 120
const TITLE_SHOWN = 48
const NRQL_SHOWN = 60

function orDash (n: number | undefined, unit = ''): string {
  return n === undefined ? '-' : `${formatNumber(n)}${unit}`
}

/** A duration as people say it: `235ms` under a second, `1.5s` above. */
function duration (ms: number | undefined): string {
  if (ms === undefined) return '-'
  return ms < 1000 ? `${formatNumber(ms)}ms` : `${formatNumber(ms / 1000)}s`
}

export const appFormatter: FormatterSpec<GoldenSignals> = {
  kind: 'newrelic.app',
  format (d, { budget }) {
    if (d.count === 0) return truncate(`No transactions for ${d.app} in the last ${d.windowMinutes}m (check the app name).`, budget)
    return fitReply([
      `${d.app}, last ${d.windowMinutes}m:`,
      `throughput ${orDash(d.throughput)} rpm`,
      `errors ${orDash(d.errorPercent, '%')}`,
      `p95 ${duration(d.p95Ms)}`
    ], budget)
  }
}

export function issueLine (issue: NewRelicIssue, now: number): string {
  const parts = [issue.priority]
  const entities = issue.entityNames ?? []
  if (entities.length > 0) parts.push(`${entities.slice(0, 2).join(', ')}${entities.length > 2 ? ` +${entities.length - 2}` : ''}:`)
  parts.push(truncate(issue.title[0] ?? issue.issueId, TITLE_SHOWN))
  const since = issue.activatedAt ?? issue.createdAt
  if (typeof since === 'number') parts.push(formatAge(Math.max(0, now - since)))
  return truncate(parts.join(' '), MAX_LINE)
}

const PRIORITY_ORDER = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW']

function rank (priority: string): number {
  const i = PRIORITY_ORDER.indexOf(priority)
  return i < 0 ? PRIORITY_ORDER.length : i
}

export const issuesFormatter: FormatterSpec<IssuesData> = {
  kind: 'newrelic.issues',
  format (d, { budget }) {
    if (d.issues.length === 0) return `No open New Relic issues (last ${formatAge(d.windowHours * 3_600_000)}).`
    const now = Date.now()
    const sorted = [...d.issues].sort((a, b) => rank(a.priority) - rank(b.priority))
    const head = `${d.issues.length}${d.more ? '+' : ''} open issue${d.issues.length === 1 && !d.more ? '' : 's'}:`
    return fitReply([head, ...sorted.map((i) => issueLine(i, now))], budget)
  }
}

export const resultsFormatter: FormatterSpec<ResultsData> = {
  kind: 'newrelic.results',
  format (d, { budget }) {
    const title = d.name ?? truncate(d.nrql, TITLE_SHOWN)
    const lines = resultLines(d.rows)
    if (lines.length === 0) return truncate(`No results for ${title}.`, budget)
    return fitReply(d.name === undefined ? lines : [`${d.name}:`, ...lines], budget)
  }
}

export const queriesFormatter: FormatterSpec<QueriesData> = {
  kind: 'newrelic.queries',
  format (d, { budget }) {
    if (d.queries.length === 0) return 'No named NRQL queries: add them under "queries" in the newrelic plugin config.'
    const lines = d.queries.map((q) => `${q.name}: ${truncate(q.nrql, NRQL_SHOWN)}`)
    return fitReply(['Named queries (newrelic q <name>):', ...lines], budget)
  }
}
