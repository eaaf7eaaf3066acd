import t, { type Test } from 'tap'
import { createHmac } from 'node:crypto'
import twilio from 'twilio'
import { buildApp } from '../src/app.js'
import { definePlugin } from '../src/plugins/contract.js'
import { twilioSignature, verifyTwilioSignature } from '../src/channels/sms/signature.js'

const { validateRequest } = twilio
const TOKEN = 'test-auth-token-0123456789abcdef'
const PUBLIC_URL = 'https://ops.example.com'
const ADMIN = '+14155550100'

function counterPlugin () {
  const runs: string[] = []
  const plugin = definePlugin({
    name: 'counter',
    register (op) {
      op.command({ name: 'ping', summary: 'counts runs', run: (ctx) => { runs.push(ctx.sender.id); return `pong ${runs.length}` } })
    }
  })
  return { plugin, runs }
}

function form (fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString()
}

function twilioFields (from: string, body: string, sid = `SM${Math.random().toString(16).slice(2).padEnd(32, '0')}`): Record<string, string> {
  return {
    ToCountry: 'US', ToState: 'CA', SmsMessageSid: sid, NumMedia: '0', ToCity: 'SAN FRANCISCO', FromZip: '94105',
    SmsSid: sid, FromState: 'CA', SmsStatus: 'received', FromCity: 'SAN FRANCISCO', Body: body, FromCountry: 'US',
    To: '+14155559999', ToZip: '94105', NumSegments: '1', ReferralNumMedia: '0', MessageSid: sid,
    AccountSid: 'ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', From: from, ApiVersion: '2010-04-01'
  }
}

async function signedApp (t: Test, env: Record<string, string> = {}) {
  const counter = counterPlugin()
  const app = await buildApp({
    env: { TWILIO_AUTH_TOKEN: TOKEN, PUBLIC_URL, AUTHORIZED_NUMBERS: `${ADMIN}:admin`, ...env },
    config: { plugins: [] },
    plugins: [{ plugin: counter.plugin }]
  })
  await app.ready()
  t.teardown(() => app.close())
  return { app, runs: counter.runs }
}

t.test('matches Twilio\'s documented signature vectors, computed with node:crypto alone', async (t) => {
  const url = 'https://mycompany.com/myapp.php?foo=1&bar=2'
  const params = { CallSid: 'CA1234567890ABCDE', Caller: '+14158675309', Digits: '1234', From: '+14158675309', To: '+18005551212' }
  // Independently of the module: the documented recipe spelled out by hand.
  const data = url + Object.keys(params).sort().map((k) => k + params[k as keyof typeof params]).join('')
  t.equal(createHmac('sha1', '12345').update(data).digest('base64'), 'RSOYDt4T1cUTdK1PDd93/VVr8B8=')
  t.equal(twilioSignature('12345', url, params), 'RSOYDt4T1cUTdK1PDd93/VVr8B8=')
  const other = { ...params, Caller: '+14158675310', From: '+14158675310' }
  t.equal(twilioSignature('12345', url, other), 'GvWf1cFY/Q7PnoempGyD5oXAezc=')
  t.ok(verifyTwilioSignature('12345', url, params, 'RSOYDt4T1cUTdK1PDd93/VVr8B8='))
  t.notOk(verifyTwilioSignature('12345', url, params, 'GvWf1cFY/Q7PnoempGyD5oXAezc='))
  t.notOk(verifyTwilioSignature('12345', url, params, ''), 'an empty signature')
  t.notOk(verifyTwilioSignature('12345', url, params, 'short'), 'a signature of the wrong length')
})

t.test('agrees with twilio.validateRequest on Twilio-shaped forms, unicode, repeated fields and query strings', async (t) => {
  const cases: Array<[string, Record<string, string | string[]>]> = [
    ['https://ops.example.com/sms', twilioFields(ADMIN, 'status')],
    ['https://ops.example.com/sms?tenant=a&x=1', twilioFields(ADMIN, 'logs error “quoted” – émoji 🙂 & <tags>')],
    ['https://ops.example.com/base/sms', { From: 'whatsapp:+14155550100', Body: '', ProfileName: 'Ada', WaId: '14155550100' }],
    ['https://ops.example.com/sms', { Body: 'x', MediaUrl0: 'https://a/b?c=d&e=f', Multi: ['b', 'a'] }]
  ]
  for (const [url, params] of cases) {
    const sig = twilioSignature(TOKEN, url, params)
    t.ok(validateRequest(TOKEN, sig, url, params), `oracle accepts ours for ${url}`)
    t.ok(verifyTwilioSignature(TOKEN, url, params, sig))
    t.notOk(verifyTwilioSignature('another-token', url, params, sig), 'another token does not verify')
  }
})

t.test('answers a request signed exactly as Twilio signs it', async (t) => {
  const { app, runs } = await signedApp(t)
  const fields = twilioFields(ADMIN, 'ping')
  const res = await app.inject({
    method: 'POST',
    url: '/sms',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(TOKEN, `${PUBLIC_URL}/sms`, fields) },
    payload: form(fields)
  })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/xml/)
  t.equal(res.body, '<?xml version="1.0" encoding="UTF-8"?><Response><Message>pong 1</Message></Response>')
  t.same(runs, [ADMIN])
})

t.test('refuses forged, missing and wrong-URL signatures with 403 and runs nothing', async (t) => {
  const { app, runs } = await signedApp(t)
  const fields = twilioFields(ADMIN, 'ping')
  const post = (headers: Record<string, string>, url = '/sms') => app.inject({
    method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, payload: form(fields)
  })
  const forged = await post({ 'x-twilio-signature': twilioSignature('not-the-token', `${PUBLIC_URL}/sms`, fields) })
  t.equal(forged.statusCode, 403)
  t.equal(forged.body, '', 'empty body')
  t.equal((await post({})).statusCode, 403, 'no signature')
  t.equal((await post({ 'x-twilio-signature': twilioSignature(TOKEN, 'https://evil.example.com/sms', fields) })).statusCode, 403, 'signed for another host')
  t.equal((await post({ 'x-twilio-signature': twilioSignature(TOKEN, `${PUBLIC_URL}/sms`, fields) }, '/sms?extra=1')).statusCode, 403,
    'signed without the query string the request has')
  const tampered = { ...fields, Body: 'ping' }
  const sig = twilioSignature(TOKEN, `${PUBLIC_URL}/sms`, { ...fields, Body: 'help' })
  t.equal((await app.inject({ method: 'POST', url: '/sms', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sig }, payload: form(tampered) })).statusCode, 403, 'a body changed after signing')
  t.same(runs, [], 'nothing ran')
})

t.test('checks the signature against PUBLIC_URL plus the path and query, as Twilio was configured', async (t) => {
  const { app, runs } = await signedApp(t, { PUBLIC_URL: 'https://ops.example.com/' })
  const fields = twilioFields(ADMIN, 'ping')
  const res = await app.inject({
    method: 'POST',
    url: '/sms?tenant=blue',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(TOKEN, 'https://ops.example.com/sms?tenant=blue', fields), host: 'internal:5000' },
    payload: form(fields)
  })
  t.equal(res.statusCode, 200, 'the Host the daemon sees behind the proxy does not matter')
  t.same(runs, [ADMIN])
})

t.test('over real HTTP on loopback: a request signed by Twilio\'s own helper for the listening URL is answered', async (t) => {
  const { app, runs } = await signedApp(t, { PUBLIC_URL: '' })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as { port: number }
  const url = `http://127.0.0.1:${port}/sms`
  const fields = twilioFields(ADMIN, 'ping')
  const signature = twilio.getExpectedTwilioSignature(TOKEN, url, fields)
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, body: form(fields) })
  t.equal(res.status, 200)
  t.match(await res.text(), '<Message>pong 1</Message>')
  const forged = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, body: form({ ...fields, Body: 'help' }) })
  t.equal(forged.status, 403)
  t.same(runs, [ADMIN])
})

t.test('without TWILIO_AUTH_TOKEN, unsigned webhooks are answered from loopback only (the embedded default)', async (t) => {
  const counter = counterPlugin()
  const app = await buildApp({ env: {}, config: { plugins: [] }, plugins: [{ plugin: counter.plugin }] })
  await app.ready()
  t.teardown(() => app.close())
  const post = (extra: Record<string, unknown> = {}) => app.inject({
    method: 'POST', url: '/sms', headers: { 'content-type': 'application/x-www-form-urlencoded', ...(extra.headers as object ?? {}) },
    payload: 'From=%2B15550000000&Body=help', ...(extra.remoteAddress !== undefined ? { remoteAddress: extra.remoteAddress as string } : {})
  })
  const local = await post()
  t.equal(local.statusCode, 200)
  t.match(local.body, /<Message>Commands:\nhelp \[command\]/, 'the README curl gets the help text')
  const remote = await post({ remoteAddress: '203.0.113.9' })
  t.equal(remote.statusCode, 403)
  t.match(remote.body, /only directly from this machine/)
  const tunnelled = await post({ headers: { 'x-forwarded-for': '203.0.113.9' } })
  t.equal(tunnelled.statusCode, 403, 'a tunnel or proxy on this machine does not count as local')
})

t.test('TWILIO_VERIFY_SIGNATURE=false is refused unless the daemon listens on loopback only', async (t) => {
  await t.rejects(buildApp({ env: { TWILIO_AUTH_TOKEN: TOKEN, TWILIO_VERIFY_SIGNATURE: 'false' }, config: { plugins: [] } }),
    { code: 'OPR_ERR_CONFIG_INVALID', message: /TWILIO_VERIFY_SIGNATURE=false is refused unless the daemon listens on loopback only \(HOST is 0\.0\.0\.0/ })
  await t.rejects(buildApp({ env: { TWILIO_AUTH_TOKEN: TOKEN, TWILIO_VERIFY_SIGNATURE: 'false', HOST: '0.0.0.0' }, config: { plugins: [] } }),
    { code: 'OPR_ERR_CONFIG_INVALID' })

  const lines: string[] = []
  const counter = counterPlugin()
  const app = await buildApp({
    env: { TWILIO_AUTH_TOKEN: TOKEN, TWILIO_VERIFY_SIGNATURE: 'false', HOST: '127.0.0.1', AUTHORIZED_NUMBERS: ADMIN },
    config: { plugins: [] },
    plugins: [{ plugin: counter.plugin }],
    logger: { level: 'info', stream: { write: (l: string) => { lines.push(l) } } }
  })
  await app.ready()
  t.teardown(() => app.close())
  t.ok(lines.some((l) => /"level":40/.test(l) && /signature checks are OFF/.test(l)), 'warns at start')
  const res = await app.inject({ method: 'POST', url: '/sms', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form({ From: ADMIN, Body: 'ping' }) })
  t.equal(res.statusCode, 200)
  t.same(counter.runs, [ADMIN])
  t.notOk(lines.join('').includes(TOKEN), 'the token is never logged')
})
