import t, { type Test } from 'tap'
import { sql } from '../src/store/sql.js'
import type { StoreEngine } from '../src/store/types.js'
import { ADMIN, ALICE, BOB, CAROL, T0, alert, batch, pagingRig } from './fixtures/paging.js'
import { pgSkip } from './fixtures/store-engines.js'

const MIN = 60_000

async function cases (t: Test, engine: StoreEngine): Promise<void> {
  t.test('a firing group pages whoever is on call once, its twin pages nobody, and its end is a resolved notice', async (t) => {
    const rig = await pagingRig(t, engine)
    const first = await rig.engine.ingest('alertmanager', batch([alert()]))
    t.same(first, { duplicate: false, alerts: 1, opened: 1, closed: 0, queued: 1 })
    await rig.engine.tick()
    t.equal(rig.twilio.messages.length, 1)
    const page = rig.twilio.messages[0]!
    t.equal(page.to, ALICE)
    t.equal(page.body, 'FIRING 1: TargetDown api-3 prod (critical) 2m. Reply 1a ack, 1s silence')
    t.equal(page.numSegments, 1)
    t.equal(page.statusCallback, 'https://ops.example.com/sms/status')

    const twin = await rig.engine.ingest('alertmanager', batch([alert()]))
    t.equal(twin.duplicate, true, 'an HA twin or a retry is recognised')
    await rig.engine.tick()
    t.equal(rig.twilio.messages.length, 1, 'nobody is paged twice')

    rig.time.advance(14 * MIN)
    const resolved = await rig.engine.ingest('alertmanager', batch([alert({ status: 'resolved', endsAt: rig.time.now() })]))
    t.match(resolved, { closed: 1, queued: 1 })
    await rig.engine.tick()
    t.equal(rig.twilio.messages[1]!.body, 'RESOLVED 1: TargetDown api-3 prod after 14m')
    t.equal(rig.twilio.messages[1]!.to, ALICE)

    const history = await rig.store.messages.query({ number: ALICE })
    t.same(history.items.map((m) => [m.command, m.outcome, m.plugin]), [['resolved', 'sent', 'paging'], ['page', 'sent', 'paging']])
    t.equal(history.items[1]!.providerSid, page.sid)
    t.same(await rig.engine.openIncidents(ALICE), [])
  })

  t.test('nobody acks: the next in the rotation is paged after ONCALL_ESCALATE_AFTER, once, and an ack stops it', async (t) => {
    const rig = await pagingRig(t, engine)
    await rig.engine.ingest('alertmanager', batch([alert()]))
    await rig.engine.tick()
    rig.time.advance(9 * MIN)
    await rig.engine.tick()
    t.equal(rig.twilio.messages.length, 1, 'not before the timeout')
    rig.time.advance(MIN)
    await rig.engine.tick()
    await rig.engine.tick()
    t.same(rig.twilio.messages.map((m) => m.to), [ALICE, BOB])
    t.match(rig.twilio.messages[1]!.body, /^FIRING 1: TargetDown/, 'Bob has his own code')

    // An ack (written by the reply side) stops the escalation: Carol is never paged.
    await rig.store.db.run(sql`update paging_incidents set acked_at = ${rig.time.now()}, acked_by = 'bob'`)
    rig.time.advance(30 * MIN)
    await rig.engine.tick()
    t.equal(rig.twilio.messages.length, 2)
    const open = await rig.engine.openIncidents(BOB)
    t.match(open, [{ code: 1, title: 'TargetDown', ackedBy: 'bob', firing: 1 }])
  })

  t.test('Twilio 429 and 500 are retried with backoff from the row; a restart keeps the count', async (t) => {
    const rig = await pagingRig(t, engine)
    // Faults are answered newest first: a 500, then a 429.
    rig.twilio.failNext('rate-limit', 1).failNext('server', 1)
    await rig.engine.ingest('alertmanager', batch([alert()]))
    await rig.engine.tick()
    t.equal(rig.twilio.messages.length, 0)
    let row = (await rig.store.db.all<{ attempts: number, state: string, error: string }>(sql`select attempts, state, error from paging_outbox`))[0]!
    t.match(row, { attempts: 1, state: 'pending', error: /HTTP 500/ })
    await rig.engine.tick()
    t.equal(rig.twilio.messages.length, 0, 'not before the backoff')
    rig.time.advance(2000)
    const other = await rig.replica()
    await other.engine.tick()
    row = (await rig.store.db.all<{ attempts: number, state: string, error: string }>(sql`select attempts, state, error from paging_outbox`))[0]!
    t.match(row, { attempts: 2, state: 'pending', error: /rate limit/ })
    rig.time.advance(4000)
    await other.engine.tick()
    t.equal(rig.twilio.messages.length, 1)
    t.equal(rig.twilio.messages[0]!.to, ALICE)
  })

  t.test('21610 (opted out) is recorded, the admins hear once, and the next person is paged at once', async (t) => {
    const rig = await pagingRig(t, engine)
    rig.twilio.failNext('opted-out', 1)
    await rig.engine.ingest('alertmanager', batch([alert()]))
    await rig.engine.tick()
    await rig.engine.tick()
    t.same(rig.twilio.messages.map((m) => m.to).sort(), [ADMIN, BOB].sort())
    t.match(rig.twilio.messages.find((m) => m.to === ADMIN)!.body, /cannot text \+1415\*\*\*0100: recipient opted out \(STOP\) \[21610\]/)
    const failed = await rig.store.db.all<{ state: string, error_code: number }>(sql`select state, error_code from paging_outbox where number = ${ALICE}`)
    t.same(failed.map((r) => [r.state, Number(r.error_code)]), [['failed', 21610]])
    t.equal((await rig.store.db.all(sql`select number from paging_optouts`)).length, 1)
    const history = await rig.store.messages.query({ number: ALICE })
    t.equal(history.items[0]!.outcome, 'failed')
  })

  t.test('an undelivered callback escalates at once and lands on the outbox and history rows', async (t) => {
    const rig = await pagingRig(t, engine)
    await rig.engine.ingest('alertmanager', batch([alert()]))
    await rig.engine.tick()
    const sid = rig.twilio.messages[0]!.sid
    await rig.engine.onDeliveryStatus(sid, 'sent', null)
    await rig.engine.onDeliveryStatus(sid, 'undelivered', 30003)
    await rig.engine.onDeliveryStatus(sid, 'sent', null) // out of order: ignored
    await rig.engine.tick()
    await rig.engine.tick()
    t.same(rig.twilio.messages.map((m) => m.to), [ALICE, BOB])
    const row = (await rig.store.db.all<{ delivery_status: string, delivery_error: number }>(sql`select delivery_status, delivery_error from paging_outbox where provider_sid = ${sid}`))[0]!
    t.same([row.delivery_status, Number(row.delivery_error)], ['undelivered', 30003])
    const history = await rig.store.messages.query({ number: ALICE })
    t.equal(history.items[0]!.deliveryStatus, 'undelivered')
    await rig.engine.onDeliveryStatus('SM' + '0'.repeat(32), 'delivered', null) // unknown SID: nothing to do
  })

  t.test('several incidents waiting for one person go out as one text', async (t) => {
    const rig = await pagingRig(t, engine, { rotation: [ALICE] })
    await rig.engine.ingest('alertmanager', batch([alert({ name: 'TargetDown' })]))
    await rig.engine.ingest('alertmanager', batch([alert({ name: 'HighLatency', instance: 'checkout' }), alert({ name: 'HighLatency', instance: 'cart' })]))
    // Both rows are due before the pass that sends them.
    await rig.engine.tick()
    const bodies = rig.twilio.messages.map((m) => m.body)
    t.ok(bodies.length <= 2)
    const all = bodies.join('\n')
    t.match(all, /TargetDown/)
    t.match(all, /HighLatency/)
    for (const m of rig.twilio.messages) t.equal(m.numSegments <= 2, true)
  })

  t.test('throttle: at most 5 alert texts per 15 minutes per number; the rest go out bundled after', async (t) => {
    const rig = await pagingRig(t, engine, { rotation: [ALICE] })
    for (let i = 0; i < 8; i++) {
      await rig.engine.ingest('alertmanager', batch([alert({ name: `Alert${i}` })]))
      await rig.engine.tick()
      rig.time.advance(1000)
    }
    t.equal(rig.twilio.messages.length, 5, 'five texts, three held')
    const held = await rig.store.db.all<{ due_at: number }>(sql`select due_at from paging_outbox where state = 'pending'`)
    t.equal(held.length, 3)
    rig.time.advance(15 * MIN)
    await rig.engine.tick()
    t.equal(rig.twilio.messages.length, 6, 'the held pages went out as one text')
    t.match(rig.twilio.messages[5]!.body, /^3 alerts firing: 6 Alert5 .*; 7 Alert6 .*; 8 Alert7 .*Reply 6a\/7a\/8a ack, or 'ack all'$/)
    const bundled = await rig.store.db.all(sql`select id from paging_outbox where state = 'bundled'`)
    t.equal(bundled.length, 2)
  })

  t.test('the daily segment budget: admins warned at 80%, pages held when it is spent', async (t) => {
    const rig = await pagingRig(t, engine, { rotation: [ALICE], dailySegments: 5 })
    for (let i = 0; i < 6; i++) {
      await rig.engine.ingest('alertmanager', batch([alert({ name: `Budget${i}` })]))
      await rig.engine.tick()
      await rig.engine.tick()
      rig.time.advance(4 * MIN)
    }
    const admin = rig.twilio.messages.filter((m) => m.to === ADMIN).map((m) => m.body)
    t.match(admin[0], /4 of 5 SMS segments used today/)
    t.match(admin[1], /SMS_DAILY_SEGMENTS \(5\) is spent/)
    t.equal(admin.length, 2, 'each warning once')
    // Four pages and the 80% warning spent the five segments; the fifth and sixth pages wait for tomorrow.
    t.equal(rig.twilio.messages.filter((m) => m.to === ALICE).length, 4)
    rig.time.set(Date.UTC(2026, 0, 13, 0, 0, 1))
    await rig.engine.tick()
    t.match(rig.twilio.messages.at(-1), { to: ALICE, body: /^2 alerts firing: 5 Budget4 .*; 6 Budget5/ })
  })

  t.test('reply codes are per recipient and reused only 72 h after their incident closed', async (t) => {
    const rig = await pagingRig(t, engine, { rotation: [ALICE] })
    await rig.engine.ingest('alertmanager', batch([alert({ name: 'A' })]))
    await rig.engine.ingest('alertmanager', batch([alert({ name: 'B' })]))
    await rig.engine.ingest('alertmanager', batch([alert({ name: 'A', status: 'resolved' })]))
    rig.time.advance(71 * 3_600_000)
    await rig.engine.ingest('alertmanager', batch([alert({ name: 'C' })]))
    rig.time.advance(2 * 3_600_000)
    await rig.engine.ingest('alertmanager', batch([alert({ name: 'D' })]))
    const codes = await rig.store.db.all<{ title: string, code: number }>(sql`select i.title, c.code from paging_codes c join paging_incidents i on i.id = c.incident_id order by c.assigned_at, c.code`)
    t.same(codes.map((c) => [c.title, Number(c.code)]), [['B', 2], ['C', 3], ['D', 1]])
  })

  t.test('bad notifications are refused with 400 and a store that is down answers 503', async (t) => {
    const rig = await pagingRig(t, engine)
    await t.rejects(rig.engine.ingest('x', { groupKey: '', status: 'firing', alerts: [alert()] }), { code: 'OPR_ERR_ALERT_INVALID', statusCode: 400 })
    await t.rejects(rig.engine.ingest('x', batch([{ ...alert(), startsAt: Number.NaN }])), { message: /startsAt/ })
    await t.rejects(rig.engine.ingest('x', { ...batch([alert()]), alerts: [{ ...alert(), labels: { a: 1 } as never }] }), { message: /alerts\[0\]\.labels/ })
    await rig.store.close()
    await t.rejects(rig.engine.ingest('x', batch([alert()])), { code: 'OPR_ERR_PAGING_UNAVAILABLE', statusCode: 503 })
  })

  t.test('oncall: a weekly rotation from the Monday 09:00 UTC before the first start', async (t) => {
    const rig = await pagingRig(t, engine)
    t.match(await rig.engine.onCall(), { number: ALICE, next: BOB, until: Date.UTC(2026, 0, 19, 9) })
    rig.time.advance(7 * 86_400_000)
    t.match(await rig.engine.onCall(), { number: BOB, next: CAROL })
    t.equal(T0 > 0, true)
  })
}

t.test('sqlite', async (t) => { await cases(t, 'sqlite') })
t.test('postgres', { skip: await pgSkip() }, async (t) => { await cases(t, 'postgres') })
