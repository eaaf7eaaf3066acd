// Two daemons behind one load balancer: one PostgreSQL (a schema of this test's own) and one Redis (a private
// redis-server). Messages reach either replica; each reads every message back through the store's query API.
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../src/app.js'
import { httpOnce } from './fixtures/reliability-daemon.js'
import { REDIS_SERVER, startPrivateRedis } from './fixtures/private-redis.js'
import { pgSkip } from './fixtures/store-engines.js'
import { storeEnv } from './fixtures/store-env.js'

const NUMBERS = ['+14155550100', '+14155550101', '+14155550102']

async function replica (env: Record<string, string>): Promise<{ app: FastifyInstance, port: number }> {
  const app = await buildApp({ env, config: { plugins: [] } })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  return { app, port: typeof address === 'object' && address !== null ? address.port : 0 }
}

const noRedis = REDIS_SERVER === undefined && process.env.CI !== 'true' ? 'redis-server is not installed (apt-get install redis-server)' : false

t.test('two replicas on one PostgreSQL and one Redis each see every message', { skip: (await pgSkip()) || noRedis }, async (t) => {
  const place = await storeEnv('postgres')
  t.teardown(place.remove)
  const redis = await startPrivateRedis()
  t.teardown(() => redis.stop())
  const env = { ...place.env, REDIS_URL: redis.url, AUTHORIZED_NUMBERS: NUMBERS.join(','), HOST: '127.0.0.1' }
  const a = await replica(env)
  t.teardown(() => a.app.close())
  const b = await replica(env)
  t.teardown(() => b.app.close())
  t.equal(a.app.operator.store?.engine, 'postgres')

  const post = async (port: number, from: string, body: string, sid: string): Promise<string> => {
    const res = await httpOnce(port, 'POST', '/sms', new URLSearchParams({ From: from, Body: body, MessageSid: sid }).toString(),
      { 'content-type': 'application/x-www-form-urlencoded' })
    return res.body
  }
  // Round robin, as a load balancer would: 12 messages, half on each.
  const sids: string[] = []
  for (let i = 0; i < 12; i++) {
    const sid = 'SM' + (i + 1).toString(16).padStart(32, '0')
    sids.push(sid)
    t.match(await post(i % 2 === 0 ? a.port : b.port, NUMBERS[i % 3]!, i % 4 === 0 ? 'status' : 'help', sid), '<Message>')
  }
  // Twilio's retry of the first message reaches the other replica: answered from Redis, recorded as a duplicate.
  await post(b.port, NUMBERS[0]!, 'status', sids[0]!)
  await a.app.operator.history.flush()
  await b.app.operator.history.flush()

  for (const [name, r] of [['first', a], ['second', b]] as const) {
    const inbound = (await r.app.operator.store!.messages.query({ direction: 'in', limit: 100 })).items
    t.same(new Set(inbound.filter((m) => m.outcome === 'answered').map((m) => m.messageSid)), new Set(sids), `the ${name} replica sees every message`)
    t.same(inbound.filter((m) => m.outcome === 'duplicate').map((m) => m.messageSid), [sids[0]], 'and the retry once, as a duplicate')
    const outbound = (await r.app.operator.store!.messages.query({ direction: 'out', limit: 100 })).items
    t.equal(outbound.length, 12, 'and every reply')
    const byNumber = await r.app.operator.store!.messages.query({ number: NUMBERS[1]!, direction: 'in' })
    t.equal(byNumber.items.length, 4, 'filters work across replicas')
  }
})
