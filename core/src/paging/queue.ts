import { sql } from '../store/sql.js'
import type { Db } from '../store/db.js'
import { allocateCode } from './codes.js'
import { factsOf, firingAlerts, type IncidentRow } from './facts.js'
import type { EscalationStep } from './oncall.js'
import { detailsOf, pageText, resolvedText } from './text.js'

/** Writes a page for each of `numbers` (one reply code each) to the outbox, due now; returns how many. */
export async function queuePages (tx: Db, incident: IncidentRow, step: number, numbers: readonly string[], now: number): Promise<number> {
  const alerts = await firingAlerts(tx, incident.id)
  let queued = 0
  for (const number of numbers) {
    const code = await allocateCode(tx, number, incident.id, now)
    const body = pageText(factsOf(code, incident.title, alerts, incident.severity, incident.opened_at), now)
    await tx.run(sql`insert into paging_outbox (number, kind, body, incident_id, step, state, due_at, created_at)
      values (${number}, 'page', ${body}, ${incident.id}, ${step}, 'pending', ${now}, ${now})`)
    queued++
  }
  return queued
}

/** `RESOLVED 3: …` to everyone who was paged for the incident (they hold a code for it). */
export async function queueResolved (tx: Db, incident: IncidentRow, now: number, notify: boolean): Promise<number> {
  const paged = !notify ? [] : await tx.all<{ number: string, code: number }>(sql`select c.number, c.code from paging_codes c
    where c.incident_id = ${incident.id} and exists (select 1 from paging_outbox o where o.incident_id = c.incident_id
      and o.number = c.number and o.kind = 'page' and o.state in ('sent', 'bundled'))
    order by c.number`)
  const alerts = await tx.all<{ labels: string }>(sql`select labels from paging_alerts where incident_id = ${incident.id} order by starts_at, fingerprint`)
  const details = detailsOf(alerts.map((a) => JSON.parse(a.labels) as Record<string, string>))
  for (const p of paged) {
    const body = resolvedText({ code: Number(p.code), title: incident.title, details }, incident.opened_at, now)
    await tx.run(sql`insert into paging_outbox (number, kind, body, incident_id, state, due_at, created_at)
      values (${p.number}, 'resolved', ${body}, ${incident.id}, 'pending', ${now}, ${now})`)
  }
  // Pages not sent yet (held by a throttle, or retrying) are moot now.
  await tx.run(sql`update paging_outbox set state = 'cancelled', error = 'resolved before it was sent', lease_owner = null, lease_until = null
    where incident_id = ${incident.id} and kind = 'page' and state = 'pending'`)
  return paged.length
}

/** A notice to people outside any incident (admins: budget warnings, numbers that cannot be paged); once per key. */
export async function queueNotice (db: Db, numbers: readonly string[], body: string, key: string, now: number): Promise<number> {
  let queued = 0
  for (const number of numbers) {
    queued += await db.run(sql`insert into paging_outbox (number, kind, body, dedup_key, state, due_at, created_at)
      values (${number}, 'notice', ${body}, ${`${key}:${number}`}, 'pending', ${now}, ${now}) on conflict do nothing`)
  }
  return queued
}

export function parseChain (text: string): EscalationStep[] {
  return JSON.parse(text) as EscalationStep[]
}
