import { sql } from '../store/sql.js'
import type { Db } from '../store/db.js'
import { detailsOf, type PageFacts } from './text.js'

export interface IncidentRow {
  [column: string]: unknown
  id: number
  source: string
  group_key: string
  title: string
  severity: string | null
  labels: string
  chain: string
  escalation_step: number
  escalate_at: number | null
  opened_at: number
  updated_at: number
  acked_at: number | null
  acked_by: string | null
  closed_at: number | null
}

export interface AlertFacts {
  readonly labels: Readonly<Record<string, string>>
  readonly startsAt: number
  readonly severity: string | null
}

const SEVERITY_ORDER = ['critical', 'page', 'high', 'error', 'major', 'warning', 'medium', 'minor', 'low', 'info', 'none']

/** The most severe of the given severities, by a common vocabulary; unknown words rank after known ones. */
export function worstSeverity (severities: ReadonlyArray<string | null | undefined>): string | null {
  let best: string | null = null
  let bestRank = Infinity
  for (const s of severities) {
    if (s === null || s === undefined || s === '') continue
    const i = SEVERITY_ORDER.indexOf(s.toLowerCase())
    const rank = i === -1 ? SEVERITY_ORDER.length : i
    if (rank < bestRank) { best = s; bestRank = rank }
  }
  return best
}

/** What a page about these alerts says, given the recipient's code. */
export function factsOf (code: number, title: string, alerts: readonly AlertFacts[], fallbackSeverity: string | null, openedAt: number): PageFacts {
  return {
    code,
    title,
    severity: worstSeverity(alerts.map((a) => a.severity)) ?? fallbackSeverity,
    details: detailsOf(alerts.map((a) => a.labels)),
    firing: Math.max(1, alerts.length),
    since: alerts.length === 0 ? openedAt : Math.min(...alerts.map((a) => a.startsAt))
  }
}

/** The firing alerts of an incident, as the page text needs them. */
export async function firingAlerts (db: Db, incidentId: number): Promise<AlertFacts[]> {
  const rows = await db.all<{ labels: string, starts_at: number, severity: string | null }>(sql`select labels, starts_at, severity
    from paging_alerts where incident_id = ${incidentId} and status = 'firing' order by starts_at, fingerprint`)
  return rows.map((r) => ({ labels: JSON.parse(r.labels) as Record<string, string>, startsAt: Number(r.starts_at), severity: r.severity }))
}
