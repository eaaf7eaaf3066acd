import { raw } from '../store/sql.js'
import type { Db } from '../store/db.js'

/**
 * The paging tables (migration 0003). Times are epoch milliseconds; labels, annotations, links and escalation chains
 * are JSON text (both engines read them back whole; nothing queries inside them).
 *
 * - `paging_notifications`: one row per notification received, keyed by source + groupKey + status + the sorted set
 *   of fingerprint:startsAt, so an HA pair's second copy or a retry pages nobody twice.
 * - `paging_incidents`: one per alert group while it is open (a partial unique index: at most one open per group);
 *   the escalation's due time is a column of the row (`escalate_at`), advanced by compare-and-set on
 *   `escalation_step`, so one replica wins each step. `acked_at`/`acked_by` are written by the reply side.
 * - `paging_alerts`: every alert received, by source + fingerprint + startsAt (a re-fire is a new row).
 * - `paging_codes`: the reply code each recipient got for an incident (`3` → `3a`), unique per number; a code is
 *   free again only 72 h after its incident closed, so a late reply never reaches a newer incident.
 * - `paging_outbox`: every text before it is sent; leased by one replica (`lease_owner`, `lease_until`), retried
 *   with `due_at` pushed back, `state` pending → sent | bundled (into another text) | failed | cancelled (its incident closed first), the delivery status from Twilio's callback.
 * - `paging_optouts`: numbers Twilio refused as opted out (21610); the reply side adds STOP/START.
 * - `paging_meta`: small durable settings (the rotation's anchor).
 */
export async function createPagingTables (db: Db): Promise<void> {
  const id = db.engine === 'postgres' ? 'bigserial primary key' : 'integer primary key autoincrement'
  await db.run(raw(`create table paging_notifications (
    key text primary key,
    source text not null,
    group_key text not null,
    received_at bigint not null
  )`))
  await db.run(raw('create index paging_notifications_received on paging_notifications (received_at)'))

  await db.run(raw(`create table paging_incidents (
    id ${id},
    source text not null,
    group_key text not null,
    title text not null,
    severity text,
    labels text not null,
    chain text not null,
    escalation_step integer not null default 0,
    escalate_at bigint,
    opened_at bigint not null,
    updated_at bigint not null,
    acked_at bigint,
    acked_by text,
    closed_at bigint,
    close_reason text
  )`))
  await db.run(raw('create unique index paging_incidents_open_group on paging_incidents (source, group_key) where closed_at is null'))
  await db.run(raw('create index paging_incidents_escalate on paging_incidents (escalate_at) where escalate_at is not null'))
  await db.run(raw('create index paging_incidents_opened on paging_incidents (opened_at)'))

  await db.run(raw(`create table paging_alerts (
    source text not null,
    fingerprint text not null,
    starts_at bigint not null,
    incident_id bigint,
    status text not null check (status in ('firing', 'resolved')),
    ends_at bigint,
    labels text not null,
    annotations text not null,
    summary text,
    severity text,
    links text not null,
    updated_at bigint not null,
    primary key (source, fingerprint, starts_at)
  )`))
  await db.run(raw('create index paging_alerts_incident on paging_alerts (incident_id, status)'))

  await db.run(raw(`create table paging_codes (
    number text not null,
    code integer not null,
    incident_id bigint not null,
    assigned_at bigint not null,
    primary key (number, code)
  )`))
  await db.run(raw('create index paging_codes_incident on paging_codes (incident_id)'))

  await db.run(raw(`create table paging_outbox (
    id ${id},
    number text not null,
    kind text not null check (kind in ('page', 'resolved', 'notice')),
    body text not null,
    incident_id bigint,
    step integer,
    dedup_key text unique,
    state text not null check (state in ('pending', 'sent', 'bundled', 'failed', 'cancelled')),
    due_at bigint not null,
    attempts integer not null default 0,
    lease_owner text,
    lease_until bigint,
    created_at bigint not null,
    sent_at bigint,
    segments integer not null default 0,
    provider_sid text,
    bundled_into bigint,
    error_code integer,
    error text,
    delivery_status text,
    delivery_error integer
  )`))
  await db.run(raw('create index paging_outbox_due on paging_outbox (state, due_at)'))
  await db.run(raw('create index paging_outbox_number_sent on paging_outbox (number, sent_at)'))
  await db.run(raw('create index paging_outbox_sent on paging_outbox (sent_at)'))
  await db.run(raw('create index paging_outbox_provider_sid on paging_outbox (provider_sid)'))
  await db.run(raw('create index paging_outbox_bundled on paging_outbox (bundled_into)'))

  await db.run(raw(`create table paging_optouts (
    number text primary key,
    since bigint not null,
    reason text not null
  )`))

  await db.run(raw(`create table paging_meta (
    key text primary key,
    value text not null
  )`))
}
