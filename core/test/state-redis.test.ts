import t from 'tap'
import { randomBytes } from 'node:crypto'
import { Socket } from 'node:net'
import { createRedisClient, quitRedis } from '../src/state/redis.js'
import { RedisIdempotencyStore } from '../src/state/redis-idempotency.js'
import { RedisPageStore } from '../src/state/redis-pages.js'
import { buildApp } from '../src/app.js'
import { definePlugin } from '../src/plugins/contract.js'
import pino from 'pino'
import { waitUntil } from '@operator/test-support'

const quiet = pino({ level: 'silent' })

const URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

async function reachable (): Promise<boolean> {
  const { hostname, port } = new globalThis.URL(URL)
  return await new Promise((resolve) => {
    const s = new Socket()
    s.setTimeout(1000)
    s.once('connect', () => { s.destroy(); resolve(true) })
    s.once('error', () => resolve(false))
    s.once('timeout', () => { s.destroy(); resolve(false) })
    s.connect(Number(port || 6379), hostname)
  })
}

if (!(await reachable())) {
  if (process.env.CI === 'true') {
    t.fail(`Redis is not reachable at ${URL}; the Redis state stores cannot be tested`)
  } else {
    t.test('Redis state stores', { skip: `Redis is not reachable at ${URL}: install and start redis-server (apt-get install redis-server) to run these tests` }, async () => {})
  }
} else {
  const prefix = `operator-test:${randomBytes(6).toString('hex')}:`
  const redis = await createRedisClient(URL, quiet)
  t.teardown(async () => {
    const keys = await redis.keys(`${prefix}*`)
    if (keys.length > 0) await redis.del(...keys)
    await quitRedis(redis)
  })

  t.test('the Redis idempotency store claims once across clients, reports pending, then the answer', async (t) => {
    const other = await createRedisClient(URL, quiet)
    t.teardown(() => quitRedis(other))
    const a = new RedisIdempotencyStore(redis, `${prefix}idem:`)
    const b = new RedisIdempotencyStore(other, `${prefix}idem:`)
    const claims = await Promise.all([a.claim('SM1', 10_000, 'a'), b.claim('SM1', 10_000, 'b'), a.claim('SM1', 10_000, 'a')])
    t.equal(claims.filter((c) => c.state === 'claimed').length, 1, 'exactly one replica gets to run it')
    t.equal(claims.filter((c) => c.state === 'pending').length, 2)
    t.same(await b.peek('SM1'), { state: 'pending' })
    await a.complete('SM1', '<Response><Message>ok</Message></Response>', 86_400_000)
    t.same(await b.claim('SM1', 10_000, 'b'), { state: 'done', answer: '<Response><Message>ok</Message></Response>' })
    const ttl = await redis.pttl(`${prefix}idem:SM1`)
    t.ok(ttl > 86_000_000 && ttl <= 86_400_000, 'kept for 24 h')
    t.equal(await a.peek('SM-unknown'), undefined)
  })

  t.test('a pending Redis claim is a lease: its owner renews it, nobody else can, and it lapses when the owner is gone', async (t) => {
    const store = new RedisIdempotencyStore(redis, `${prefix}idem:`)
    t.same(await store.claim('SM2', 200, 'a'), { state: 'claimed' })
    await store.renew('SM2', 60_000, 'b')
    t.ok(await redis.pttl(`${prefix}idem:SM2`) <= 200, 'another owner cannot extend it')
    await store.renew('SM2', 60_000, 'a')
    t.ok(await redis.pttl(`${prefix}idem:SM2`) > 50_000, 'its owner can')
    await store.renew('SM2', 50, 'a')
    await new Promise((resolve) => setTimeout(resolve, 120))
    t.equal(await store.peek('SM2'), undefined, 'lapsed once the owner stopped renewing')
    t.same(await store.claim('SM2', 50, 'b'), { state: 'claimed' }, 'and can be taken over')
    await store.complete('SM2', '<ok/>', 60_000)
    await store.renew('SM2', 1, 'b')
    t.same(await store.peek('SM2'), { state: 'done', answer: '<ok/>' }, 'a renewal never touches an answer')
    await redis.set(`${prefix}idem:SM3`, '')
    t.same(await store.peek('SM3'), { state: 'pending' }, 'the pending mark of earlier versions still reads as pending')
  })

  t.test('the Redis page store hands out pages in order, replaces a remainder, and expires it', async (t) => {
    const pages = new RedisPageStore(redis, { prefix: `${prefix}pages:` })
    await pages.save('sms:+14155550100', ['p2', 'p3'], 60_000)
    t.equal(await pages.next('sms:+14155550100'), 'p2')
    await pages.save('sms:+14155550100', ['q2'], 60_000)
    t.equal(await pages.next('sms:+14155550100'), 'q2', 'a new long reply replaces the old remainder')
    t.equal(await pages.next('sms:+14155550100'), undefined)
    await pages.save('sms:+14155550101', ['r2'], 30)
    await new Promise((resolve) => setTimeout(resolve, 80))
    t.equal(await pages.next('sms:+14155550101'), undefined, 'expired')
    await pages.save('sms:+14155550102', [], 60_000)
    t.equal(await pages.next('sms:+14155550102'), undefined)
    await pages.save('sms:+14155550103', ['s2', 's3'], 60_000)
    await pages.forget('sms:+14155550103')
    t.equal(await pages.next('sms:+14155550103'), undefined, 'a newer complete reply forgets the remainder')
    await pages.close()
    t.equal(redis.status, 'ready', 'a store given a client does not quit it')
  })

  t.test('with STATE_STORE=redis, `more` and MessageSid retries work through Redis', async (t) => {
    const app = await buildApp({
      env: { STATE_STORE: 'redis', REDIS_URL: URL, AUTHORIZED_NUMBERS: '+14155550100' },
      config: { plugins: [] },
      plugins: [{ plugin: definePlugin({ name: 'long', register (op) { op.command({ name: 'long', summary: 'long', run: () => Array.from({ length: 40 }, (_, i) => `row ${i + 1} ${'y'.repeat(25)}`).join('\n') }) } }) }]
    })
    await app.ready()
    t.teardown(() => app.close())
    const sid = `SM${randomBytes(16).toString('hex')}`
    const post = async (body: string, messageSid: string) => (await app.inject({
      method: 'POST', url: '/sms', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ From: '+14155550100', Body: body, MessageSid: messageSid }).toString()
    })).body
    const first = await post('help', sid)
    t.match(first, '<Message>Commands:')
    t.equal(await post('help', sid), first)
    t.equal(await redis.get(`operator:idem:${sid}`), first, 'the answer is kept in Redis')
    await redis.del(`operator:idem:${sid}`)
    const long = await post('long', `SM${randomBytes(16).toString('hex')}`)
    t.match(long, /\(1\/\d\) MORE<\/Message>/)
    t.ok(await redis.exists('operator:pages:sms:+14155550100'), 'the remainder is kept in Redis')
    t.match(await post('more', `SM${randomBytes(16).toString('hex')}`), /<Message>row \d+ y+/)
    t.ok(await redis.exists('operator:pages:sms:+14155550100'), 'a page sent by more leaves the rest')
    t.match(await post('help', `SM${randomBytes(16).toString('hex')}`), '<Message>Commands:')
    // The reply does not wait for the remainder to be dropped: it goes in the background, on the same connection.
    await waitUntil(async () => await redis.exists('operator:pages:sms:+14155550100') === 0, { timeoutMs: 5000, what: 'the old remainder dropped' })
    t.match(await post('more', `SM${randomBytes(16).toString('hex')}`), '<Message>Nothing more to show.</Message>', 'a newer complete answer ended it')
    await redis.del('operator:pages:sms:+14155550100')
  })
}
