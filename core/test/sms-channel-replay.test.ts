// Item 7 of issue 12: Twilio signs names and values run together, so a captured request's signed bytes can be split
// again into other fields under the same, still valid, signature. A signed request must carry Twilio's MessageSid.
import t, { type Test } from 'tap'
import twilio from 'twilio'
import { buildApp } from '../src/app.js'
import { definePlugin } from '../src/plugins/contract.js'
import { twilioSignature } from '../src/channels/sms/signature.js'
import { captureLog } from './fixtures/log.js'

const { validateRequest } = twilio
const TOKEN = 'replay-test-token-0123456789abcdef'
const PUBLIC_URL = 'https://ops.example.com'
const URL_SIGNED = `${PUBLIC_URL}/sms`
const ADMIN = '+14155550100'
const ACCOUNT = 'AC' + 'a'.repeat(32)

type Fields = Record<string, string | string[]>

let sidSeq = 0
function sid (): string {
  return 'SM' + (0xabc000 + ++sidSeq).toString(16).padStart(32, '0')
}

/** The fields of an inbound SMS as Twilio posts them. */
function twilioFields (body: string, messageSid = sid()): Record<string, string> {
  return {
    ToCountry: 'US', ToState: 'CA', SmsMessageSid: messageSid, NumMedia: '0', ToCity: 'SAN FRANCISCO', FromZip: '94105',
    SmsSid: messageSid, FromState: 'CA', SmsStatus: 'received', FromCity: 'SAN FRANCISCO', Body: body, FromCountry: 'US',
    To: '+14155559999', ToZip: '94105', NumSegments: '1', ReferralNumMedia: '0', MessageSid: messageSid,
    AccountSid: ACCOUNT, From: ADMIN, ApiVersion: '2010-04-01'
  }
}

/** What Twilio's signature covers: the URL, then each name and value, sorted by name, with no separator. */
function signedBytes (fields: Fields): string {
  return URL_SIGNED + Object.keys(fields).sort().map((k) => k + String(fields[k])).join('')
}

/** Drops the MessageSid: `MessageSid` + its value + `NumMedia` become one field's name, `0` its value. */
function withoutMessageSid (fields: Record<string, string>): Record<string, string> {
  const { MessageSid: s, NumMedia: n, SmsMessageSid: s2, SmsSid: s3, SmsStatus: status, ...rest } = fields
  return {
    ...rest,
    [`MessageSid${s!}NumMedia`]: n!,
    // The SIDs Twilio repeats go the same way: `SmsMessageSid` + value + `SmsSid` + value + `SmsStatus` = `received`.
    [`SmsMessageSid${s2!}SmsSid${s3!}SmsStatus`]: status!
  }
}

/** Cuts the last word off the Body: `echo keep DROP` becomes `echo keep ` and a field `DROP` with an empty value. */
function bodyCut (fields: Record<string, string>): Record<string, string> {
  const body = fields.Body!
  const cut = body.lastIndexOf(' ') + 1
  return { ...fields, Body: body.slice(0, cut), [body.slice(cut)]: '' }
}

function form (fields: Fields): string {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) p.append(k, one)
  return p.toString()
}

async function signedApp (t: Test, env: Record<string, string> = {}) {
  const runs: string[] = []
  const plugin = definePlugin({
    name: 'echoer',
    register (op) {
      op.command({ name: 'echo', summary: 'says its words back', run: (ctx) => { runs.push(ctx.args); return `echo: ${ctx.args}` } })
    }
  })
  const captured = captureLog()
  const app = await buildApp({
    env: { TWILIO_AUTH_TOKEN: TOKEN, PUBLIC_URL, AUTHORIZED_NUMBERS: `${ADMIN}:admin`, TWILIO_ACCOUNT_SID: ACCOUNT, ...env },
    config: { plugins: [] },
    plugins: [{ plugin }],
    loggerInstance: captured.log
  })
  await app.ready()
  t.teardown(() => app.close())
  const post = (fields: Fields, signature: string) => app.inject({
    method: 'POST', url: '/sms', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, payload: form(fields)
  })
  const audits = () => captured.records().filter((r) => r.audit === true)
  return { app, runs, post, audits, lines: captured.lines }
}

t.test('re-split copies of a captured request keep a valid signature, are refused with a 400 and run nothing', async (t) => {
  const { runs, post, audits, lines } = await signedApp(t)
  const captured = twilioFields('echo keep DROP')
  const signature = twilioSignature(TOKEN, URL_SIGNED, captured)
  const copies: Array<[string, Record<string, string>, RegExp]> = [
    ['MessageSid folded into a field name', withoutMessageSid(captured), /^a signed webhook must carry Twilio's MessageSid$/],
    ['the same, and the Body cut short', bodyCut(withoutMessageSid(captured)), /^a signed webhook must carry Twilio's MessageSid$/]
  ]
  for (const [name, copy, reason] of copies) {
    t.equal(signedBytes(copy), signedBytes(captured), `${name}: the signed bytes are unchanged`)
    t.ok(validateRequest(TOKEN, signature, URL_SIGNED, copy), `${name}: twilio.validateRequest calls the signature valid, so the refusal is ours`)
    t.notOk('MessageSid' in copy)
    for (let replay = 1; replay <= 5; replay++) {
      const res = await post(copy, signature)
      t.equal(res.statusCode, 400, `${name}, replay ${replay}: 400`)
      t.match(res.body, reason, 'one line saying why')
      t.notOk(res.body.includes('\n'))
    }
  }
  t.same(runs, [], 'the command ran 0 times')

  const refused = audits()
  t.equal(refused.length, 10, 'every attempt is audited')
  for (const a of refused) {
    t.equal(a.level, 40, 'at warn: a signed request Twilio never sent is worth a look')
    t.equal(a.outcome, 'bad-request')
    t.equal(a.sender, '+1415***0100', 'the number masked')
  }
  t.notOk(lines.join('').includes(ADMIN), 'no full number anywhere in the log')
  t.notOk(lines.join('').includes(TOKEN))
})

t.test('after the real request ran once, a copy that keeps its MessageSid meets its first answer and runs nothing', async (t) => {
  const { runs, post } = await signedApp(t)
  const original = twilioFields('echo keep DROP')
  const signature = twilioSignature(TOKEN, URL_SIGNED, original)
  const first = await post(original, signature)
  t.equal(first.statusCode, 200)
  t.match(first.body, '<Message>echo: keep DROP</Message>')

  const cut = bodyCut(original)
  t.ok(validateRequest(TOKEN, signature, URL_SIGNED, cut), 'the cut copy still verifies')
  for (let replay = 0; replay < 3; replay++) {
    const res = await post(cut, signature)
    t.equal(res.statusCode, 200)
    t.match(res.body, '<Message>echo: keep DROP</Message>', 'the first answer, not `echo keep `')
  }
  const dropped = await post(withoutMessageSid(original), signature)
  t.equal(dropped.statusCode, 400)
  t.same(runs, ['keep DROP'], 'the command ran once, for the real request')
})

t.test('a signed request needs a well-formed MessageSid, matching SmsSid and SmsMessageSid, and this account\'s AccountSid', async (t) => {
  const { runs, post, audits } = await signedApp(t)
  const base = twilioFields('echo hi')
  const cases: Array<[string, Fields, RegExp]> = [
    ['upper-case hex', { ...base, MessageSid: 'SM' + 'A'.repeat(32), SmsSid: 'SM' + 'A'.repeat(32), SmsMessageSid: 'SM' + 'A'.repeat(32) }, /not a Twilio message SID/],
    ['another prefix', { ...base, MessageSid: 'MG' + 'a'.repeat(32), SmsSid: 'MG' + 'a'.repeat(32), SmsMessageSid: 'MG' + 'a'.repeat(32) }, /not a Twilio message SID/],
    ['too short', { ...base, MessageSid: 'SM123', SmsSid: 'SM123', SmsMessageSid: 'SM123' }, /not a Twilio message SID/],
    ['empty', { ...base, MessageSid: '', SmsSid: '', SmsMessageSid: '' }, /not a Twilio message SID/],
    ['given twice', { ...base, MessageSid: [base.MessageSid!, sid()] }, /MessageSid given more than once/],
    ['SmsSid differs', { ...base, SmsSid: sid() }, /^SmsSid differs from MessageSid$/],
    ['SmsMessageSid differs', { ...base, SmsMessageSid: sid() }, /^SmsMessageSid differs from MessageSid$/],
    ['another account', { ...base, AccountSid: 'AC' + 'b'.repeat(32) }, /^AccountSid is not TWILIO_ACCOUNT_SID$/],
    ['no account', (({ AccountSid: _, ...rest }) => rest)(base), /^AccountSid is not TWILIO_ACCOUNT_SID$/]
  ]
  for (const [name, fields, reason] of cases) {
    const res = await post(fields, twilioSignature(TOKEN, URL_SIGNED, fields))
    t.equal(res.statusCode, 400, name)
    t.match(res.body, reason, name)
  }
  t.same(runs, [], 'nothing ran')
  t.equal(audits().length, cases.length)

  const mms = twilioFields('echo picture', 'MM' + 'c'.repeat(32))
  const { SmsSid: _s, SmsMessageSid: _m, ...minimal } = twilioFields('echo minimal')
  for (const fields of [mms, minimal]) {
    const res = await post(fields, twilioSignature(TOKEN, URL_SIGNED, fields))
    t.equal(res.statusCode, 200, 'an MMS SID, and a form without the older SmsSid fields, are answered')
  }
  t.same(runs, ['picture', 'minimal'])
})

t.test('without TWILIO_ACCOUNT_SID any AccountSid is taken; unsigned loopback requests need no MessageSid', async (t) => {
  const { runs, post } = await signedApp(t, { TWILIO_ACCOUNT_SID: '' })
  const fields = { ...twilioFields('echo other account'), AccountSid: 'AC' + 'd'.repeat(32) }
  t.equal((await post(fields, twilioSignature(TOKEN, URL_SIGNED, fields))).statusCode, 200)
  t.same(runs, ['other account'])

  const local = await buildApp({ env: {}, config: { plugins: [] } })
  await local.ready()
  t.teardown(() => local.close())
  const res = await local.inject({ method: 'POST', url: '/sms', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'From=%2B15550000000&Body=help' })
  t.equal(res.statusCode, 200, 'the README\'s curl, with no MessageSid, is still answered')
  t.match(res.body, /<Message>Commands:/)
})
