// Item 14 of issue 12 (the request log and the refused-signature audit line): the request log shows no query string, and a
// refused signature says which URL it was checked against, at warn.
import t from 'tap'
import { Writable } from 'node:stream'
import { buildApp } from '../src/app.js'
import { loggerOptions, redactUrl } from '../src/logging.js'
import { twilioSignature } from '../src/channels/sms/signature.js'
import { captureLog } from './fixtures/log.js'

const TOKEN = 'redaction-test-token-77'
const ADMIN = '+14155550100'
const SID = 'SM' + 'e'.repeat(32)
const FIELDS = { AccountSid: 'AC' + '0'.repeat(32), MessageSid: SID, From: ADMIN, To: '+14155559999', Body: 'help' }

t.test('redactUrl keeps names, host and path and replaces every query value, a password and the fragment', async (t) => {
  t.equal(redactUrl('/sms?token=s3cr3t&tenant=blue'), '/sms?token=[redacted]&tenant=[redacted]')
  t.equal(redactUrl('/sms?s3cr3t'), '/sms?[redacted]', 'a part with no `=` may be the secret itself')
  t.equal(redactUrl('/sms?a=1&&b='), '/sms?a=[redacted]&&b=[redacted]')
  t.equal(redactUrl('/sms'), '/sms')
  t.equal(redactUrl('/sms?'), '/sms?')
  t.equal(redactUrl('https://ops:pa55word@ops.example.com:8443/base/sms?k=v#frag'), 'https://ops:[redacted]@ops.example.com:8443/base/sms?k=[redacted]')
  t.equal(redactUrl('https://ops@ops.example.com/sms'), 'https://ops@ops.example.com/sms', 'a user name alone is not a secret')
})

t.test('the daemon\'s request log lines carry no query value, also for a route that does not exist', async (t) => {
  const chunks: string[] = []
  const stream = new Writable({ write (chunk, _enc, done) { chunks.push(String(chunk)); done() } })
  const app = await buildApp({
    env: { TWILIO_AUTH_TOKEN: TOKEN, PUBLIC_URL: 'https://ops.example.com', AUTHORIZED_NUMBERS: `${ADMIN}:admin` },
    config: { plugins: [] },
    logger: { ...(loggerOptions({ format: 'json', level: 'info' }) as object), stream }
  })
  await app.ready()
  t.teardown(() => app.close())
  const url = '/sms?token=s3cr3t-value&tenant=blue'
  const res = await app.inject({
    method: 'POST', url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(TOKEN, `https://ops.example.com${url}`, FIELDS) },
    payload: new URLSearchParams(FIELDS).toString()
  })
  t.equal(res.statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: '/nope?token=s3cr3t-value' })).statusCode, 404)

  const records = chunks.join('').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
  const incoming = records.filter((r) => r.msg === 'incoming request').map((r) => (r.req as { url: string }).url)
  t.same(incoming, ['/sms', '/nope'], 'incoming request lines show the path, no query string')
  t.ok(records.some((r) => r.msg === 'Route GET:/nope not found'), 'the not-found line too')
  t.notOk(chunks.join('').includes('s3cr3t'), 'the value appears nowhere in the log')
  t.notOk(chunks.join('').includes(ADMIN), 'nor the full number')
})

t.test('a refused signature is audited at warn with the URL it was checked against; no signature at all stays info', async (t) => {
  const captured = captureLog()
  const app = await buildApp({
    env: { TWILIO_AUTH_TOKEN: TOKEN, PUBLIC_URL: 'https://ops:pa55word@ops.example.com', AUTHORIZED_NUMBERS: `${ADMIN}:admin` },
    config: { plugins: [] },
    loggerInstance: captured.log
  })
  await app.ready()
  t.teardown(() => app.close())
  // Twilio was configured with a path prefix that PUBLIC_URL lacks: the usual mismatch after a move.
  const signature = twilioSignature(TOKEN, 'https://ops:pa55word@ops.example.com/operator/sms?tenant=blue', FIELDS)
  const post = (headers: Record<string, string>) => app.inject({
    method: 'POST', url: '/sms?tenant=blue', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, payload: new URLSearchParams(FIELDS).toString()
  })
  t.equal((await post({ 'x-twilio-signature': signature })).statusCode, 403)
  t.equal((await post({})).statusCode, 403)

  const audits = captured.records().filter((r) => r.audit === true)
  t.match(audits[0], { level: 40, outcome: 'forged', detail: 'bad-signature', sender: '+1415***0100', url: 'https://ops:[redacted]@ops.example.com/sms?tenant=[redacted]' },
    'warn, naming the URL checked (password and query values redacted)')
  t.match(audits[1], { level: 30, outcome: 'forged', detail: 'no-signature' })
  t.notOk('url' in audits[1]!, 'no URL was checked without a signature')
  t.notOk(captured.lines.join('').includes('pa55word'))
  t.notOk(captured.lines.join('').includes(ADMIN))
})
