import { sql } from '../store/sql.js'
import type { Db } from '../store/db.js'

// Callbacks can arrive out of order: a later stage never gives way to an earlier one.
const STAGE: Readonly<Record<string, number>> = {
  accepted: 0, scheduled: 0, queued: 0, sending: 1, sent: 2, delivered: 3, undelivered: 3, failed: 3, read: 4, canceled: 3
}

export const DELIVERY_FAILED = new Set(['undelivered', 'failed'])

export interface DeliveryUpdate {
  /** The SID is one of paging's texts. */
  readonly known: boolean
  /** The status was newer than what the row had, and was recorded. */
  readonly recorded: boolean
  /** Pages carried by the text (its own row and those bundled into it), for escalation when it failed. */
  readonly pages: ReadonlyArray<{ readonly kind: 'page', readonly incident_id: number, readonly step: number }>
}

/** Twilio's status for one text, on its outbox row; unknown SIDs (replies, texts from before) change nothing here. */
export async function recordDelivery (db: Db, sid: string, status: string, errorCode: number | null): Promise<DeliveryUpdate> {
  const rows = await db.all<{ id: number, delivery_status: string | null }>(sql`select id, delivery_status from paging_outbox
    where provider_sid = ${sid} and state = 'sent'`)
  const row = rows[0]
  if (row === undefined) return { known: false, recorded: false, pages: [] }
  const stage = STAGE[status] ?? 0
  if (row.delivery_status !== null && (STAGE[row.delivery_status] ?? 0) >= stage) return { known: true, recorded: false, pages: [] }
  // Compare-and-set on the status read, so two callbacks handled at once by two replicas cannot both escalate.
  const changed = await db.run(sql`update paging_outbox set delivery_status = ${status}, delivery_error = ${errorCode}
    where id = ${row.id} and ${row.delivery_status === null ? sql`delivery_status is null` : sql`delivery_status = ${row.delivery_status}`}`)
  if (changed === 0) return { known: true, recorded: false, pages: [] }
  if (!DELIVERY_FAILED.has(status)) return { known: true, recorded: true, pages: [] }
  const pages = await db.all<{ incident_id: number, step: number }>(sql`select incident_id, step from paging_outbox
    where (id = ${row.id} or bundled_into = ${row.id}) and kind = 'page' and incident_id is not null and step is not null`)
  return { known: true, recorded: true, pages: pages.map((p) => ({ kind: 'page' as const, incident_id: Number(p.incident_id), step: Number(p.step) })) }
}
