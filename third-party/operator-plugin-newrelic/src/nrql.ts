import { usageError } from '@operator/core'
import type { NrqlRow } from './nerdgraph.js'

/** The golden signals of one APM application over a window. */
export interface GoldenSignals {
  readonly app: string
  readonly windowMinutes: number
  readonly count: number
  /** Requests per minute. */
  readonly throughput: number | undefined
  /** Percent of transactions with `error IS true`. */
  readonly errorPercent: number | undefined
  /** 95th percentile duration in milliseconds. */
  readonly p95Ms: number | undefined
}

// An app name is text a person typed on a phone; it goes inside an NRQL string literal, so it is limited to characters
// that need no escaping rather than trusting an escape to be right.
const APP_NAME = /^[\w .:/@()[\]+#,-]{1,100}$/

/** NRQL for throughput, error rate and p95 of `appName` (the whole NRQL is then sent as a GraphQL variable). */
export function goldenSignalsNrql (app: string, windowMinutes: number): string {
  if (!APP_NAME.test(app)) {
    throw usageError('An app name is letters, digits, spaces and . _ - : / @ ( ) [ ] + # , (no quotes), e.g. newrelic checkout.')
  }
  return "SELECT count(*) AS 'count', rate(count(*), 1 minute) AS 'throughput', " +
    "percentage(count(*), WHERE error IS true) AS 'errorPercent', percentile(duration, 95) AS 'p95' " +
    `FROM Transaction WHERE appName = '${app}' SINCE ${windowMinutes} minutes ago`
}

/** A number from an NRQL result value: a plain number, or the one value of a percentile object (`{"95": 0.21}`). */
export function numeric (value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const values = Object.values(value)
    if (values.length === 1) return numeric(values[0])
  }
  return undefined
}

export function toGoldenSignals (app: string, windowMinutes: number, rows: readonly NrqlRow[]): GoldenSignals {
  const row = rows[0] ?? {}
  // Transaction duration is in seconds.
  const p95 = numeric(row.p95 ?? row['percentile.duration'])
  return {
    app,
    windowMinutes,
    count: numeric(row.count) ?? 0,
    throughput: numeric(row.throughput),
    errorPercent: numeric(row.errorPercent),
    p95Ms: p95 === undefined ? undefined : p95 * 1000
  }
}

/** Looks like NRQL rather than a mistyped query name: NRQL starts with SELECT or FROM. */
export function looksLikeNrql (text: string): boolean {
  return /^(select|from)\s/i.test(text)
}
