import type { DatadogMonitor } from './api.js'

/** The states `monitors` shows, most severe first. */
export const SHOWN_STATES = ['Alert', 'Warn', 'No Data'] as const
const RANK: Readonly<Record<string, number>> = { Alert: 0, Warn: 1, 'No Data': 2 }

export interface MonitorRow {
  readonly state: string
  readonly priority: number | undefined
  readonly name: string
  /** Groups in the monitor's own state (`host:web-1`), for multi-alert monitors. */
  readonly groups: readonly string[]
  /** When its longest-alerting group triggered (ms since the epoch), if Datadog says: how long it has been bad. */
  readonly since: number | undefined
}

function toRow (m: DatadogMonitor): MonitorRow {
  const groups: string[] = []
  let since: number | undefined
  for (const [name, g] of Object.entries(m.state?.groups ?? {})) {
    if (g.status !== m.overall_state) continue
    groups.push(name)
    if (typeof g.last_triggered_ts === 'number') since = Math.min(since ?? Infinity, g.last_triggered_ts * 1000)
  }
  const priority = typeof m.priority === 'number' ? m.priority : undefined
  return { state: m.overall_state, priority, name: String(m.name).replace(/\s+/g, ' ').trim(), groups: groups.sort(), since }
}

/** Monitors in Alert, Warn or No Data: Alert > Warn > No Data, then priority (P1 first, none last), then name. */
export function monitorsToShow (monitors: readonly DatadogMonitor[]): MonitorRow[] {
  return monitors
    .filter((m) => RANK[m.overall_state] !== undefined)
    .map(toRow)
    .sort((a, b) => RANK[a.state]! - RANK[b.state]! ||
      (a.priority ?? 99) - (b.priority ?? 99) ||
      a.name.localeCompare(b.name))
}

export interface MonitorCounts {
  readonly alert: number
  readonly warn: number
  readonly noData: number
  readonly total: number
}

export function countMonitors (monitors: readonly DatadogMonitor[]): MonitorCounts {
  let alert = 0
  let warn = 0
  let noData = 0
  for (const m of monitors) {
    if (m.overall_state === 'Alert') alert++
    else if (m.overall_state === 'Warn') warn++
    else if (m.overall_state === 'No Data') noData++
  }
  return { alert, warn, noData, total: monitors.length }
}
