import { hostname } from 'node:os'
import { randomBytes } from 'node:crypto'
import type { FastifyBaseLogger } from 'fastify'
import { sql } from '../store/sql.js'
import type { Db } from '../store/db.js'
import type { MessageRepository } from '../store/types.js'
import { OutboundSender } from '../channels/sms/outbound.js'
import { ERR_PAGING_UNAVAILABLE } from '../errors.js'
import { recordDelivery } from './delivery.js'
import { escalateNow, runDueEscalations } from './escalation.js'
import { factsOf, firingAlerts, type IncidentRow } from './facts.js'
import { recordDeliveryStatus, recordPageHistory } from './history.js'
import { checkBatch, ingestBatch } from './ingest.js'
import { handoffAtOrBefore, onCallAt, rotationChain, type OnCallNow, type Rotation } from './oncall.js'
import { OutboxWorker, type SendText } from './outbox.js'
import type { PagingSettings } from './settings.js'
import type { AlertBatch, AlertSourceActions, IngestResult } from './types.js'

export interface PagingEngineParts {
  readonly db: Db
  readonly messages: MessageRepository
  readonly settings: PagingSettings
  readonly log: FastifyBaseLogger
  readonly now?: () => number
  /** Default: Twilio through the SMS channel's sender, one try per call. */
  readonly send?: SendText
  /** How often due rows are looked for (default 1 s); an ingest looks at once. */
  readonly pollMs?: number
  readonly leaseMs?: number
}

/** An open incident as `alerts` lists it. */
export interface IncidentSummary {
  readonly id: number
  /** The asker's reply code for it, when they were paged. */
  readonly code: number | undefined
  readonly title: string
  readonly severity: string | null
  readonly details: readonly string[]
  readonly firing: number
  readonly openedAt: number
  readonly ackedBy: string | null
}

function oneLine (err: unknown): string {
  return ((err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '').slice(0, 200)
}

/**
 * Core's paging: alerts in (from alert-source plugins), pages out through the outbox, escalations when nobody acks,
 * delivery status back from Twilio. Everything due is a row; the timer here only looks for due rows, so a restart or
 * a second replica loses and repeats nothing.
 */
export class PagingEngine {
  readonly #db: Db
  readonly #messages: MessageRepository
  readonly #s: PagingSettings
  readonly #log: FastifyBaseLogger
  readonly #now: () => number
  readonly #outbox: OutboxWorker
  readonly #pollMs: number
  readonly #sources = new Map<string, AlertSourceActions>()
  #rotation: Rotation | undefined
  #timer: NodeJS.Timeout | undefined
  #running: Promise<void> | undefined
  #again = false
  #started = false
  #stopped = false

  constructor (parts: PagingEngineParts) {
    this.#db = parts.db
    this.#messages = parts.messages
    this.#s = parts.settings
    this.#log = parts.log
    this.#now = parts.now ?? Date.now
    this.#pollMs = parts.pollMs ?? 1000
    const owner = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`
    const sender = new OutboundSender(parts.settings.outbound, parts.log)
    const send: SendText = parts.send ?? (async (to, body, statusCallback) =>
      await sender.send(to, body, statusCallback === undefined ? {} : { statusCallback }))
    this.#outbox = new OutboxWorker({
      db: this.#db,
      send,
      log: parts.log,
      settings: {
        owner,
        leaseMs: parts.leaseMs ?? 60_000,
        batch: 50,
        per15Minutes: 5,
        perHour: 11,
        dailySegments: parts.settings.dailySegments,
        admins: parts.settings.admins,
        statusCallback: parts.settings.statusCallback,
        maxAttempts: 8,
        baseDelayMs: 2000,
        maxDelayMs: 5 * 60_000
      },
      history: async (entries) => { await recordPageHistory(this.#messages, entries) },
      escalateNow: async (incidentId, step, now) => {
        const moved = await escalateNow(this.#db, incidentId, step, now)
        if (moved) this.kick()
        return moved
      }
    })
  }

  get settings (): PagingSettings {
    return this.#s
  }

  /** An alert source's actions (silence, expire), for the reply side. */
  addSource (name: string, actions: AlertSourceActions): void {
    this.#sources.set(name, actions)
  }

  source (name: string): AlertSourceActions | undefined {
    return this.#sources.get(name)
  }

  /** Starts looking for due rows. */
  start (): void {
    if (this.#s.rotation.length === 0) this.#log.warn('paging: ONCALL_NUMBERS is empty: alerts are stored, nobody is paged')
    if (this.#s.statusCallback === undefined) this.#log.warn('paging: PUBLIC_URL is not set: pages are sent without a status callback, so a failed delivery escalates only after the timeout')
    this.#started = true
    // The Twilio SDK is imported on the first send (~100 ms, more on a busy machine); a daemon that pages loads it now,
    // in the background, so the first page does not wait for it.
    if (this.#s.rotation.length > 0) import('twilio').catch(() => {})
    this.#timer = setInterval(() => { this.kick() }, this.#pollMs)
    this.#timer.unref()
    this.kick()
  }

  async stop (): Promise<void> {
    this.#stopped = true
    clearInterval(this.#timer)
    await this.#running
  }

  /** Looks for due work now (after an ingest, a failed delivery), at most one pass at a time. */
  kick (): void {
    if (!this.#started || this.#stopped) return
    if (this.#running !== undefined) {
      this.#again = true
      return
    }
    this.#running = this.tick().finally(() => {
      this.#running = undefined
      if (this.#again) {
        this.#again = false
        this.kick()
      }
    })
  }

  /** One pass: escalations due, then texts due. Errors are logged; the rows stay due for the next pass. */
  async tick (): Promise<void> {
    try {
      const now = this.#now()
      await runDueEscalations(this.#db, now)
      await this.#outbox.runDue(now)
    } catch (err) {
      this.#log.warn({ err: oneLine(err) }, 'paging: a pass over due work failed; it is tried again')
    }
  }

  async #rotationNow (): Promise<Rotation> {
    if (this.#rotation !== undefined) return this.#rotation
    // The first start fixes when the first number's shift began; every replica and restart reads the same anchor.
    await this.#db.run(sql`insert into paging_meta (key, value) values ('rotation.anchor', ${String(handoffAtOrBefore(this.#now()))}) on conflict do nothing`)
    const rows = await this.#db.all<{ value: string }>(sql`select value from paging_meta where key = 'rotation.anchor'`)
    this.#rotation = { numbers: this.#s.rotation, shiftMs: this.#s.shiftMs, anchor: Number(rows[0]!.value) }
    return this.#rotation
  }

  /** Stores a notification and queues its pages; 503-coded error while the store is unavailable. */
  async ingest (source: string, batch: AlertBatch): Promise<IngestResult> {
    checkBatch(batch)
    let result: IngestResult
    try {
      const rotation = await this.#rotationNow()
      const now = this.#now()
      result = await ingestBatch(this.#db, {
        source, now, resolvedNotices: this.#s.resolvedNotices,
        chain: (_labels, at) => rotationChain(rotation, this.#s.escalateAfterMs, at)
      }, batch)
    } catch (err) {
      this.#log.warn({ source, err: oneLine(err) }, 'paging: alerts not stored; the sender is told to retry')
      throw new ERR_PAGING_UNAVAILABLE(oneLine(err))
    }
    if (result.queued > 0) this.kick()
    return result
  }

  /** Twilio's status callback: on the outbox and history rows; a page that failed to deliver escalates at once. */
  async onDeliveryStatus (sid: string, status: string, errorCode: number | null): Promise<void> {
    const now = this.#now()
    const update = await recordDelivery(this.#db, sid, status, errorCode)
    // A late `sent` after `undelivered` changes neither row; texts that are not pages (replies) are recorded as they come.
    if (update.recorded || !update.known) await recordDeliveryStatus(this.#messages, sid, status)
    if (update.pages.length > 0) {
      this.#log.warn({ sid, status, errorCode }, 'paging: a page was not delivered; escalating now')
      await this.#outbox.escalateRows(update.pages, now)
    }
  }

  /** Who is on call now and when it hands over; undefined without a rotation. */
  async onCall (): Promise<OnCallNow | undefined> {
    return onCallAt(await this.#rotationNow(), this.#now())
  }

  /** Open incidents, newest first, with the asker's reply codes. */
  async openIncidents (asker: string, limit = 20): Promise<IncidentSummary[]> {
    const rows = await this.#db.all<IncidentRow & { code: number | null }>(sql`select i.*, c.code from paging_incidents i
      left join paging_codes c on c.incident_id = i.id and c.number = ${asker}
      where i.closed_at is null order by i.opened_at desc, i.id desc limit ${limit}`)
    const out: IncidentSummary[] = []
    for (const r of rows) {
      const alerts = await firingAlerts(this.#db, r.id)
      const facts = factsOf(0, r.title, alerts, r.severity, r.opened_at)
      out.push({
        id: Number(r.id), code: r.code === null ? undefined : Number(r.code), title: r.title, severity: facts.severity,
        details: facts.details, firing: alerts.length, openedAt: Number(r.opened_at), ackedBy: r.acked_by
      })
    }
    return out
  }

  now (): number {
    return this.#now()
  }
}
