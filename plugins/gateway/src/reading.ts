import type { HealthStatus, StatusLine } from '@operator/core'
import { formatNumber, formatPercent } from '@operator/core'
import type { NumericField, Thresholds } from './config.js'

/** The named values a driver reports; each is optional because not every backend knows each one. */
export type Values = Partial<Record<NumericField, number>> & { status?: string }

/** What one look at the gateway found, before thresholds. */
export interface Reading {
  /** The driver's own verdict (database unreachable, targets unhealthy...). */
  readonly status: HealthStatus
  readonly values: Values
  /** What is wrong, put first in the line: `db unreachable`, `no 'data.rpm' in the answer`. */
  readonly problems: readonly string[]
  /** Short phrases after the values: `17 conns`, `9/10 targets healthy`. */
  readonly notes: readonly string[]
}

const RANK: Record<HealthStatus, number> = { ok: 0, degraded: 1, down: 2 }

export function worst (a: HealthStatus, b: HealthStatus): HealthStatus {
  return RANK[b] > RANK[a] ? b : a
}

const STATUS_WORDS: Record<string, HealthStatus> = {
  ok: 'ok', up: 'ok', healthy: 'ok', green: 'ok', pass: 'ok', passing: 'ok', true: 'ok', online: 'ok', operational: 'ok',
  degraded: 'degraded', warn: 'degraded', warning: 'degraded', yellow: 'degraded', partial: 'degraded',
  down: 'down', unhealthy: 'down', red: 'down', fail: 'down', failing: 'down', critical: 'down', error: 'down', false: 'down', offline: 'down'
}

/** A status word from a custom endpoint (`ok`, `healthy`, `warn`, `down`...), or undefined when unknown. */
export function statusFromWord (word: string): HealthStatus | undefined {
  return STATUS_WORDS[word.trim().toLowerCase()]
}

/** `180` → `180ms`, `1530` → `1.53s`. */
export function formatMs (ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${formatNumber(ms / 1000)}s`
}

const ORDER: readonly NumericField[] = ['rpm', 'errorRate', 'clientErrorRate', 'p50Ms', 'p90Ms', 'p99Ms', 'avgMs', 'unhealthy']

function render (field: NumericField, value: number): string {
  switch (field) {
    case 'rpm': return `${formatNumber(value)} rpm`
    case 'errorRate': return `${formatPercent(value, false)} 5xx`
    case 'clientErrorRate': return `${formatPercent(value, false)} 4xx`
    case 'p50Ms': return `p50 ${formatMs(value)}`
    case 'p90Ms': return `p90 ${formatMs(value)}`
    case 'p99Ms': return `p99 ${formatMs(value)}`
    case 'avgMs': return `avg ${formatMs(value)}`
    case 'unhealthy': return `${formatNumber(value)} unhealthy`
  }
}

function unit (field: NumericField, value: number): string {
  if (field === 'errorRate' || field === 'clientErrorRate') return formatPercent(value, false)
  if (field.endsWith('Ms')) return formatMs(value)
  return formatNumber(value)
}

/**
 * Where a value stands against its threshold. Higher is worse, unless `down` is set below `degraded` (a request rate
 * that falls, say): then lower is worse.
 */
export function judge (field: NumericField, value: number, t: Thresholds[NumericField]): { status: HealthStatus, note?: string } {
  if (t === undefined) return { status: 'ok' }
  const lowerIsWorse = t.down !== undefined && t.degraded !== undefined && t.down < t.degraded
  const breached = (limit: number | undefined): boolean => limit !== undefined && (lowerIsWorse ? value <= limit : value >= limit)
  const sign = lowerIsWorse ? '<=' : '>='
  if (breached(t.down)) return { status: 'down', note: `${sign} ${unit(field, t.down!)}` }
  if (breached(t.degraded)) return { status: 'degraded', note: `${sign} ${unit(field, t.degraded!)}` }
  return { status: 'ok' }
}

/** The values as the status line shows them, without thresholds: `1.2k rpm`, `0.4% 5xx`, `p90 180ms`. */
export function describeValues (values: Values): string[] {
  return ORDER.filter((f) => values[f] !== undefined).map((f) => render(f, values[f]!))
}

export interface Verdict extends StatusLine {
  /** One part per value and note, in the order of the status line. */
  readonly parts: readonly string[]
}

/** Thresholds applied to a reading: the status and the text after `gateway <status>`. */
export function verdict (reading: Reading, thresholds: Thresholds): Verdict {
  let status = reading.status
  const parts: string[] = []
  const bad: string[] = []
  if (reading.values.status !== undefined) {
    const said = statusFromWord(reading.values.status)
    status = worst(status, said ?? 'degraded')
    if (said !== 'ok') bad.push(`status ${reading.values.status.slice(0, 24)}`)
  }
  for (const field of ORDER) {
    const value = reading.values[field]
    if (value === undefined) continue
    const j = judge(field, value, thresholds[field])
    status = worst(status, j.status)
    const part = j.note === undefined ? render(field, value) : `${render(field, value)} (${j.note})`
    ;(j.status === 'ok' ? parts : bad).push(part)
  }
  const all = [...reading.problems, ...bad, ...parts, ...reading.notes]
  return { status, text: all.length === 0 ? 'no values' : all.join(', '), parts: all }
}
