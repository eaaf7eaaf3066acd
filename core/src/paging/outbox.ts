import type { FastifyBaseLogger } from 'fastify'
import { raw, sql, join } from '../store/sql.js'
import type { Db } from '../store/db.js'
import { maskNumber } from '../channels/sms/numbers.js'
import type { SendResult } from '../channels/sms/outbound.js'
import { countSegments } from '../sms/segments.js'
import { factsOf, firingAlerts, type IncidentRow } from './facts.js'
import { codeOf } from './codes.js'
import { queueNotice } from './queue.js'
import { bundleText } from './text.js'
import type { PageHistoryEntry } from './history.js'

const MINUTE = 60_000
const DAY = 86_400_000

export interface OutboxRow {
  [column: string]: unknown
  id: number
  number: string
  kind: 'page' | 'resolved' | 'notice'
  body: string
  incident_id: number | null
  step: number | null
  attempts: number
}

export interface OutboxSettings {
  /** This replica, as written on the rows it leases. */
  readonly owner: string
  /** How long a leased row is this replica's: longer than one send may take (the REST client's timeout). */
  readonly leaseMs: number
  readonly batch: number
  /** Alert texts per number: at most this many per 15 minutes and per hour (GoAlert's defaults: 5 and 11). */
  readonly per15Minutes: number
  readonly perHour: number
  /** Segments the daemon may send per UTC day; 0: no budget. */
  readonly dailySegments: number
  readonly admins: readonly string[]
  readonly statusCallback: string | undefined
  /** Tries of a text before it is given up as failed (429, 5xx, network). */
  readonly maxAttempts: number
  readonly baseDelayMs: number
  readonly maxDelayMs: number
}

export type SendText = (to: string, body: string, statusCallback: string | undefined) => Promise<SendResult>

export interface OutboxParts {
  readonly db: Db
  readonly send: SendText
  readonly settings: OutboxSettings
  readonly log: FastifyBaseLogger
  readonly history: (entries: readonly PageHistoryEntry[]) => Promise<void>
  /** A page that cannot reach its person: the next step now rather than after the timeout. */
  readonly escalateNow: (incidentId: number, step: number, now: number) => Promise<boolean>
}

/** Twilio errors that mean the number cannot be texted at all: escalate past it and tell the admins once. */
const UNREACHABLE = new Set([21610, 21614, 21211])

function retryable (r: SendResult & { ok: false }): boolean {
  return r.status === undefined || r.status === 429 || r.status >= 500 || r.code === 20429
}

/**
 * The durable outbox: rows due now are leased by this replica (on PostgreSQL `FOR UPDATE SKIP LOCKED`, so two
 * replicas never take one row), throttled per number, bundled per person, sent once each, and their outcome written
 * back. A crash leaves the lease to lapse: the row is sent again by whichever replica comes next (at least once;
 * duplicates only for sends in flight at the crash).
 */
export class OutboxWorker {
  readonly #p: OutboxParts

  constructor (parts: OutboxParts) {
    this.#p = parts
  }

  async #claim (now: number): Promise<OutboxRow[]> {
    const { db, settings } = this.#p
    const lock = db.engine === 'postgres' ? raw(' for update skip locked') : raw('')
    return await db.all<OutboxRow>(sql`update paging_outbox set lease_owner = ${settings.owner}, lease_until = ${now + settings.leaseMs}
      where id in (select id from paging_outbox where state = 'pending' and due_at <= ${now}
        and (lease_until is null or lease_until < ${now}) order by due_at, id limit ${settings.batch}${lock})
      returning id, number, kind, body, incident_id, step, attempts`)
  }

  /** Sends what is due; returns how many texts went out. */
  async runDue (now: number): Promise<number> {
    const rows = await this.#claim(now)
    if (rows.length === 0) return 0
    const byNumber = new Map<string, OutboxRow[]>()
    for (const r of rows.sort((a, b) => a.id - b.id)) {
      const list = byNumber.get(r.number) ?? []
      list.push(r)
      byNumber.set(r.number, list)
    }
    let sent = 0
    for (const [number, list] of byNumber) sent += await this.#forNumber(number, list, now)
    return sent
  }

  async #forNumber (number: string, rows: OutboxRow[], now: number): Promise<number> {
    let sent = 0
    for (const notice of rows.filter((r) => r.kind === 'notice')) sent += await this.#send([notice], notice.body, now)
    const alertRows = rows.filter((r) => r.kind !== 'notice')
    if (alertRows.length === 0) return sent

    const heldUntil = await this.#throttledUntil(number, now)
    if (heldUntil !== undefined) {
      // Every alert text waiting for this number waits for the window (not only the rows claimed now), so passes in
      // between do not claim and release them again.
      await this.#p.db.run(sql`update paging_outbox set due_at = ${heldUntil}, lease_owner = null, lease_until = null,
        error = 'held by the per-number throttle' where number = ${number} and state = 'pending' and kind <> 'notice' and due_at < ${heldUntil}`)
      await this.#release(alertRows, heldUntil, 'held by the per-number throttle')
      this.#p.log.info({ to: maskNumber(number), texts: alertRows.length, until: new Date(heldUntil).toISOString() }, 'paging: throttled; held texts go out bundled')
      return sent
    }
    if (await this.#budgetSpent(now)) {
      const tomorrow = (Math.floor(now / DAY) + 1) * DAY
      await this.#release(alertRows, tomorrow, 'the daily SMS budget is spent')
      await this.#warnAdmins(`Operator paging: SMS_DAILY_SEGMENTS (${this.#p.settings.dailySegments}) is spent; pages wait until 00:00 UTC.`, `budget-100:${Math.floor(now / DAY)}`, now)
      return sent
    }

    const pages = await this.#live(alertRows.filter((r) => r.kind === 'page'))
    if (pages.length === 1) sent += await this.#send(pages, pages[0]!.body, now)
    else if (pages.length > 1) sent += await this.#send(pages, await this.#bundle(number, pages), now)
    for (const r of alertRows.filter((x) => x.kind === 'resolved')) sent += await this.#send([r], r.body, now)
    return sent
  }

  /** Pages whose incident closed or was acked meanwhile are cancelled, not sent. */
  async #live (pages: OutboxRow[]): Promise<OutboxRow[]> {
    if (pages.length === 0) return pages
    const ids = [...new Set(pages.map((p) => p.incident_id!))]
    const open = await this.#p.db.all<{ id: number }>(sql`select id from paging_incidents
      where id in (${join(ids.map((i) => sql`${i}`), ', ')}) and closed_at is null and acked_at is null`)
    const openIds = new Set(open.map((r) => Number(r.id)))
    const dead = pages.filter((p) => !openIds.has(Number(p.incident_id)))
    if (dead.length > 0) {
      await this.#p.db.run(sql`update paging_outbox set state = 'cancelled', error = 'closed or acked before it was sent', lease_owner = null,
        lease_until = null, sent_at = null where id in (${join(dead.map((d) => sql`${d.id}`), ', ')})`)
    }
    return pages.filter((p) => openIds.has(Number(p.incident_id)))
  }

  async #bundle (number: string, pages: OutboxRow[]): Promise<string> {
    const facts = []
    for (const p of pages) {
      const incident = (await this.#p.db.all<IncidentRow>(sql`select * from paging_incidents where id = ${p.incident_id}`))[0]!
      const code = await codeOf(this.#p.db, number, incident.id)
      facts.push(factsOf(code!, incident.title, await firingAlerts(this.#p.db, incident.id), incident.severity, incident.opened_at))
    }
    return bundleText(facts)
  }

  /** When the next alert text may go to `number`, or undefined when it may go now. */
  async #throttledUntil (number: string, now: number): Promise<number | undefined> {
    const { per15Minutes, perHour } = this.#p.settings
    const times = (await this.#p.db.all<{ sent_at: number }>(sql`select sent_at from paging_outbox
      where number = ${number} and state = 'sent' and kind in ('page', 'resolved') and sent_at > ${now - 60 * MINUTE}
      order by sent_at`)).map((r) => Number(r.sent_at))
    let until: number | undefined
    for (const [limit, window] of [[perHour, 60 * MINUTE], [per15Minutes, 15 * MINUTE]] as const) {
      const inWindow = times.filter((t) => t > now - window)
      if (inWindow.length >= limit) {
        const free = inWindow[inWindow.length - limit]! + window
        until = until === undefined ? free : Math.max(until, free)
      }
    }
    return until
  }

  async #segmentsToday (now: number): Promise<number> {
    const rows = await this.#p.db.all<{ n: number | null }>(sql`select sum(segments) as n from paging_outbox
      where state = 'sent' and sent_at >= ${Math.floor(now / DAY) * DAY}`)
    return Number(rows[0]?.n ?? 0)
  }

  async #budgetSpent (now: number): Promise<boolean> {
    const budget = this.#p.settings.dailySegments
    return budget > 0 && await this.#segmentsToday(now) >= budget
  }

  async #release (rows: OutboxRow[], dueAt: number, why: string): Promise<void> {
    await this.#p.db.run(sql`update paging_outbox set due_at = ${dueAt}, lease_owner = null, lease_until = null, error = ${why}
      where id in (${join(rows.map((r) => sql`${r.id}`), ', ')})`)
  }

  async #warnAdmins (body: string, key: string, now: number): Promise<void> {
    await queueNotice(this.#p.db, this.#p.settings.admins, body, key, now)
  }

  /** Sends one text for `rows` (the first carries it; the rest were bundled into it) and records what happened. */
  async #send (rows: OutboxRow[], body: string, now: number): Promise<number> {
    const { db, settings, log } = this.#p
    const [first, ...rest] = rows as [OutboxRow, ...OutboxRow[]]
    const ids = join(rows.map((r) => sql`${r.id}`), ', ')
    const result = await this.#p.send(first.number, body, settings.statusCallback)
    const attempts = first.attempts + 1
    if (result.ok) {
      const segments = countSegments(body).segments
      await db.transaction(async (tx) => {
        await tx.run(sql`update paging_outbox set state = 'sent', body = ${body}, sent_at = ${now}, provider_sid = ${result.sid},
          segments = ${segments}, attempts = ${attempts}, lease_owner = null, lease_until = null, error = null where id = ${first.id}`)
        if (rest.length > 0) {
          await tx.run(sql`update paging_outbox set state = 'bundled', bundled_into = ${first.id}, sent_at = ${now}, provider_sid = ${result.sid},
            lease_owner = null, lease_until = null, error = null where id in (${join(rest.map((r) => sql`${r.id}`), ', ')})`)
        }
      })
      await this.#history({ time: now, number: first.number, text: body, kind: first.kind, outcome: 'sent', segments, providerSid: result.sid })
      await this.#checkBudget(now)
      return 1
    }
    if (retryable(result) && attempts < settings.maxAttempts) {
      const delay = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** (attempts - 1))
      await db.run(sql`update paging_outbox set due_at = ${now + delay}, attempts = ${attempts}, lease_owner = null, lease_until = null,
        error = ${result.reason}, error_code = ${result.code ?? null} where id in (${ids})`)
      log.warn({ to: maskNumber(first.number), attempts, retryInMs: delay }, `paging: text not sent, retrying: ${result.reason}`)
      return 0
    }
    await db.run(sql`update paging_outbox set state = 'failed', attempts = ${attempts}, lease_owner = null, lease_until = null,
      error = ${result.reason}, error_code = ${result.code ?? null} where id in (${ids})`)
    log.error({ to: maskNumber(first.number), attempts, code: result.code }, `paging: text failed: ${result.reason}`)
    await this.#history({ time: now, number: first.number, text: body, kind: first.kind, outcome: 'failed', segments: 0, providerSid: null })
    if (result.code !== undefined && UNREACHABLE.has(result.code)) {
      if (result.code === 21610) {
        await db.run(sql`insert into paging_optouts (number, since, reason) values (${first.number}, ${now}, 'twilio 21610') on conflict do nothing`)
      }
      await this.#warnAdmins(`Operator paging: cannot text ${maskNumber(first.number)}: ${result.reason}. Paging goes past them.`, `unreachable:${first.number}:${result.code}`, now)
    }
    await this.escalateRows(rows, now)
    return 0
  }

  /** The pages among `rows` failed to reach their person: each incident's next step is due now. */
  async escalateRows (rows: ReadonlyArray<Pick<OutboxRow, 'kind' | 'incident_id' | 'step'>>, now: number): Promise<void> {
    for (const r of rows) {
      if (r.kind === 'page' && r.incident_id !== null && r.step !== null) await this.#p.escalateNow(Number(r.incident_id), Number(r.step), now)
    }
  }

  async #history (entry: PageHistoryEntry): Promise<void> {
    try {
      await this.#p.history([entry])
    } catch (err) {
      this.#p.log.warn({ err: (err as Error).message }, 'paging: the text is recorded on the outbox but not in the history')
    }
  }

  /** At 80% of the day's budget the admins hear it once. */
  async #checkBudget (now: number): Promise<void> {
    const budget = this.#p.settings.dailySegments
    if (budget <= 0) return
    const used = await this.#segmentsToday(now)
    // The notice's key makes it once a day, whichever replica crosses the line.
    if (used >= budget * 0.8) {
      await this.#warnAdmins(`Operator paging: ${used} of ${budget} SMS segments used today (SMS_DAILY_SEGMENTS).`, `budget-80:${Math.floor(now / DAY)}`, now)
    }
  }
}
