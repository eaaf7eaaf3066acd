import t, { type Test } from 'tap'
import { createRequire } from 'node:module'
import { buildApp } from '../src/app.js'
import { definePlugin } from '../src/plugins/contract.js'

const EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response/>'

async function appWith (t: Test, env: Record<string, string>) {
  const runs: string[] = []
  const plugin = definePlugin({
    name: 'counter',
    register (op) { op.command({ name: 'ping', summary: 'counts', run: (ctx) => { runs.push(ctx.sender.id); return 'pong' } }) }
  })
  const lines: string[] = []
  const app = await buildApp({
    env: { AUTHORIZED_NUMBERS: '+14155550100,+14155550101,+14155550102', ...env },
    config: { plugins: [] },
    plugins: [{ plugin }],
    logger: { level: 'info', stream: { write: (l: string) => { lines.push(l) } } }
  })
  await app.ready()
  t.teardown(() => app.close())
  const text = async (from: string, body = 'ping') => {
    const res = await app.inject({ method: 'POST', url: '/sms', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ From: from, Body: body }).toString() })
    t.equal(res.statusCode, 200, 'always 200 so Twilio does not retry')
    return res.body
  }
  const withSid = async (from: string, sid: string, body = 'ping') => (await app.inject({
    method: 'POST', url: '/sms', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ From: from, Body: body, MessageSid: sid }).toString()
  })).body
  const audits = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.audit === true)
  return { text, withSid, runs, audits }
}

t.test('a number over its limit gets one short notice per window, then empty TwiML; another number is unaffected', async (t) => {
  const { text, runs, audits } = await appWith(t, { SMS_RATE_LIMIT_PER_SENDER: '3', SMS_RATE_LIMIT_WINDOW: '1 minute' })
  for (let i = 0; i < 3; i++) t.match(await text('+14155550100'), '<Message>pong</Message>')
  const notice = await text('+14155550100')
  t.match(notice, /<Message>Too many messages: 3 per 1 minute\. Try again in \d+s\.<\/Message>/)
  t.equal(await text('+14155550100'), EMPTY)
  t.equal(await text('+1 415 555 0100'), EMPTY, 'the same number written differently shares the limit')
  t.match(await text('+14155550101'), '<Message>pong</Message>', 'another number still gets answers')
  t.equal(runs.filter((r) => r === '+14155550100').length, 3, 'nothing ran over the limit')
  t.same(audits().filter((a) => a.outcome === 'rate-limited').map((a) => [a.sender, a.detail, a.segments]), [
    ['+1415***0100', 'sender', 1], ['+1415***0100', 'sender', 0], ['+1415***0100', 'sender', 0]
  ])
})

t.test('a retry of an answered MessageSid is answered from its record and never counts against the limit', async (t) => {
  const { withSid, runs, audits } = await appWith(t, { SMS_RATE_LIMIT_PER_SENDER: '10', SMS_RATE_LIMIT_WINDOW: '1 minute' })
  const sid = (n: number): string => `SM${n.toString(16).padStart(32, '0')}`
  const answers: string[] = []
  for (let i = 1; i <= 10; i++) answers.push(await withSid('+14155550100', sid(i), `ping ${i}`))
  t.ok(answers.every((a) => a.includes('<Message>pong</Message>')), 'ten messages, ten answers')
  for (let i = 0; i < 3; i++) t.equal(await withSid('+14155550100', sid(3), 'ping 3'), answers[2], `retry ${i + 1} of #3 gets #3's answer`)
  const eleventh = await withSid('+14155550100', sid(11), 'ping 11')
  t.match(eleventh, /<Message>Too many messages: 10 per 1 minute\. Try again in \d+s\.<\/Message>/, 'the 11th new message is still the first over the limit')
  t.equal(await withSid('+14155550100', sid(11), 'ping 11'), eleventh, 'its own retry gets the same notice, not the silence of the 12th')
  t.equal(await withSid('+14155550100', sid(12), 'ping 12'), EMPTY, 'the 12th is further over: nothing')
  t.equal(runs.length, 10, 'no command ran twice or over the limit')
  t.same(audits().map((a) => a.outcome), [...Array(10).fill('answered'), 'duplicate', 'duplicate', 'duplicate', 'rate-limited', 'duplicate', 'rate-limited'])
})

t.test('a global ceiling covers all senders together', async (t) => {
  const { text, runs } = await appWith(t, { SMS_RATE_LIMIT_PER_SENDER: '10', SMS_RATE_LIMIT_GLOBAL: '4' })
  t.match(await text('+14155550100'), 'pong')
  t.match(await text('+14155550101'), 'pong')
  t.match(await text('+14155550102'), 'pong')
  t.match(await text('+14155550100'), 'pong')
  t.equal(await text('+14155550101'), EMPTY)
  t.equal(await text('+14155550102'), EMPTY)
  t.equal(runs.length, 4)
})

t.test('the webhook path never loads the twilio package', async (t) => {
  const { text } = await appWith(t, {})
  await text('+14155550100')
  const cache = createRequire(import.meta.url).cache
  t.same(Object.keys(cache).filter((k) => k.includes('/node_modules/twilio/')), [])
})
