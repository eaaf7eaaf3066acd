import t from 'tap'
import { waitUntil } from '@operator/test-support'
import { SharedState } from '../src/state/shared.js'
import { captureLog } from './fixtures/log.js'

/** A client whose PING answers or fails as the test says. */
function fakeClient () {
  const client = { up: false, pings: 0, ping: async () => { client.pings++; if (!client.up) throw new Error('connect ECONNREFUSED 127.0.0.1:6390'); return 'PONG' } }
  return client
}

t.test('a reply error is Redis answering: it reaches the caller and the breaker stays closed', async (t) => {
  const { log } = captureLog()
  const state = new SharedState(fakeClient(), log, { budgetMs: 300 })
  t.teardown(() => state.close())
  const reply = Object.assign(new Error('WRONGTYPE Operation against a key holding the wrong kind of value'), { name: 'ReplyError' })
  await t.rejects(state.call(async () => { throw reply }, undefined), { name: 'ReplyError' })
  t.notOk(state.open)
  t.equal(await state.attempt('x', undefined, async () => { throw reply }, () => 'fallback'), 'fallback', 'the caller still falls back for this call')
  t.notOk(state.open)
})

t.test('a lost connection opens the breaker once; the probe backs off until PING answers, then closes it', async (t) => {
  const { log, records } = captureLog('debug')
  const client = fakeClient()
  const state = new SharedState(client, log, { budgetMs: 300, probeMinMs: 10, probeMaxMs: 40 })
  t.teardown(() => state.close())
  const lost = async (): Promise<never> => { throw new Error('connect ECONNREFUSED 127.0.0.1:6390') }
  t.equal(await state.attempt('a', undefined, lost, () => 'memory'), 'memory')
  t.equal(await state.attempt('b', undefined, lost, () => 'memory'), 'memory', 'open: straight to memory')
  t.equal(state.calls, 1, 'the second call never reached Redis')
  await waitUntil(async () => client.pings >= 3, { timeoutMs: 5000, what: 'probes' })
  const delays = records().filter((l) => l.msg === 'state: Redis probe failed').map((l) => l.retryInMs)
  t.same(delays.slice(0, 3), [10, 20, 40], 'the probe backs off, up to its maximum')
  client.up = true
  await waitUntil(async () => !state.open, { timeoutMs: 5000, what: 'the breaker closing' })
  t.same(records().filter((l) => (l.level as number) >= 30).map((l) => [l.level, l.msg]), [
    [40, 'state: Redis is unavailable; each replica uses its own memory until it answers again'],
    [30, 'state: Redis answers again; shared state resumed']
  ])
  t.equal(await state.attempt('c', undefined, async () => 'redis', () => 'memory'), 'redis', 'closed: Redis again')
})
