import { sql } from '../store/sql.js'
import type { Db } from '../store/db.js'

/** A code is free again only this long after its incident closed, so a late `3a` never acks a newer incident. */
export const CODE_HOLD_MS = 72 * 3_600_000

/**
 * The reply code `number` gets for `incidentId`: the one it already has, else the smallest code of that number that
 * is not held (open incident, or closed less than 72 h ago). Codes are per recipient, so they stay small (`3`, not
 * `1042`). Two replicas racing for one code: the primary key lets one insert win; the other moves to the next code.
 */
export async function allocateCode (tx: Db, number: string, incidentId: number, now: number): Promise<number> {
  const rows = await tx.all<{ code: number, incident_id: number, closed_at: number | null }>(sql`select c.code, c.incident_id, i.closed_at
    from paging_codes c left join paging_incidents i on i.id = c.incident_id where c.number = ${number}`)
  const held = new Set<number>()
  for (const r of rows) {
    if (Number(r.incident_id) === incidentId) return Number(r.code)
    if (r.closed_at === null || Number(r.closed_at) > now - CODE_HOLD_MS) held.add(Number(r.code))
  }
  for (let code = 1; ; code++) {
    if (held.has(code)) continue
    // An expired holder of this code (closed over 72 h ago) gives it up. The condition is on the holder, not just the
    // code: a replica that took this code a moment ago (a row this snapshot did not see) keeps it.
    await tx.run(sql`delete from paging_codes where number = ${number} and code = ${code} and incident_id in
      (select id from paging_incidents where closed_at is not null and closed_at <= ${now - CODE_HOLD_MS})`)
    const inserted = await tx.run(sql`insert into paging_codes (number, code, incident_id, assigned_at)
      values (${number}, ${code}, ${incidentId}, ${now}) on conflict do nothing`)
    if (inserted === 1) return code
    held.add(code)
  }
}

/** The code `number` has for `incidentId`, if it was paged for it. */
export async function codeOf (db: Db, number: string, incidentId: number): Promise<number | undefined> {
  const rows = await db.all<{ code: number }>(sql`select code from paging_codes where number = ${number} and incident_id = ${incidentId}`)
  return rows[0] === undefined ? undefined : Number(rows[0].code)
}
