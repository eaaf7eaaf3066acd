import t from 'tap'
import Fastify from 'fastify'
import { sql } from '../src/store/sql.js'
import { bundleText, pageText, resolvedText, toGsm7, detailsOf, ageText } from '../src/paging/text.js'
import { pagingSettings } from '../src/paging/settings.js'
import { handoffAtOrBefore, onCallAt, personName, rotationChain } from '../src/paging/oncall.js'
import { webhookAuth } from '../src/paging/webhook-auth.js'
import { alertsCommand, oncallCommand } from '../src/paging/commands.js'
import { factsOf, worstSeverity } from '../src/paging/facts.js'
import { escalateNow } from '../src/paging/escalation.js'
import { definePlugin } from '../src/plugins/contract.js'
import { buildApp } from '../src/app.js'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { validateEnv } from '../src/config/env-validate.js'
import { parseConfig } from '../src/config/file.js'
import { countSegments } from '../src/sms/segments.js'
import { ALICE, BOB, alert, batch, pagingRig } from './fixtures/paging.js'

const facts = { code: 3, title: 'TargetDown', severity: 'critical', details: ['api-3', 'prod'], firing: 1, since: 0 }

t.test('page texts: one GSM-7 segment, cut from the details and then the title, the reply hint always kept', async (t) => {
  t.equal(pageText(facts, 120_000), 'FIRING 3: TargetDown api-3 prod (critical) 2m. Reply 3a ack, 3s silence')
  t.equal(pageText({ ...facts, firing: 4, severity: null, details: [] }, 3_725_000), 'FIRING 3: 4x TargetDown 1h2m. Reply 3a ack, 3s silence')
  const long = pageText({ ...facts, title: 'Disk ✓ full ' + 'x'.repeat(300), details: ['a'.repeat(50), 'b'.repeat(50)] }, 0)
  t.equal(countSegments(long).segments, 1)
  t.equal(countSegments(long).encoding, 'GSM-7')
  t.match(long, /^FIRING 3: Disk \? full x+~ \(critical\) 0s\. Reply 3a ack, 3s silence$/)
  t.equal(toGsm7('café “quoted” 🔥'), 'café "quoted" ?')
  t.equal(resolvedText({ code: 3, title: 'TargetDown', details: ['api-3'] }, 0, 14 * 60_000), 'RESOLVED 3: TargetDown api-3 after 14m')
  t.equal(resolvedText({ code: 3, title: 'TargetDown', details: [] }, 0, 5000), 'RESOLVED 3: TargetDown after 5s')
  t.equal(ageText(-5), '0s')
})

t.test('a bundle names every code it can and counts the rest', async (t) => {
  const many = Array.from({ length: 12 }, (_, i) => ({ ...facts, code: i + 1, title: `Alert${i}LongName`, details: ['somewhere-far-away'] }))
  const text = bundleText(many)
  t.ok(countSegments(text).segments <= 2)
  t.match(text, /^12 alerts firing: 1 Alert0LongName somewhere-far-away \(critical\); .*; \+\d+ more\. Reply 1a\/2a/)
  const wide = bundleText([{ ...facts, title: 'T'.repeat(90) }, { ...facts, code: 4 }])
  t.match(wide, /^2 alerts firing: 3 T{57}~; 4 TargetDown/)
})

t.test('details: where-labels first, ports dropped, values distinct, at most four', async (t) => {
  t.same(detailsOf([{ alertname: 'X', instance: 'api-3:9100', job: 'node', env: 'prod' }]), ['api-3', 'prod', 'node'])
  t.same(detailsOf([{ zone: 'a' }, { zone: 'b' }, { zone: 'c' }, { zone: 'd' }, { zone: 'e' }]), ['a', 'b', 'c', 'd'])
  t.same(detailsOf([]), [])
  t.same(detailsOf([{ instance: '' }]), [])
  t.equal(worstSeverity(['warning', null, 'odd', 'CRITICAL', '']), 'CRITICAL')
  t.equal(worstSeverity(['odd', 'warning']), 'warning')
  t.equal(worstSeverity([]), null)
  t.match(factsOf(1, 'X', [], null, 42), { since: 42, firing: 1, severity: null })
})

t.test('the rotation: Monday 09:00 UTC handoffs, the chain in rotation order from whoever is on call', async (t) => {
  const monday9 = Date.UTC(2026, 0, 12, 9)
  t.equal(handoffAtOrBefore(monday9 + 1000), monday9)
  t.equal(handoffAtOrBefore(monday9 - 1000), monday9 - 7 * 86_400_000)
  const rotation = { numbers: [ALICE, BOB], shiftMs: 7 * 86_400_000, anchor: monday9 }
  t.match(onCallAt(rotation, monday9 - 1), { number: BOB, until: monday9 })
  t.same(rotationChain(rotation, 600_000, monday9 + 8 * 86_400_000).map((s) => s.numbers), [[BOB], [ALICE]])
  t.equal(onCallAt({ ...rotation, numbers: [] }, monday9), undefined)
  t.same(rotationChain({ ...rotation, numbers: [] }, 1, monday9), [])
  t.equal(personName(new Map([[ALICE, 'alice']]), ALICE), 'alice')
  t.equal(personName(new Map(), BOB), '+1415***0101')
})

t.test('paging settings: checked at start-up with the key that is wrong', async (t) => {
  const file = (oncall: unknown): ReturnType<typeof parseConfig> => parseConfig({ oncall }, 'operator.config.json', '/tmp')
  const env = (over: Record<string, string>): ReturnType<typeof validateEnv> => validateEnv({ ONCALL_NUMBERS: '+1 415 555 0100, +14155550101,+14155550100', AUTHORIZED_NUMBERS: '+14155550199:admin,+14155550100', ...over })
  const s = pagingSettings(env({ PUBLIC_URL: 'https://ops.example.com/' }), file({ people: { '+1 (415) 555-0100': 'alice' } }))
  t.same(s.rotation, [ALICE, BOB])
  t.same(s.admins, ['+14155550199'])
  t.equal(s.statusCallback, 'https://ops.example.com/sms/status')
  t.equal(s.names.get(ALICE), 'alice')
  t.equal(s.escalateAfterMs, 600_000)
  t.equal(pagingSettings(env({}), file({})).statusCallback, undefined)
  t.throws(() => pagingSettings(env({ ONCALL_ESCALATE_AFTER: 'soon' }), file({})), { code: 'OPR_ERR_PAGING_CONFIG', message: /ONCALL_ESCALATE_AFTER/ })
  t.throws(() => pagingSettings(env({ ONCALL_NUMBERS: '+14155550100,555-0101' }), file({})), { message: /ONCALL_NUMBERS entry 2 \(55\*\*\*01\)/ })
  t.throws(() => pagingSettings(env({}), file({ people: [] })), { message: /oncall.people must map numbers to names/ })
  t.throws(() => pagingSettings(env({}), file({ people: { 'not a number': 'x' } })), { message: /not an international number/ })
  t.throws(() => pagingSettings(env({}), file({ people: { [ALICE]: '<script>' } })), { message: /must be a short name/ })
})

t.test('webhookAuth: bearer, basic, loopback only when allowed and direct', async (t) => {
  const app = Fastify()
  const checks = {
    token: webhookAuth({ token: 'tok', allowLoopback: false }),
    basic: webhookAuth({ username: 'u', password: 'p', allowLoopback: false }),
    none: webhookAuth({ allowLoopback: false }),
    dev: webhookAuth({ allowLoopback: true }),
    nopass: webhookAuth({ username: 'u', allowLoopback: false })
  }
  app.post('/:which', async (req) => ({ refused: checks[(req.params as { which: keyof typeof checks }).which](req) ?? null }))
  const ask = async (which: string, headers: Record<string, string> = {}, remoteAddress = '127.0.0.1'): Promise<string | null> =>
    (await app.inject({ method: 'POST', url: `/${which}`, headers, remoteAddress })).json<{ refused: string | null }>().refused
  t.equal(await ask('token', { authorization: 'Bearer tok' }), null)
  t.equal(await ask('token', { authorization: 'bearer  tok ' }), null)
  t.match(await ask('token', { authorization: 'Basic dTpw' }), /do not match/)
  t.equal(await ask('basic', { authorization: 'Basic dTpw' }), null)
  t.match(await ask('basic', { authorization: 'Bearer tok' }), /do not match/)
  t.match(await ask('token'), /credentials required/)
  t.match(await ask('none'), /no webhook token or credentials are configured/)
  t.equal(await ask('dev'), null)
  t.match(await ask('dev', {}, '192.0.2.1'), /no webhook token/)
  t.match(await ask('dev', { 'x-real-ip': '192.0.2.1' }), /no webhook token/)
  t.match(await ask('token', { authorization: 'Bearer' }), /do not match/)
  t.equal(await ask('nopass', { authorization: `Basic ${Buffer.from('u:').toString('base64')}` }), null)
  await app.close()
})

t.test('alerts and oncall commands; a started engine sends as soon as an alert is stored', async (t) => {
  const rig = await pagingRig(t, 'sqlite')
  const alerts = alertsCommand(rig.engine)
  const oncall = oncallCommand(rig.engine)
  const ctx = (id: string): Parameters<typeof alerts.run>[0] => ({ args: '', argv: [], signal: AbortSignal.timeout(5000), sender: { id, role: 'viewer', channel: 'sms' }, deadlineMs: 5000, budget: 480, log: undefined as never })
  t.equal(await alerts.run(ctx(ALICE)), 'No open incidents.')
  t.equal(await oncall.run(ctx(ALICE)), 'On call: alice until Mon 19 Jan 09:00 UTC. Next: +1415***0101.')
  // Words neither takes are refused (the dispatcher then reads the whole text as plain English).
  await t.rejects(async () => await alerts.run({ ...ctx(ALICE), args: 'firing', argv: ['firing'] }), { code: 'OPR_ERR_COMMAND_USAGE', message: 'Usage: alerts [source]' })
  await t.rejects(async () => await oncall.run({ ...ctx(ALICE), args: 'take', argv: ['take'] }), { code: 'OPR_ERR_COMMAND_USAGE', message: /^Usage: oncall/ })

  rig.engine.start()
  t.teardown(async () => { await rig.engine.stop() })
  await rig.engine.ingest('alertmanager', batch([alert(), alert({ instance: 'api-4:9100', fingerprint: 'fp2' })]))
  await rig.engine.ingest('alertmanager', batch([alert({ name: 'Lag', instance: 'db-1', labels: { alertname: 'Lag', instance: 'db-1' } })]))
  for (let i = 0; i < 500 && rig.twilio.messages.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20))
  t.ok(rig.twilio.messages.length >= 1, 'sent without a tick from the test')
  rig.time.advance(3 * 60_000)
  t.equal(await alerts.run(ctx(ALICE)), '2 open:\n2 Lag db-1 3m\n1 2x TargetDown api-3 api-4 (critical) 3m')
  t.equal(await alerts.run(ctx(BOB)), '2 open:\n#2 Lag db-1 3m\n#1 2x TargetDown api-3 api-4 (critical) 3m')

  // A second alert of an open group joins it quietly; the group closes only when nothing in it fires.
  await rig.store.db.run(sql`update paging_incidents set acked_at = 1, acked_by = 'alice' where title = 'Lag'`)
  t.match(await alerts.run(ctx(ALICE)), /^2 open:\n2 Lag db-1 3m acked by alice\n/)
  const partial = await rig.engine.ingest('alertmanager', batch([alert({ status: 'resolved' }), alert({ instance: 'api-4:9100', fingerprint: 'fp2' })]))
  t.match(partial, { closed: 0, queued: 0 })
  // A resolved notification for a group with no open incident is stored and pages nobody.
  t.match(await rig.engine.ingest('alertmanager', batch([alert({ name: 'Old', status: 'resolved' })])), { opened: 0, queued: 0, alerts: 1 })
})

t.test('a lone person in the rotation; nobody in it', async (t) => {
  const lone = await pagingRig(t, 'sqlite', { rotation: [ALICE] })
  t.equal(await oncallCommand(lone.engine).run({ argv: [] } as never), 'On call: alice, alone in the rotation.')
  const none = await pagingRig(t, 'sqlite', { rotation: [], statusCallback: undefined })
  t.equal(await oncallCommand(none.engine).run({ argv: [] } as never), 'Nobody is on call: set ONCALL_NUMBERS (a weekly rotation, in order).')
  none.engine.start()
  await none.engine.stop()
  none.engine.kick()
  t.match(await none.engine.ingest('x', batch([alert()])), { opened: 1, queued: 0 })
})

t.test('pages of an incident that closed or was acked before they went out are cancelled, not sent', async (t) => {
  const rig = await pagingRig(t, 'sqlite', { rotation: [ALICE], resolvedNotices: false })
  await rig.engine.ingest('alertmanager', batch([alert()]))
  await rig.store.db.run(sql`update paging_incidents set acked_at = 1`)
  await rig.engine.tick()
  t.equal(rig.twilio.messages.length, 0)
  const rows = await rig.store.db.all<{ state: string }>(sql`select state from paging_outbox`)
  t.same(rows.map((r) => r.state), ['cancelled'])
  // A pass that fails (the store closed under it) is logged and tried again later.
  await rig.store.close()
  await rig.engine.tick()
})

t.test('history, escalation edges, sources and delivery stages', async (t) => {
  const rig = await pagingRig(t, 'sqlite')
  rig.engine.addSource('alertmanager', {})
  t.same(rig.engine.source('alertmanager'), {})
  t.equal(rig.engine.source('grafana'), undefined)
  await rig.engine.ingest('alertmanager', batch([alert()]))
  // The history table is gone: the page still goes out and stays recorded on its outbox row.
  await rig.store.db.run(sql`alter table messages rename to messages_away`)
  await rig.engine.tick()
  t.equal(rig.twilio.messages.length, 1)
  await rig.store.db.run(sql`alter table messages_away rename to messages`)
  await rig.engine.onDeliveryStatus(rig.twilio.messages[0]!.sid, 'weird-status', null)
  await rig.engine.onDeliveryStatus(rig.twilio.messages[0]!.sid, 'queued', null)
  // Nobody acks: every step is paged in turn, then nothing more.
  for (let i = 0; i < 4; i++) {
    rig.time.advance(10 * 60_000)
    await rig.engine.tick()
  }
  t.same(rig.twilio.messages.map((m) => m.to), [ALICE, BOB, '+14155550102'])
  t.equal(await escalateNow(rig.store.db, 1, 2, rig.time.now()), false, 'the last step has nobody after it')
  t.equal(await escalateNow(rig.store.db, 99, 0, rig.time.now()), false, 'no such incident')
  // Resolved notices off: the end of the incident texts nobody.
  const quiet = await pagingRig(t, 'sqlite', { rotation: [ALICE], resolvedNotices: false })
  await quiet.engine.ingest('alertmanager', batch([alert()]))
  await quiet.engine.tick()
  t.match(await quiet.engine.ingest('alertmanager', batch([alert({ status: 'resolved' })])), { closed: 1, queued: 0 })
})

t.test('op.alertSource: the ingest function of a plugin, 503 when no store is open', async (t) => {
  let ingest: ReturnType<Parameters<Parameters<typeof definePlugin>[0]['register']>[0]['alertSource']> | undefined
  const source = definePlugin({ name: 'custom-source', register (op) { ingest = op.alertSource({ name: 'custom', actions: {} }) } })
  for (const withStore of [true, false]) {
    const dir = mkdtempSync(join(tmpdir(), 'operator-source-'))
    const app = await buildApp({ cwd: dir, env: withStore ? { OPERATOR_DATA_DIR: join(dir, 'data'), ONCALL_NUMBERS: ALICE } : {}, plugins: [{ plugin: source }] })
    await app.ready()
    if (withStore) {
      t.match(await ingest!(batch([alert()])), { opened: 1, queued: 1 })
      t.same(app.operator.paging!.source('custom'), {})
      t.match(await app.operator.dispatcher.dispatch('alerts', { id: ALICE, role: 'viewer', channel: 'sms' }), { reply: /^1 open:\n1 TargetDown/ })
    } else {
      await t.rejects(ingest!(batch([alert()])), { code: 'OPR_ERR_PAGING_UNAVAILABLE', statusCode: 503 })
    }
    await app.close()
    rmSync(dir, { recursive: true, force: true })
  }
})

t.test('alerts and oncall appear once someone is on call; then `alerts prometheus` says what Prometheus needs', async (t) => {
  for (const oncall of [false, true]) {
    const dir = mkdtempSync(join(tmpdir(), 'operator-paging-cmds-'))
    const app = await buildApp({ cwd: dir, env: { OPERATOR_DATA_DIR: join(dir, 'data'), ...(oncall ? { ONCALL_NUMBERS: ALICE } : {}) } })
    await app.ready()
    const run = async (text: string): Promise<string> => (await app.operator.dispatcher.dispatch(text, { id: ALICE, role: 'viewer', channel: 'sms' })).reply
    if (oncall) {
      t.equal(await run('alerts'), 'No open incidents.')
      t.equal(await run('alerts prometheus'), 'alerts prometheus needs the prometheus plugin: set PROMETHEUS_URL')
      t.match(await run('oncall'), /^On call: \+1415\*\*\*0100, alone in the rotation\.$/)
    } else {
      t.equal(await run('alerts'), 'alerts needs the prometheus plugin: set PROMETHEUS_URL')
      t.match(await run('oncall'), /^Unknown command 'oncall'/)
    }
    await app.close()
    rmSync(dir, { recursive: true, force: true })
  }
})
