import t from 'tap'
import { sql } from '../src/store/sql.js'
import { queueNotice } from '../src/paging/queue.js'
import { ALICE, alert, batch, pagingRig } from './fixtures/paging.js'
import { pgSkip } from './fixtures/store-engines.js'

// Two replicas on one PostgreSQL: the outbox rows are leased with FOR UPDATE SKIP LOCKED, escalation steps move by
// compare-and-set, so however their passes interleave each text goes out once.
t.test('two replicas on PostgreSQL send each text once', { skip: await pgSkip() }, async (t) => {
  const rig = await pagingRig(t, 'postgres')
  const other = await rig.replica()
  const numbers = Array.from({ length: 60 }, (_, i) => `+1415555${String(1000 + i)}`)
  await queueNotice(rig.store.db, numbers, 'Operator test notice', 'replicas', rig.time.now())
  await rig.engine.ingest('alertmanager', batch([alert()]))
  // Replica B sees the same notification (an HA twin reached it): recognised, nothing queued.
  t.equal((await other.engine.ingest('alertmanager', batch([alert()]))).duplicate, true)
  for (let round = 0; round < 4; round++) await Promise.all([rig.engine.tick(), other.engine.tick(), rig.engine.tick(), other.engine.tick()])
  const sent = rig.twilio.messages.map((m) => m.to)
  t.equal(sent.length, 61, 'sixty notices and one page')
  t.equal(new Set(sent).size, 61, 'nobody got a text twice')
  t.equal(sent.filter((n) => n === ALICE).length, 1)
  // The escalation is due: both replicas try it at once; one step is paged once.
  rig.time.advance(10 * 60_000)
  await Promise.all([rig.engine.tick(), other.engine.tick()])
  await Promise.all([rig.engine.tick(), other.engine.tick()])
  t.equal(rig.twilio.messages.length, 62)
  const steps = await rig.store.db.all<{ escalation_step: number }>(sql`select escalation_step from paging_incidents`)
  t.same(steps.map((s) => Number(s.escalation_step)), [1])
})

t.test('two replicas opening incidents for one person at once give her different codes', { skip: await pgSkip() }, async (t) => {
  const rig = await pagingRig(t, 'postgres', { rotation: [ALICE] })
  const other = await rig.replica()
  await Promise.all([
    rig.engine.ingest('alertmanager', batch([alert({ name: 'One' })])),
    other.engine.ingest('alertmanager', batch([alert({ name: 'Two' })])),
    rig.engine.ingest('alertmanager', batch([alert({ name: 'Three' })]))
  ])
  const codes = await rig.store.db.all<{ code: number }>(sql`select code from paging_codes where number = ${ALICE} order by code`)
  t.same(codes.map((c) => Number(c.code)), [1, 2, 3])
})
