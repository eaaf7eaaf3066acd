import { createHash } from 'node:crypto'
import { sql } from '../store/sql.js'
import type { Db } from '../store/db.js'
import { ERR_ALERT_INVALID } from '../errors.js'
import { worstSeverity, type IncidentRow } from './facts.js'
import type { EscalationStep } from './oncall.js'
import { queuePages, queueResolved } from './queue.js'
import type { AlertBatch, IngestResult, NormalizedAlert } from './types.js'

const MAX_ALERTS = 5000
const MAX_TEXT = 1024

function isStringMap (v: unknown): v is Record<string, string> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string')
}

/** Checks what a source handed over; a bad notification is refused whole (400) before anything is written. */
export function checkBatch (batch: AlertBatch): void {
  const b = batch as Partial<AlertBatch> | null
  if (b === null || typeof b !== 'object') throw new ERR_ALERT_INVALID('expected an object')
  if (typeof b.groupKey !== 'string' || b.groupKey === '' || b.groupKey.length > MAX_TEXT) throw new ERR_ALERT_INVALID('groupKey must be a non-empty string')
  if (b.status !== 'firing' && b.status !== 'resolved') throw new ERR_ALERT_INVALID("status must be 'firing' or 'resolved'")
  if (b.groupLabels !== undefined && !isStringMap(b.groupLabels)) throw new ERR_ALERT_INVALID('groupLabels must map names to strings')
  if (!Array.isArray(b.alerts) || b.alerts.length === 0) throw new ERR_ALERT_INVALID('alerts must be a non-empty list')
  if (b.alerts.length > MAX_ALERTS) throw new ERR_ALERT_INVALID(`at most ${MAX_ALERTS} alerts per notification`)
  b.alerts.forEach((a: Partial<NormalizedAlert>, i) => {
    const where = `alerts[${i}]`
    if (typeof a?.fingerprint !== 'string' || a.fingerprint === '' || a.fingerprint.length > 256) throw new ERR_ALERT_INVALID(`${where}.fingerprint must be a non-empty string`)
    if (a.status !== 'firing' && a.status !== 'resolved') throw new ERR_ALERT_INVALID(`${where}.status must be 'firing' or 'resolved'`)
    if (!isStringMap(a.labels)) throw new ERR_ALERT_INVALID(`${where}.labels must map names to strings`)
    if (!isStringMap(a.annotations)) throw new ERR_ALERT_INVALID(`${where}.annotations must map names to strings`)
    if (typeof a.startsAt !== 'number' || !Number.isSafeInteger(a.startsAt)) throw new ERR_ALERT_INVALID(`${where}.startsAt must be a time`)
    if (a.endsAt !== undefined && (typeof a.endsAt !== 'number' || !Number.isSafeInteger(a.endsAt))) throw new ERR_ALERT_INVALID(`${where}.endsAt must be a time`)
    if (a.links !== undefined && (!Array.isArray(a.links) || !a.links.every((l) => typeof l === 'string'))) throw new ERR_ALERT_INVALID(`${where}.links must be a list of URLs`)
  })
}

/** groupKey + status + the set of fingerprint:startsAt: the same notification from an HA twin or a retry. */
export function notificationKey (source: string, batch: AlertBatch): string {
  const set = batch.alerts.map((a) => `${a.fingerprint}:${a.startsAt}`).sort()
  return createHash('sha256').update(JSON.stringify([source, batch.groupKey, batch.status, set])).digest('base64url')
}

function summaryOf (a: NormalizedAlert): string | null {
  const s = a.summary ?? a.annotations.summary ?? a.annotations.title ?? null
  return s === null ? null : s.slice(0, MAX_TEXT)
}

function titleOf (batch: AlertBatch, firing: readonly NormalizedAlert[]): string {
  const first = firing[0]!
  return first.labels.alertname ?? batch.groupLabels?.alertname ?? summaryOf(first) ?? batch.groupKey.slice(0, 60)
}

export interface IngestContext {
  readonly source: string
  readonly now: number
  /** Whether whoever was paged hears `RESOLVED 3: …`. */
  readonly resolvedNotices: boolean
  /** Who is paged for an incident opened now, and when each next step follows. */
  chain(labels: Readonly<Record<string, string>>, now: number): EscalationStep[]
}

/**
 * One notification, in one transaction: recognised if seen before; its alerts stored; the group's open incident
 * opened (pages to the chain's first step) or closed when nothing in it fires any more (resolved notices).
 */
export async function ingestBatch (db: Db, ctx: IngestContext, batch: AlertBatch): Promise<IngestResult> {
  const { source, now } = ctx
  const key = notificationKey(source, batch)
  return await db.transaction(async (tx) => {
    const fresh = await tx.run(sql`insert into paging_notifications (key, source, group_key, received_at)
      values (${key}, ${source}, ${batch.groupKey}, ${now}) on conflict do nothing`)
    if (fresh === 0) return { duplicate: true, alerts: 0, opened: 0, closed: 0, queued: 0 }

    let incident = (await tx.all<IncidentRow>(sql`select * from paging_incidents where source = ${source} and group_key = ${batch.groupKey} and closed_at is null`))[0]
    const firing = batch.alerts.filter((a) => a.status === 'firing')
    let opened = 0
    if (incident === undefined && firing.length > 0) {
      const labels = batch.groupLabels ?? firing[0]!.labels
      const chain = ctx.chain({ ...firing[0]!.labels, ...labels }, now)
      const escalateAt = chain.length > 1 ? now + chain[0]!.afterMs : null
      const severity = worstSeverity(firing.map((a) => a.severity ?? a.labels.severity))
      incident = (await tx.all<IncidentRow>(sql`insert into paging_incidents
        (source, group_key, title, severity, labels, chain, escalation_step, escalate_at, opened_at, updated_at)
        values (${source}, ${batch.groupKey}, ${titleOf(batch, firing).slice(0, 200)}, ${severity}, ${JSON.stringify(labels)},
          ${JSON.stringify(chain)}, 0, ${escalateAt}, ${now}, ${now}) returning *`))[0]!
      opened = 1
    }
    const incidentId = incident?.id ?? null
    for (const a of batch.alerts) {
      await tx.run(sql`insert into paging_alerts (source, fingerprint, starts_at, incident_id, status, ends_at, labels, annotations,
          summary, severity, links, updated_at)
        values (${source}, ${a.fingerprint}, ${a.startsAt}, ${incidentId}, ${a.status}, ${a.endsAt ?? null}, ${JSON.stringify(a.labels)},
          ${JSON.stringify(a.annotations)}, ${summaryOf(a)}, ${a.severity ?? a.labels.severity ?? null}, ${JSON.stringify(a.links ?? [])}, ${now})
        on conflict (source, fingerprint, starts_at) do update set status = excluded.status, ends_at = excluded.ends_at,
          labels = excluded.labels, annotations = excluded.annotations, summary = excluded.summary, severity = excluded.severity,
          links = excluded.links, updated_at = excluded.updated_at,
          incident_id = coalesce(excluded.incident_id, paging_alerts.incident_id)`)
    }
    if (incident === undefined) return { duplicate: false, alerts: batch.alerts.length, opened: 0, closed: 0, queued: 0 }

    let queued = 0
    let closed = 0
    if (opened === 1) {
      const chain = JSON.parse(incident.chain) as EscalationStep[]
      if (chain.length > 0) queued += await queuePages(tx, incident, 0, chain[0]!.numbers, now)
    } else {
      const still = await tx.all<{ n: number }>(sql`select count(*) as n from paging_alerts where incident_id = ${incident.id} and status = 'firing'`)
      if (Number(still[0]!.n) === 0) {
        await tx.run(sql`update paging_incidents set closed_at = ${now}, close_reason = 'resolved', escalate_at = null, updated_at = ${now}
          where id = ${incident.id}`)
        queued += await queueResolved(tx, incident, now, ctx.resolvedNotices)
        closed = 1
      } else {
        await tx.run(sql`update paging_incidents set updated_at = ${now} where id = ${incident.id}`)
      }
    }
    return { duplicate: false, alerts: batch.alerts.length, opened, closed, queued }
  }, { immediate: true })
}
