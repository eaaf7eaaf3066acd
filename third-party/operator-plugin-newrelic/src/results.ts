import { formatNumber, truncate } from '@operator/core'
import type { NrqlRow } from './nerdgraph.js'
import { numeric } from './nrql.js'

// Fields NRQL adds to time series and facets that are not values to show.
const BOOKKEEPING = new Set(['beginTimeSeconds', 'endTimeSeconds', 'facet', 'timestamp'])
const VALUE_SHOWN = 40

function value (v: unknown): string {
  const n = numeric(v)
  if (n !== undefined) return formatNumber(n)
  if (v === null || v === undefined) return '-'
  if (typeof v === 'string') return truncate(v, VALUE_SHOWN)
  if (typeof v === 'boolean') return String(v)
  return truncate(JSON.stringify(v), VALUE_SHOWN)
}

function pairs (row: NrqlRow, skip: ReadonlySet<string>): string {
  return Object.entries(row)
    .filter(([k]) => !BOOKKEEPING.has(k) && !skip.has(k))
    .map(([k, v]) => `${k} ${value(v)}`)
    .join(', ')
}

/** What a FACET row is called: its facet value(s). */
function facetLabel (row: NrqlRow): string | undefined {
  const facet = row.facet
  if (typeof facet === 'string') return facet
  if (Array.isArray(facet)) return facet.map(String).join(' / ')
  return undefined
}

/**
 * NRQL results as lines a person reads on a phone: one line per facet (`checkout: count 52.3k`), the last bucket of a
 * TIMESERIES, or one line per event row. Values are numbers to about 3 significant figures.
 */
export function resultLines (rows: readonly NrqlRow[]): string[] {
  if (rows.length === 0) return []
  if (rows.every((r) => 'beginTimeSeconds' in r)) {
    const last = rows[rows.length - 1]!
    return [`last of ${rows.length} buckets: ${pairs(last, new Set())}`]
  }
  return rows.map((row) => {
    const label = facetLabel(row)
    // A facet row repeats its facet attributes as fields; the label says them already.
    const skip = new Set(label === undefined ? [] : Object.keys(row).filter((k) => row[k] === row.facet || (Array.isArray(row.facet) && row.facet.includes(row[k]))))
    const text = pairs(row, skip)
    return label === undefined ? text : `${label}: ${text}`
  })
}
