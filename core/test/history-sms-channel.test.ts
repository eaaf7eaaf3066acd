import t, { type Test } from 'tap'
import { fakeTwilioApi, waitUntil } from '@operator/test-support'
import { buildApp } from '../src/app.js'
import { definePlugin } from '../src/plugins/contract.js'
import type { MessageRecord, StoreEngine } from '../src/store/types.js'
import { pgSkip } from './fixtures/store-engines.js'
import { storeEnv } from './fixtures/store-env.js'
import { ReplyRunner, type Message } from '../src/channels/sms/reply-runner.js'
import { SmsHistory } from '../src/channels/sms/history.js'
import type { Dispatcher } from '../src/dispatch/dispatcher.js'
import type { OutboundSender } from '../src/channels/sms/outbound.js'
import type { NewMessage } from '../src/store/types.js'
import { captureLog } from './fixtures/log.js'

const ACCOUNT = 'AC0123456789abcdef0123456789abcdef'
const TOKEN = 'history-test-token-0123456789'
const ADMIN = '+14155550100'
const VIEWER = '+14155550101'
const STRANGER = '+14155550199'

let n = 0
const sid = (): string => 'SM' + (++n).toString(16).padStart(32, '0')

async function appOn (t: Test, engine: StoreEngine, env: Record<string, string> = {}) {
  const place = await storeEnv(engine)
  t.teardown(place.remove)
  const fake = await fakeTwilioApi({ accountSid: ACCOUNT, authToken: TOKEN })
  t.teardown(() => fake.close())
  let release: () => void = () => {}
  const gate = new Promise<void>((resolve) => { release = resolve })
  const plugin = definePlugin({
    name: 'probe',
    register (op) {
      op.command({ name: 'ping', summary: 'answers', run: () => 'pong' })
      op.command({ name: 'boom', summary: 'throws', run: () => { throw new Error('broken backend') } })
      op.command({ name: 'admin-only', summary: 'for admins', role: 'admin', run: () => 'secret' })
      op.command({ name: 'slow', summary: 'waits for the test', run: async () => { await gate; return 'slow result' } })
    }
  })
  const app = await buildApp({
    env: {
      TWILIO_ACCOUNT_SID: ACCOUNT, TWILIO_AUTH_TOKEN: TOKEN, TWILIO_VERIFY_SIGNATURE: 'false', HOST: '127.0.0.1',
      TWILIO_API_BASE_URL: fake.url, TWILIO_FROM_NUMBER: '+14155559999', SMS_REPLY_DEADLINE_MS: '200',
      AUTHORIZED_NUMBERS: `${ADMIN}:admin,${VIEWER}:viewer`, SMS_RATE_LIMIT_PER_SENDER: '5', ...place.env, ...env
    },
    config: { plugins: [] },
    plugins: [{ plugin }]
  })
  await app.ready()
  t.teardown(() => app.close())
  const post = async (from: string, body: string, messageSid = sid(), extra: Record<string, string> = {}) => await app.inject({
    method: 'POST', url: '/sms', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ AccountSid: ACCOUNT, From: from, Body: body, MessageSid: messageSid, ...extra }).toString()
  })
  const rows = async (): Promise<MessageRecord[]> => {
    await app.operator.history.flush()
    return [...(await app.operator.store!.messages.query({ limit: 1000 })).items].reverse()
  }
  return { app, post, rows, fake, release }
}

async function recordsEveryMessage (t: Test, engine: StoreEngine): Promise<void> {
  const { post, rows } = await appOn(t, engine)
  const before = Date.now()
  const ping = sid()
  t.match((await post(ADMIN, 'ping', ping, { NumSegments: '1' })).body, '<Message>pong</Message>')
  await post(ADMIN, 'ping', ping)
  await post(VIEWER, 'frobnicate')
  await post(VIEWER, 'admin-only')
  t.match((await post(ADMIN, 'boom')).body, 'boom: broken backend')
  await post(STRANGER, 'my secret words')

  const all = await rows()
  const brief = all.map((r) => [r.direction, r.number, r.command, r.outcome])
  t.same(brief, [
    ['in', ADMIN, 'ping', 'answered'], ['out', ADMIN, 'ping', 'sent'],
    ['in', ADMIN, null, 'duplicate'],
    ['in', VIEWER, null, 'unknown-command'], ['out', VIEWER, null, 'sent'],
    ['in', VIEWER, 'admin-only', 'denied'], ['out', VIEWER, 'admin-only', 'sent'],
    ['in', ADMIN, 'boom', 'error'], ['out', ADMIN, 'boom', 'sent'],
    ['in', STRANGER, null, 'unknown-sender']
  ], 'every message in and out, in order, with the command it resolved to and its outcome')
  const [pingIn, pingOut] = all
  t.match(pingIn, { channel: 'sms', role: 'admin', text: 'ping', plugin: 'probe', segments: 1, messageSid: ping, providerSid: null })
  t.ok(pingIn!.time >= before && pingIn!.time <= Date.now(), 'stamped when it came')
  t.ok(pingIn!.durationMs !== null && pingIn!.durationMs >= 0, 'how long it took')
  t.match(pingOut, { text: 'pong', segments: 1, messageSid: ping, deliveryStatus: 'twiml', providerSid: null }, 'the TwiML reply, tied to the message it answers')
  t.equal(all[3]!.text, 'frobnicate')
  t.match(all[4]!.text, /^Unknown command 'frobnicate'/)
  t.equal(all[9]!.text, null, 'an unknown sender\'s words are never kept')
  t.equal(all[9]!.role, null)
}

t.test('SQLite: every message in and out is in the history', async (t) => { await recordsEveryMessage(t, 'sqlite') })
t.test('PostgreSQL: every message in and out is in the history', { skip: await pgSkip() }, async (t) => { await recordsEveryMessage(t, 'postgres') })

t.test('a slow command: "working on it" as TwiML, then the result sent through Twilio with its SID and first status', async (t) => {
  const { post, rows, fake, release } = await appOn(t, 'sqlite')
  const slow = sid()
  t.match((await post(ADMIN, 'slow', slow)).body, 'Working on it')
  release()
  await waitUntil(async () => fake.messages.length === 1, { timeoutMs: 10_000, what: 'the deferred SMS' })
  await waitUntil(async () => (await rows()).length === 3, { timeoutMs: 10_000, what: 'the late rows' })
  const [inbound, working, result] = await rows()
  t.match(working, { direction: 'out', text: 'Working on it, the answer will follow by SMS.', deliveryStatus: 'twiml', messageSid: slow, outcome: 'sent' })
  t.match(inbound, { direction: 'in', text: 'slow', command: 'slow', plugin: 'probe', outcome: 'answered', messageSid: slow })
  t.ok(inbound!.durationMs! >= 200, 'its duration is the whole run, past the reply deadline')
  t.match(result, { direction: 'out', text: 'slow result', command: 'slow', outcome: 'sent', providerSid: fake.messages[0]!.sid, deliveryStatus: 'queued', messageSid: slow })
})

t.test('a deferred text Twilio refuses is recorded as failed', async (t) => {
  const { post, rows, fake, release } = await appOn(t, 'sqlite')
  fake.failNext('opted-out')
  await post(ADMIN, 'slow')
  release()
  await waitUntil(async () => (await rows()).length === 3, { timeoutMs: 10_000, what: 'the late rows' })
  t.match((await rows()).find((r) => r.text === 'slow result'), { direction: 'out', outcome: 'failed', deliveryStatus: 'failed', providerSid: null })
})

t.test('rate-limited messages: the notice is recorded once, the silent ones only as inbound', async (t) => {
  const { post, rows } = await appOn(t, 'sqlite', { SMS_RATE_LIMIT_PER_SENDER: '1' })
  await post(ADMIN, 'ping')
  t.match((await post(ADMIN, 'ping')).body, 'Too many messages')
  await post(ADMIN, 'ping')
  const all = (await rows()).map((r) => [r.direction, r.outcome, r.text])
  t.same(all.slice(2), [['in', 'rate-limited', 'ping'], ['out', 'sent', all[3]![2]], ['in', 'rate-limited', 'ping']])
  t.match(all[3]![2], /^Too many messages/)
})

t.test('the global limit: the message is recorded as rate-limited, nothing out', async (t) => {
  const { post, rows } = await appOn(t, 'sqlite', { SMS_RATE_LIMIT_GLOBAL: '1' })
  await post(ADMIN, 'ping')
  t.equal((await post(VIEWER, 'ping')).body, '<?xml version="1.0" encoding="UTF-8"?><Response/>')
  t.same((await rows()).slice(2).map((r) => [r.direction, r.number, r.outcome]), [['in', VIEWER, 'rate-limited']])
})

t.test('a forged request is recorded with the number it claimed and never its text', async (t) => {
  const { post, rows } = await appOn(t, 'sqlite', { TWILIO_VERIFY_SIGNATURE: 'true', PUBLIC_URL: 'https://ops.example.com' })
  const forged = sid()
  t.equal((await post(ADMIN, 'ping', forged)).statusCode, 403)
  const res = await post('not a number', 'ping', 'SMshort')
  t.equal(res.statusCode, 403)
  t.match(await rows(), [
    { direction: 'in', number: ADMIN, outcome: 'forged', text: null, role: null, command: null, messageSid: forged },
    { direction: 'in', number: '', outcome: 'forged', text: null, messageSid: null }
  ])
})

t.test('WhatsApp messages are recorded on their channel', async (t) => {
  const { post, rows } = await appOn(t, 'sqlite')
  await post(`whatsapp:${ADMIN}`, 'ping')
  await post(`whatsapp:${STRANGER}`, 'hi')
  t.same((await rows()).map((r) => [r.channel, r.number]), [['whatsapp', ADMIN], ['whatsapp', ADMIN], ['whatsapp', STRANGER]])
})

t.test('without a store nothing is recorded and nothing breaks', async (t) => {
  const app = await buildApp({ env: { AUTHORIZED_NUMBERS: ADMIN }, config: { plugins: [] } })
  await app.ready()
  t.teardown(() => app.close())
  t.equal(app.operator.store, undefined)
  app.operator.history.record({ direction: 'in', channel: 'sms', number: ADMIN, outcome: 'answered' })
  await app.operator.history.flush()
  const res = await app.inject({ method: 'POST', url: '/sms', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `From=${encodeURIComponent(ADMIN)}&Body=help` })
  t.match(res.body, '<Message>')
})

t.test('a dispatch that fails, at once or after the reply deadline, is recorded as an error', async (t) => {
  const recorded: NewMessage[] = []
  const history = new SmsHistory({ record: (m) => { recorded.push(m) }, flush: async () => {}, close: async () => {} })
  const outbound = { send: async () => ({ ok: true, sid: 'SMout', attempts: 1, status: 'queued' }) } as unknown as OutboundSender
  const runnerFor = (answer: () => Promise<never>) => new ReplyRunner({ dispatcher: { answer } as unknown as Dispatcher, outbound, log: captureLog().log, replyDeadlineMs: 50, history })
  const message: Message = {
    text: 'x', sender: { id: ADMIN, role: 'admin', channel: 'sms' }, whatsapp: false, startedAt: performance.now(), budget: undefined,
    receivedAt: Date.now(), sid: 'SM' + '1'.repeat(32), segments: 1
  }
  t.match(await runnerFor(async () => { throw new Error('dispatcher bug') }).run(message), 'could not answer that just now')
  t.match(recorded, [{ direction: 'in', outcome: 'error', text: 'x' }, { direction: 'out', text: /could not answer/, deliveryStatus: 'twiml' }])
  recorded.length = 0
  const late = runnerFor(async () => { await new Promise((resolve) => setTimeout(resolve, 100)); throw new Error('late bug') })
  t.match(await late.run(message), 'Working on it')
  await late.close()
  t.match(recorded, [{ direction: 'out', text: /^Working on it/ }, { direction: 'in', outcome: 'error', messageSid: message.sid }])
})
