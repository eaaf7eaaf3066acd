import { sql } from '../store/sql.js'
import type { Db } from '../store/db.js'
import type { IncidentRow } from './facts.js'
import { parseChain, queuePages } from './queue.js'

const BATCH = 20

/**
 * Escalations due now: for each incident whose `escalate_at` has passed (not acked, not closed), the next step is
 * paged. The step moves by compare-and-set on `escalation_step`, in the transaction that writes the pages, so of two
 * replicas seeing the same due row one advances it and the other changes nothing.
 */
export async function runDueEscalations (db: Db, now: number): Promise<number> {
  const due = await db.all<IncidentRow>(sql`select * from paging_incidents where escalate_at is not null and escalate_at <= ${now}
    and closed_at is null and acked_at is null order by escalate_at, id limit ${BATCH}`)
  let escalated = 0
  for (const incident of due) {
    const chain = parseChain(incident.chain)
    const step = Number(incident.escalation_step)
    const next = step + 1
    escalated += await db.transaction(async (tx) => {
      const nextAt = next + 1 < chain.length ? now + chain[next]!.afterMs : null
      const moved = await tx.run(sql`update paging_incidents set escalation_step = ${next}, escalate_at = ${nextAt}, updated_at = ${now}
        where id = ${incident.id} and escalation_step = ${step} and escalate_at is not null and closed_at is null and acked_at is null`)
      if (moved === 0 || next >= chain.length) return 0
      await queuePages(tx, incident, next, chain[next]!.numbers, now)
      return 1
    }, { immediate: true })
  }
  return escalated
}

/**
 * A page of step `step` could not reach its person (a permanent Twilio error, an undelivered callback): the next step
 * is due now instead of after the timeout. Nothing happens when the incident has moved on, closed or been acked, or
 * when that step was the last.
 */
export async function escalateNow (db: Db, incidentId: number, step: number, now: number): Promise<boolean> {
  const rows = await db.all<{ chain: string }>(sql`select chain from paging_incidents where id = ${incidentId}`)
  if (rows[0] === undefined || step + 1 >= parseChain(rows[0].chain).length) return false
  return await db.run(sql`update paging_incidents set escalate_at = ${now}, updated_at = ${now} where id = ${incidentId}
    and escalation_step = ${step} and closed_at is null and acked_at is null`) === 1
}
