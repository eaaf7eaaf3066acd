import t, { type Test } from 'tap'
import { fakeTwilioApi, waitUntil, type FakeTwilioApi } from '@operator/test-support'
import { buildApp } from '../src/app.js'
import { definePlugin } from '../src/plugins/contract.js'
import { OutboundSender } from '../src/channels/sms/outbound.js'
import { sendCommand } from '../src/cli/send.js'
import { captureLog } from './fixtures/log.js'

const SID = 'AC0123456789abcdef0123456789abcdef'
const TOKEN = 'outbound-test-token-0123456789'
const SERVICE = 'MG0123456789abcdef0123456789abcdef'
const ADMIN = '+14155550100'
const WORKING = '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Working on it, the answer will follow by SMS.</Message></Response>'

async function startFake (t: Test): Promise<FakeTwilioApi> {
  const fake = await fakeTwilioApi({ accountSid: SID, authToken: TOKEN })
  t.teardown(() => fake.close())
  return fake
}

async function slowApp (t: Test, fake: FakeTwilioApi, env: Record<string, string>) {
  const runs: string[] = []
  let release: () => void = () => {}
  const gate = new Promise<void>((resolve) => { release = resolve })
  const plugin = definePlugin({
    name: 'slow',
    register (op) {
      op.command({ name: 'slow', summary: 'takes its time', run: async () => { runs.push('slow'); await gate; return 'slow result: 3 of 4 "up" & fine' } })
    }
  })
  const app = await buildApp({
    env: {
      TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: TOKEN, TWILIO_VERIFY_SIGNATURE: 'false', HOST: '127.0.0.1',
      TWILIO_API_BASE_URL: fake.url, AUTHORIZED_NUMBERS: ADMIN, SMS_REPLY_DEADLINE_MS: '100', ...env
    },
    config: { plugins: [] },
    plugins: [{ plugin }]
  })
  await app.ready()
  t.teardown(() => app.close())
  const post = async (from: string, sid: string) => await app.inject({
    method: 'POST', url: '/sms', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ From: from, Body: 'slow', MessageSid: sid }).toString()
  })
  return { post, runs, release }
}

t.test('a slow command is answered "working on it" and its result follows through the Twilio REST API (Messaging Service)', async (t) => {
  const fake = await startFake(t)
  const { post, runs, release } = await slowApp(t, fake, { TWILIO_MESSAGING_SERVICE_SID: SERVICE, TWILIO_FROM_NUMBER: '+14155559999' })
  const first = await post(ADMIN, 'SM10000000000000000000000000000001')
  t.equal(first.statusCode, 200)
  t.equal(first.body, WORKING)
  const retry = await post(ADMIN, 'SM10000000000000000000000000000001')
  t.equal(retry.body, WORKING, 'Twilio\'s retry gets the same answer')
  release()
  await waitUntil(async () => fake.messages.length === 1, { timeoutMs: 10_000, what: 'the deferred SMS' })
  const sent = fake.requestsTo(/Messages\.json$/, 'POST')
  t.equal(sent.length, 1, 'sent once')
  const form = sent[0]!.form!
  t.equal(form.get('To'), ADMIN)
  t.equal(form.get('MessagingServiceSid'), SERVICE, 'the Messaging Service is preferred')
  t.equal(form.get('From'), null)
  t.equal(form.get('Body'), 'slow result: 3 of 4 "up" & fine', 'plain text, not TwiML')
  t.same(runs, ['slow'], 'ran once')
})

t.test('without a Messaging Service the result is sent From TWILIO_FROM_NUMBER; a WhatsApp sender is answered over WhatsApp', async (t) => {
  const fake = await startFake(t)
  const { post, release } = await slowApp(t, fake, { TWILIO_FROM_NUMBER: '+14155559999', AUTHORIZED_NUMBERS: `${ADMIN},+14155550101` })
  t.equal((await post(ADMIN, 'SM20000000000000000000000000000001')).body, WORKING)
  t.equal((await post('whatsapp:+14155550101', 'SM20000000000000000000000000000002')).body, WORKING)
  release()
  await waitUntil(async () => fake.messages.length === 2, { timeoutMs: 10_000, what: 'the deferred SMS' })
  const forms = fake.requestsTo(/Messages\.json$/, 'POST').map((r) => [r.form!.get('To'), r.form!.get('From'), r.form!.get('MessagingServiceSid')])
  t.same(forms.sort(), [
    [ADMIN, '+14155559999', null],
    ['whatsapp:+14155550101', 'whatsapp:+14155559999', null]
  ])
})

t.test('outbound sends retry with backoff on 429 and 5xx, and not on permanent errors; each outcome is logged masked', async (t) => {
  const fake = await startFake(t)
  const { lines, records, log } = captureLog()
  const sender = new OutboundSender({ accountSid: SID, authToken: TOKEN, messagingServiceSid: '', fromNumber: '+14155559999', apiBaseUrl: fake.url, baseDelayMs: 5 }, log)
  const posts = () => fake.requestsTo(/Messages\.json$/, 'POST').length

  fake.failNext('rate-limit', 2)
  const limited = await sender.send(ADMIN, 'one')
  t.match(limited, { ok: true, attempts: 3 })
  t.equal(posts(), 3)

  fake.failNext('server', 1)
  t.match(await sender.send(ADMIN, 'two'), { ok: true, attempts: 2 })
  t.equal(posts(), 5)

  fake.failNext('invalid-to', 1, ADMIN)
  t.same(await sender.send(ADMIN, 'three'), { ok: false, reason: 'invalid To number [21211]', code: 21211, status: 400, attempts: 1 })
  t.equal(posts(), 6, '21211 is not retried')

  fake.failNext('opted-out', 1)
  t.match(await sender.send(ADMIN, 'four'), { ok: false, code: 21610, attempts: 1, reason: /opted out/ })
  t.equal(posts(), 7, '21610 is not retried')

  fake.failNext('region', 1)
  t.match(await sender.send(ADMIN, 'five'), { ok: false, code: 21408, attempts: 1 })
  fake.failNext('auth', 1)
  t.match(await sender.send(ADMIN, 'six'), { ok: false, code: 20003, attempts: 1, reason: /credentials/ })
  t.equal(posts(), 9)

  fake.failNext('server', 10)
  t.match(await sender.send(ADMIN, 'seven'), { ok: false, status: 500, attempts: 4 })
  t.equal(posts(), 13, 'gives up after 4 tries')

  t.same(fake.messages.map((m) => m.body), ['one', 'two'])
  const logged = records()
  t.ok(logged.some((l) => l.msg === 'sms sent' && l.to === '+1415***0100'))
  t.ok(logged.some((l) => /retrying/.test(String(l.msg))))
  t.ok(logged.some((l) => /sms not sent: invalid To number/.test(String(l.msg))))
  const all = lines.join('\n')
  t.notOk(all.includes(ADMIN), 'no full number logged')
  t.notOk(all.includes(TOKEN), 'no token logged')
})

t.test('an unreachable Twilio API is retried and reported in one line', async (t) => {
  const fake = await startFake(t)
  const url = fake.url
  await fake.close()
  const { log } = captureLog()
  const sender = new OutboundSender({ accountSid: SID, authToken: TOKEN, messagingServiceSid: SERVICE, fromNumber: '', apiBaseUrl: url, baseDelayMs: 1, maxAttempts: 2 }, log)
  t.match(await sender.send(ADMIN, 'x'), { ok: false, attempts: 2, reason: /^Twilio unreachable \(ECONNREFUSED\)$/ })
  const unconfigured = new OutboundSender({ accountSid: '', authToken: '', messagingServiceSid: '', fromNumber: '', apiBaseUrl: '' }, log)
  t.match(await unconfigured.send(ADMIN, 'x'), { ok: false, attempts: 0, reason: /needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN/ })
})

t.test('operator send <to> "<text>" sends one message, or exits non-zero with a one-line reason', async (t) => {
  const fake = await startFake(t)
  const env = { TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: TOKEN, TWILIO_FROM_NUMBER: '+14155559999', TWILIO_API_BASE_URL: fake.url }
  const out: string[] = []
  const err: string[] = []
  const io = { stdout: (l: string) => out.push(l), stderr: (l: string) => err.push(l) }
  t.equal(await sendCommand('+1 (415) 555-0100', 'Deploy done – all “green”', { env, ...io }), 0)
  t.match(out[0], /^sent to \+1415\*\*\*0100: SM[0-9a-f]{32}$/)
  t.same(fake.messages.map((m) => [m.to, m.from, m.body]), [[ADMIN, '+14155559999', 'Deploy done - all "green"']])

  fake.failNext('opted-out', 1)
  t.equal(await sendCommand(ADMIN, 'again', { env, ...io }), 1)
  t.equal(err.at(-1), 'operator send: not sent to +1415***0100: recipient opted out (STOP) [21610]')
  t.equal(await sendCommand('555-0100', 'x', { env, ...io }), 2)
  t.match(err.at(-1), /is not an international number/)
  t.equal(await sendCommand(ADMIN, '', { env, ...io }), 2)
  t.equal(err.at(-1), 'usage: operator send <to> "<text>"')
  t.equal(await sendCommand(ADMIN, 'x', { env: {}, ...io }), 1)
  t.equal(err.at(-1), 'operator send: outbound SMS needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN')
  t.notOk([...out, ...err].join('\n').includes(TOKEN))
})
