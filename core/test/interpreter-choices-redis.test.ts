import t from 'tap'
import { randomBytes } from 'node:crypto'
import { Socket } from 'node:net'
import pino from 'pino'
import { buildApp } from '../src/app.js'
import { definePlugin } from '../src/plugins/contract.js'
import { createRedisClient, quitRedis } from '../src/state/redis.js'
import { FallbackChoiceStore, RedisChoiceStore } from '../src/state/redis-choices.js'
import { SharedState } from '../src/state/shared.js'
import type { ChoiceStore } from '../src/state/choices.js'

const quiet = pino({ level: 'silent' })
const URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

/** A remote store that always fails, as Redis does while it is down: the fallback must answer from memory. */
class BrokenChoiceStore implements ChoiceStore {
  calls = 0
  async save (): Promise<void> {
    this.calls++
    throw new Error('connect ECONNREFUSED 127.0.0.1:6390')
  }

  async take (): Promise<readonly string[] | undefined> {
    this.calls++
    throw new Error('connect ECONNREFUSED 127.0.0.1:6390')
  }
}

t.test('while Redis fails, a question is answered from this replica\'s memory', async (t) => {
  const remote = new BrokenChoiceStore()
  const state = new SharedState({ ping: async () => { throw new Error('down') } }, quiet, { budgetMs: 100, probeMinMs: 60_000 })
  t.teardown(() => state.close())
  const store = new FallbackChoiceStore(remote, state)
  await store.save('sms:+1', ['health db', 'db slow'], 60_000)
  t.ok(state.open, 'the failure opened the breaker')
  t.same(await store.take('sms:+1'), ['health db', 'db slow'])
  t.equal(await store.take('sms:+1'), undefined, 'taken once; with the breaker open Redis is not asked')
  t.equal(remote.calls, 1)
})

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
    t.fail(`Redis is not reachable at ${URL}; the Redis choice store cannot be tested`)
  } else {
    t.test('Redis choice store', { skip: `Redis is not reachable at ${URL}: install and start redis-server (apt-get install redis-server) to run these tests` }, async () => {})
  }
} else {
  const prefix = `operator-test:${randomBytes(6).toString('hex')}:`
  const redis = await createRedisClient(URL, quiet)
  t.teardown(async () => {
    const keys = await redis.keys(`${prefix}*`)
    if (keys.length > 0) await redis.del(...keys)
    await quitRedis(redis)
  })

  t.test('the Redis choice store keeps a question with its expiry and gives it out once', async (t) => {
    const store = new RedisChoiceStore(redis, { prefix })
    await store.save('sms:+1', ['health db', 'db slow'], 60_000)
    const ttl = await redis.pttl(`${prefix}sms:+1`)
    t.ok(ttl > 59_000 && ttl <= 60_000, 'expires with the question')
    t.same(await store.take('sms:+1'), ['health db', 'db slow'])
    t.equal(await store.take('sms:+1'), undefined)
    await redis.set(`${prefix}sms:+2`, '{"not":"a list"}')
    t.equal(await store.take('sms:+2'), undefined, 'anything else under the key is no question')
  })

  t.test('with STATE_STORE=redis, the reply 1 reaches another replica than the question and still runs', async (t) => {
    const interpreter = definePlugin({
      name: 'asks',
      register (op) {
        op.command({ name: 'echo', summary: 'say it back', run: (ctx) => `echo: ${ctx.args}` })
        op.interpreter({ interpret: ({ text }) => text === 'which one' ? { kind: 'choose', commands: ['echo one', 'echo two'] } : undefined })
      }
    })
    const replica = async (): Promise<Awaited<ReturnType<typeof buildApp>>> => {
      const app = await buildApp({
        env: { STATE_STORE: 'redis', REDIS_URL: URL },
        config: { plugins: [{ package: 'interpreter', enabled: false }] },
        plugins: [{ plugin: interpreter }]
      })
      await app.ready()
      t.teardown(() => app.close())
      return app
    }
    const [a, b] = [await replica(), await replica()]
    const sender = { id: `+1555${randomBytes(4).readUInt32BE() % 10_000_000}`, role: 'viewer' as const, channel: 'sms' as const }
    t.equal((await a.operator.dispatcher.dispatch('which one', sender)).reply, 'Did you mean 1) echo one 2) echo two? Reply 1 or 2')
    t.ok(await redis.exists(`operator:choices:sms:${sender.id}`), 'the question is kept in Redis')
    t.equal((await b.operator.dispatcher.dispatch('2', sender)).reply, '> echo two\necho: two')
    t.equal(await redis.exists(`operator:choices:sms:${sender.id}`), 0, 'and gone once answered')
  })
}
