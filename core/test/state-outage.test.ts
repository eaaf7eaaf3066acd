// Redis killed and Redis hung (SIGSTOP), on a redis-server of this test's own: the breaker opens after the budget,
// later messages do not touch Redis, answers come from memory fallbacks, `more` says one plain line, the outage is
// logged once when it starts and once when it ends, and a probe closes the breaker when Redis is back. Measured times
// are printed as comments, never asserted.
import t, { type Test } from 'tap'
import { randomBytes } from 'node:crypto'
import { waitUntil } from '@operator/test-support'
import { buildApp } from '../src/app.js'
import { definePlugin } from '../src/plugins/contract.js'
import { createRedisClient, quitRedis } from '../src/state/redis.js'
import { captureLog } from './fixtures/log.js'
import { REDIS_SERVER, startPrivateRedis, type PrivateRedis } from './fixtures/private-redis.js'
import pino from 'pino'

const ADMIN = '+14155550100'
const UNAVAILABLE = '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Pages are unavailable right now; try again in a minute.</Message></Response>'
const OPENED = 'state: Redis is unavailable; each replica uses its own memory until it answers again'
const CLOSED = 'state: Redis answers again; shared state resumed'

const sid = (): string => `SM${randomBytes(16).toString('hex')}`

async function daemon (t: Test, redis: PrivateRedis, env: Record<string, string> = {}) {
  const captured = captureLog('info')
  const long = definePlugin({
    name: 'long',
    register (op) {
      op.command({ name: 'long', summary: 'a long answer', run: () => Array.from({ length: 40 }, (_, i) => `row ${i + 1} ${'y'.repeat(25)}`).join('\n') })
      op.command({ name: 'nap', summary: 'takes a while', run: async () => { await new Promise((resolve) => setTimeout(resolve, 400)); return 'rested' } })
    }
  })
  const app = await buildApp({
    env: { STATE_STORE: 'redis', REDIS_URL: redis.url, AUTHORIZED_NUMBERS: ADMIN, SMS_RATE_LIMIT_PER_SENDER: '100', ...env },
    config: { plugins: [] },
    plugins: [{ plugin: long }],
    loggerInstance: captured.log
  })
  await app.ready()
  t.teardown(() => app.close())
  const replies: string[] = []
  const post = async (body: string, messageSid = sid()) => {
    const started = performance.now()
    const res = await app.inject({
      method: 'POST', url: '/sms', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ From: ADMIN, Body: body, MessageSid: messageSid }).toString()
    })
    replies.push(res.body)
    return { body: res.body, ms: performance.now() - started }
  }
  const shared = app.operator.state.shared!
  // What start-up said (the loopback-mode notes) is not part of the outage.
  const startup = captured.lines.length
  const records = () => captured.records().slice(startup)
  const logged = (level: number) => records().filter((l) => l.level === level)
  const problems = () => records().filter((l) => (l.level as number) >= 40)
  return { app, post, shared, logged, problems, replies }
}

function summary (ms: number[]): string {
  const sorted = [...ms].sort((a, b) => a - b)
  return `median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} ms, max ${sorted[sorted.length - 1]!.toFixed(0)} ms over ${ms.length}`
}

const skip = REDIS_SERVER === undefined ? 'redis-server is not installed (apt-get install redis-server)' : false

t.test('Redis killed: answers from memory at once, one warning, `more` says one plain line, the probe closes the breaker', { skip }, async (t) => {
  const redis = await startPrivateRedis()
  t.teardown(() => redis.stop())
  const { post, shared, logged, problems, replies } = await daemon(t, redis)

  t.match((await post('help')).body, '<Message>Commands:', 'Redis up: answered')
  t.match((await post('long')).body, /\(1\/\d\) MORE<\/Message>/, 'the rest of a long reply is saved in Redis')
  t.notOk(shared.open)

  await redis.kill()
  const first = await post('help')
  t.match(first.body, '<Message>Commands:', 'the first message after the kill is answered from memory')
  t.ok(shared.open, 'and opened the breaker')
  const callsWhenOpened = shared.calls
  const times: number[] = [first.ms]
  for (let i = 0; i < 19; i++) {
    const { body, ms } = await post('help')
    t.match(body, '<Message>Commands:')
    times.push(ms)
  }
  t.equal(shared.calls, callsWhenOpened, 'while the breaker is open no message touches Redis')
  t.comment(`Redis killed, help: ${summary(times)}`)

  const retrySid = sid()
  const answer = (await post('help', retrySid)).body
  t.equal((await post('help', retrySid)).body, answer, 'this replica still answers its own retries, from memory')

  t.equal((await post('more')).body, UNAVAILABLE, 'the pages are in Redis: unavailable, in one plain line, not the library\'s text')
  t.match((await post('long')).body, /\(1\/\d\) MORE<\/Message>/, 'a long reply during the outage')
  t.match((await post('more')).body, /<Message>row \d+ y+/, 'its pages come from this replica\'s memory')

  t.same(logged(40).map((l) => l.msg), [OPENED], 'one warning for the whole outage, none per message')
  t.comment(`the warning: ${JSON.stringify(logged(40)[0])}`)
  t.match(logged(40)[0], { err: /\S/ }, 'naming the library\'s reason, once')
  t.notMatch(replies.join('\n'), /maxRetriesPerRequest|ECONNREFUSED|Redis|Connection/i, 'the library\'s text reaches no reply')

  await redis.restart()
  await waitUntil(async () => !shared.open, { timeoutMs: 20_000, what: 'the probe closing the breaker' })
  t.same(logged(30).filter((l) => l.msg === CLOSED).length, 1, 'one info line when it ends')
  t.same(problems().map((l) => l.msg), [OPENED], 'and nothing else above info')
  const calls = shared.calls
  t.match((await post('help')).body, '<Message>Commands:')
  t.ok(shared.calls > calls, 'messages use Redis again')
})

t.test('Redis hung (SIGSTOP): the breaker opens after the budget, later messages skip Redis, answers stay in time', { skip }, async (t) => {
  const redis = await startPrivateRedis()
  t.teardown(() => redis.stop())
  const { post, shared, logged, problems } = await daemon(t, redis, { STATE_BUDGET_MS: '300' })
  t.match((await post('help')).body, '<Message>Commands:')

  redis.pause()
  const first = await post('help')
  t.match(first.body, '<Message>Commands:', 'answered although Redis never answers')
  t.ok(shared.open, 'the call that outlasted the budget opened the breaker')
  t.match(logged(40)[0], { msg: OPENED, err: 'no answer within the state budget (300 ms)' })
  const callsWhenOpened = shared.calls
  const times: number[] = [first.ms]
  for (let i = 0; i < 19; i++) {
    const { body, ms } = await post('help')
    t.match(body, '<Message>Commands:')
    times.push(ms)
  }
  t.equal(shared.calls, callsWhenOpened, 'later messages do not touch Redis')
  t.comment(`Redis hung, help: ${summary(times)}`)
  t.equal((await post('nap')).body, '<?xml version="1.0" encoding="UTF-8"?><Response><Message>rested</Message></Response>', 'an asynchronous command too')

  redis.resume()
  await waitUntil(async () => !shared.open, { timeoutMs: 20_000, what: 'the probe closing the breaker' })
  t.same(problems().map((l) => l.msg), [OPENED], 'one warning for the outage')
  t.equal(logged(30).filter((l) => l.msg === CLOSED).length, 1, 'one info line when it ends')
})

t.test('Redis slow on every call: one message spends one budget over all its calls, not one per call', { skip }, async (t) => {
  const redis = await startPrivateRedis()
  t.teardown(() => redis.stop())
  const client = await createRedisClient(redis.url, pino({ level: 'silent' }))
  t.teardown(() => quitRedis(client))
  const { SharedState } = await import('../src/state/shared.js')
  const { log, records } = captureLog()
  const state = new SharedState(client, log, { budgetMs: 250 })
  t.teardown(() => state.close())
  const budget = state.budget()
  const slow = async (): Promise<string> => { await new Promise((resolve) => setTimeout(resolve, 100)); return 'ok' }
  t.equal(await state.call(slow, budget), 'ok')
  t.equal(await state.call(slow, budget), 'ok')
  t.ok(budget.remainingMs < 60, `two calls spent most of it (${budget.remainingMs.toFixed(0)} ms left)`)
  await t.rejects(state.call(slow, budget), { code: 'OPR_ERR_STATE_UNAVAILABLE' }, 'the third outlasts what is left')
  t.ok(state.open, 'and opens the breaker')
  await t.rejects(state.call(async () => 'never', state.budget()), { code: 'OPR_ERR_STATE_UNAVAILABLE' }, 'a new message goes straight to its fallback')
  await waitUntil(async () => !state.open, { timeoutMs: 10_000, what: 'the probe (Redis itself answers)' })
  t.same(records().map((l) => l.msg), [OPENED, CLOSED])
})
