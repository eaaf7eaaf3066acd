import t, { type Test } from 'tap'
import { buildApp } from '../src/app.js'
import { definePlugin } from '../src/plugins/contract.js'
import { maskNumber, normalizeNumber } from '../src/channels/sms/numbers.js'
import { parseAuthorizedNumbers } from '../src/channels/sms/senders.js'

const EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response/>'

function rolesPlugin () {
  const runs: string[] = []
  const plugin = definePlugin({
    name: 'roles',
    register (op) {
      op.command({ name: 'look', summary: 'viewer command', run: (ctx) => { runs.push(`look ${ctx.sender.id} ${ctx.sender.role}`); return `you are ${ctx.sender.role}` } })
      op.command({ name: 'ack', summary: 'responder command', role: 'responder', run: () => { runs.push('ack'); return 'acked' } })
      op.command({ name: 'restart', summary: 'admin command', role: 'admin', run: () => { runs.push('restart'); return 'restarting' } })
    }
  })
  return { plugin, runs }
}

async function appWith (t: Test, env: Record<string, string>, sms: Record<string, unknown> = {}) {
  const lines: string[] = []
  const p = rolesPlugin()
  const app = await buildApp({
    env,
    config: { plugins: [], sms },
    plugins: [{ plugin: p.plugin }],
    logger: { level: 'info', stream: { write: (l: string) => { lines.push(l) } } }
  })
  await app.ready()
  t.teardown(() => app.close())
  const text = async (from: string, body: string) => {
    const res = await app.inject({ method: 'POST', url: '/sms', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ From: from, Body: body }).toString() })
    t.equal(res.statusCode, 200)
    return res.body
  }
  const audits = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.audit === true)
  return { app, text, runs: p.runs, lines, audits }
}

t.test('normalises numbers written the ways people write them to E.164', async (t) => {
  const cases: Array<[string, string | undefined]> = [
    ['+14155550100', '+14155550100'],
    ['+1 415 555 0100', '+14155550100'],
    ['+1 (415) 555-0100', '+14155550100'],
    ['+1.415.555.0100', '+14155550100'],
    ['0014155550100', '+14155550100'],
    ['00 44 20 7946 0958', '+442079460958'],
    ['whatsapp:+14155550100', '+14155550100'],
    ['WhatsApp:+44 20 7946 0958', '+442079460958'],
    ['  +14155550100  ', '+14155550100'],
    [' 14155550100', '+14155550100'],
    ['4155550100', undefined],
    ['+0123456789', undefined],
    ['OPERATOR', undefined],
    ['12345', undefined],
    ['', undefined]
  ]
  for (const [raw, want] of cases) t.equal(normalizeNumber(raw), want, JSON.stringify(raw))
  t.equal(maskNumber('+14155550100'), '+1415***0100')
  t.equal(maskNumber('+4420794609'), '+4420***4609')
  t.equal(maskNumber('secret-token-value'), 'se***ue', 'not a number: almost nothing shown')
})

t.test('AUTHORIZED_NUMBERS takes optional per-number roles and rejects what it cannot read, naming the key', async (t) => {
  t.same([...parseAuthorizedNumbers('+14155550100:admin, +1 (415) 555-0101 ; whatsapp:+442079460958:responder', 'viewer')], [
    ['+14155550100', 'admin'], ['+14155550101', 'viewer'], ['+442079460958', 'responder']
  ])
  t.same([...parseAuthorizedNumbers('', 'viewer')], [])
  t.throws(() => parseAuthorizedNumbers('+14155550100:root', 'viewer'), { message: /AUTHORIZED_NUMBERS entry 1 has role 'root'; roles are viewer, responder, admin/ })
  t.throws(() => parseAuthorizedNumbers('+14155550100, 4155550101', 'viewer'), { message: /AUTHORIZED_NUMBERS entry 2 \(41\*\*\*01\) is not an international number/ })
  t.throws(() => parseAuthorizedNumbers('+14155550100:admin,+1 415 555 0100:viewer', 'viewer'), { message: /two roles/ })

  await t.rejects(buildApp({ env: { AUTHORIZED_NUMBERS: '+14155550100:boss' }, config: { plugins: [] } }),
    { code: 'OPR_ERR_CONFIG_INVALID', message: /Invalid configuration in the environment: AUTHORIZED_NUMBERS entry 1 has role 'boss'/ })
  await t.rejects(buildApp({ env: {}, config: { plugins: [], sms: { roles: { '+14155550100': 'boss' } } } }),
    { code: 'OPR_ERR_CONFIG_INVALID', message: /sms\.roles\.\+14155550100 must be one of "viewer", "responder", "admin"/ })
  await t.rejects(buildApp({ env: {}, config: { plugins: [], sms: { role: {} } } }),
    { code: 'OPR_ERR_CONFIG_INVALID', message: /sms\.role is not a known setting/ })
  await t.rejects(buildApp({ env: {}, config: { plugins: [], sms: { roles: { 'call me': 'admin' } } } }),
    { code: 'OPR_ERR_CONFIG_INVALID', message: /sms\.roles\["call me"\] entry 1/ })
  await t.rejects(buildApp({ env: { SMS_RATE_LIMIT_WINDOW: 'often' }, config: { plugins: [] } }),
    { code: 'OPR_ERR_CONFIG_INVALID', message: /SMS_RATE_LIMIT_WINDOW must be a duration/ })
})

t.test('an unknown sender gets an empty <Response/>, nothing runs, and the attempt is audited with the number masked', async (t) => {
  const { text, runs, lines, audits } = await appWith(t, { AUTHORIZED_NUMBERS: '+14155550100' })
  t.equal(await text('+14155550199', 'look'), EMPTY)
  t.equal(await text('whatsapp:+14155550198', 'restart everything now'), EMPTY)
  t.same(runs, [])
  const [first, second] = audits()
  t.match(first, { audit: true, sender: '+1415***0199', outcome: 'unknown-sender', segments: 0 })
  t.match(second, { sender: '+1415***0198', outcome: 'unknown-sender' })
  const all = lines.join('\n')
  t.notOk(all.includes('4155550199') || all.includes('4155550198'), 'no full number in any log line')
  t.notOk(all.includes('restart everything now'), 'the refused body is not logged')
})

t.test('each number has a role; a command needing more gets a one-line refusal and does not run', async (t) => {
  const { text, runs, audits } = await appWith(t, { AUTHORIZED_NUMBERS: '+14155550100:admin,+14155550101:responder,+14155550102', DEFAULT_ROLE: 'viewer' })
  t.match(await text('+14155550102', 'look'), '<Message>you are viewer</Message>')
  t.match(await text('+14155550102', 'ack'), '<Message>&apos;ack&apos; needs the responder role.</Message>')
  t.match(await text('+14155550101', 'ack'), '<Message>acked</Message>')
  t.match(await text('+14155550101', 'restart'), '<Message>&apos;restart&apos; needs the admin role.</Message>')
  t.match(await text('+1 (415) 555-0100', 'restart'), '<Message>restarting</Message>', 'a sender written differently is the same number')
  t.same(runs, ['look +14155550102 viewer', 'ack', 'restart'])
  t.same(audits().map((a) => [a.sender, a.command, a.outcome]), [
    ['+1415***0102', 'look', 'answered'],
    ['+1415***0102', 'ack', 'refused'],
    ['+1415***0101', 'ack', 'answered'],
    ['+1415***0101', 'restart', 'refused'],
    ['+1415***0100', 'restart', 'answered']
  ])
})

t.test('roles from the config file\'s sms section, with its default role; WhatsApp senders work the same way', async (t) => {
  const { text, runs } = await appWith(t, { AUTHORIZED_NUMBERS: '+14155550102' }, { roles: { '+1 415 555 0100': 'admin' }, defaultRole: 'responder' })
  t.match(await text('whatsapp:+14155550100', 'restart'), '<Message>restarting</Message>')
  t.match(await text('+14155550102', 'ack'), '<Message>acked</Message>', 'the file\'s default role applies to AUTHORIZED_NUMBERS without a suffix')
  t.same(runs, ['restart', 'ack'])
})

t.test('once AUTHORIZED_NUMBERS is set, loopback requests are no longer a local console', async (t) => {
  const { text, runs } = await appWith(t, { AUTHORIZED_NUMBERS: '+14155550100' })
  t.equal(await text('+15550000000', 'look'), EMPTY)
  t.same(runs, [])
})

t.test('the audit line holds time, masked sender, command, outcome, latency and segments, and never the token', async (t) => {
  const token = 'audit-secret-token-abcdef0123456789'
  const lines: string[] = []
  const p = rolesPlugin()
  const app = await buildApp({
    env: { TWILIO_AUTH_TOKEN: token, TWILIO_VERIFY_SIGNATURE: 'false', HOST: '127.0.0.1', AUTHORIZED_NUMBERS: '+14155550100' },
    config: { plugins: [] },
    plugins: [{ plugin: p.plugin }],
    logger: { level: 'info', stream: { write: (l: string) => { lines.push(l) } } }
  })
  await app.ready()
  t.teardown(() => app.close())
  await app.inject({ method: 'POST', url: '/sms', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'From=%2B14155550100&Body=look&MessageSid=SM1' })
  const entry = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.audit === true)!
  t.match(entry, { audit: true, sender: '+1415***0100', command: 'look', outcome: 'answered', segments: 1 })
  t.type(entry.time, 'number')
  t.type(entry.latencyMs, 'number')
  t.notOk(lines.join('\n').includes(token))
  t.notOk(lines.join('\n').includes('+14155550100'))
})
