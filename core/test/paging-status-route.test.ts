import t, { type Test } from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildApp } from '../src/app.js'
import { twilioSignature } from '../src/channels/sms/signature.js'

const TOKEN = 'status-route-token'
const PUBLIC = 'https://ops.example.com'
const SID = 'SM' + 'ab'.repeat(16)

async function app (t: Test, env: Record<string, string>, store = true): Promise<Awaited<ReturnType<typeof buildApp>>> {
  const dir = mkdtempSync(join(tmpdir(), 'operator-status-'))
  const a = await buildApp({ cwd: dir, env: { ...(store ? { OPERATOR_DATA_DIR: join(dir, 'data') } : {}), ...env } })
  await a.ready()
  t.teardown(async () => { await a.close(); rmSync(dir, { recursive: true, force: true }) })
  return a
}

function form (fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString()
}

const FIELDS = { AccountSid: 'AC' + '0'.repeat(32), ApiVersion: '2010-04-01', From: '+15005550006', MessageSid: SID, MessageStatus: 'delivered', SmsSid: SID, SmsStatus: 'delivered', To: '+14155550100' }

t.test('POST /sms/status: a signed callback lands on the history row of the text it is about', async (t) => {
  const a = await app(t, { TWILIO_AUTH_TOKEN: TOKEN, PUBLIC_URL: PUBLIC })
  await a.operator.store!.messages.insert([{ direction: 'out', channel: 'sms', number: '+14155550100', text: 'hi', outcome: 'sent', providerSid: SID }])
  const post = async (fields: Record<string, string>, signature?: string): Promise<number> => (await a.inject({
    method: 'POST', url: '/sms/status', payload: form(fields),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature === undefined ? {} : { 'x-twilio-signature': signature }) }
  })).statusCode
  t.equal(await post(FIELDS), 403, 'unsigned')
  t.equal(await post(FIELDS, twilioSignature('other-token', `${PUBLIC}/sms/status`, FIELDS)), 403, 'signed with another token')
  const bad = { ...FIELDS, MessageSid: 'nope', SmsSid: 'nope' }
  t.equal(await post(bad, twilioSignature(TOKEN, `${PUBLIC}/sms/status`, bad)), 400)
  t.equal(await post(FIELDS, twilioSignature(TOKEN, `${PUBLIC}/sms/status`, FIELDS)), 204)
  t.equal((await a.operator.store!.messages.query()).items[0]!.deliveryStatus, 'delivered')
  const failed = { ...FIELDS, MessageStatus: 'undelivered', SmsStatus: 'undelivered', ErrorCode: '30003' }
  t.equal(await post(failed, twilioSignature(TOKEN, `${PUBLIC}/sms/status`, failed)), 204)
  t.equal((await a.operator.store!.messages.query()).items[0]!.deliveryStatus, 'undelivered')

  await a.operator.store!.close()
  t.equal(await post(FIELDS, twilioSignature(TOKEN, `${PUBLIC}/sms/status`, FIELDS)), 503, 'the store is down: Twilio is told to try again')
})

t.test('without TWILIO_AUTH_TOKEN status callbacks are taken from loopback only; without a store they are acknowledged', async (t) => {
  const a = await app(t, {}, false)
  const post = async (remoteAddress: string): Promise<number> => (await a.inject({
    method: 'POST', url: '/sms/status', payload: form(FIELDS), remoteAddress, headers: { 'content-type': 'application/x-www-form-urlencoded' }
  })).statusCode
  t.equal(await post('10.1.2.3'), 403)
  t.equal(await post('127.0.0.1'), 204)
})
