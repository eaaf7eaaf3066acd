import t from 'tap'
import pino from 'pino'
import { randomBytes } from 'node:crypto'
import { canConnect } from '@operator/test-support'
import { createRedisClient, quitRedis } from '../src/state/redis.js'
import { SharedState } from '../src/state/shared.js'
import { createRateLimits, type LimitVerdict } from '../src/channels/sms/rate-limit.js'
import { captureLog } from './fixtures/log.js'

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

const states = (verdicts: LimitVerdict[]): string[] => verdicts.map((v) => v.state)

t.test('in memory: verdicts are synchronous; the first message over the limit is "over", the rest "banned"', async (t) => {
  const limits = createRateLimits({ perSender: 2, global: 100, windowMs: 60_000, state: undefined })
  const verdicts = Array.from({ length: 4 }, () => limits.perSender.hit('+14155550100'))
  t.notOk(verdicts.some((v) => v instanceof Promise), 'no promise on the in-memory path')
  t.same(states(verdicts as LimitVerdict[]), ['within', 'within', 'over', 'banned'])
  t.match(verdicts[2], { max: 2, retryInSeconds: 60 })
  t.equal((limits.perSender.hit('+14155550101') as LimitVerdict).state, 'within', 'another number has its own count')
  t.equal((limits.global.hit('all') as LimitVerdict).state, 'within', 'the global count is its own')
})

t.test('in memory: a new window starts the count again', async (t) => {
  const limits = createRateLimits({ perSender: 1, global: 100, windowMs: 20, state: undefined })
  t.same(states([limits.perSender.hit('k'), limits.perSender.hit('k')] as LimitVerdict[]), ['within', 'over'])
  await new Promise((resolve) => setTimeout(resolve, 40))
  t.equal((limits.perSender.hit('k') as LimitVerdict).state, 'within')
})

t.test('Redis down: the limit still holds, counted in this replica\'s memory, and the outage is logged once', async (t) => {
  // Nothing listens on port 1: every connection attempt is refused at once, as with Redis down.
  const { log, records } = captureLog()
  const redis = await createRedisClient('redis://127.0.0.1:1', log)
  const state = new SharedState(redis, log, { budgetMs: 300 })
  t.teardown(async () => { state.close(); await quitRedis(redis) })
  const limits = createRateLimits({ perSender: 1, global: 100, windowMs: 60_000, state })
  t.same(states([await limits.perSender.hit('k'), await limits.perSender.hit('k'), await limits.perSender.hit('k'), await limits.global.hit('all')]),
    ['within', 'over', 'banned', 'within'], 'counted in memory: one over the limit is still over it')
  t.ok(state.open, 'the breaker opened')
  t.equal(state.calls, 1, 'only the first message tried Redis; the rest went straight to memory')
  t.same(records().filter((l) => (l.level as number) >= 40).map((l) => l.msg), ['state: Redis is unavailable; each replica uses its own memory until it answers again'],
    'one warning for the outage, none per message')
})

const redisAddress = new URL(REDIS_URL)
const up = await canConnect(Number(redisAddress.port || 6379), redisAddress.hostname)
const probe = await createRedisClient(REDIS_URL, pino({ level: 'silent' }))
const probeState = new SharedState(probe, pino({ level: 'silent' }), { budgetMs: 2000 })
if (!up && process.env.CI === 'true') {
  t.fail(`Redis is not reachable at ${REDIS_URL}; the shared rate limit cannot be tested`)
}
t.test('with Redis, replicas share one count per sender', { skip: up ? false : `Redis is not reachable at ${REDIS_URL}: install and start redis-server to run this test` }, async (t) => {
  const other = await createRedisClient(REDIS_URL, pino({ level: 'silent' }))
  t.teardown(() => quitRedis(other))
  const a = createRateLimits({ perSender: 2, global: 100, windowMs: 60_000, state: probeState })
  const b = createRateLimits({ perSender: 2, global: 100, windowMs: 60_000, state: new SharedState(other, pino({ level: 'silent' }), { budgetMs: 2000 }) })
  const sender = `+1415${randomBytes(3).toString('hex')}`
  t.teardown(() => probe.del(`operator:sms:rl:sender:${sender}`))
  const verdicts = [await a.perSender.hit(sender), await b.perSender.hit(sender), await a.perSender.hit(sender), await b.perSender.hit(sender)]
  t.same(states(verdicts), ['within', 'within', 'over', 'banned'], 'two replicas, one limit')
  t.match(verdicts[2], { max: 2 })
  const ttl = await probe.pttl(`operator:sms:rl:sender:${sender}`)
  t.ok(ttl > 0 && ttl <= 60_000, 'the window expires in Redis on its own')
  t.notOk(probeState.open)
})
t.teardown(() => quitRedis(probe))
