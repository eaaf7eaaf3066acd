import t from 'tap'
import { fakeKong, freePort } from '@operator/test-support'
import { gatewayOperator, sms } from './fixtures/helpers.js'

const TOKEN = 'kong-secret-token-7f3a'

t.test('kong admin unreachable: one line, and health says DOWN', async (t) => {
  const port = await freePort()
  const op = await gatewayOperator(t, { type: 'kong', url: `http://127.0.0.1:${port}`, adminKey: TOKEN })
  t.equal(await sms(t, op, 'gateway'), 'gateway: kong admin unreachable (connection refused)')
  t.equal(await op.statusLine('gateway'), 'gateway DOWN kong admin unreachable (connection refused)')
})

t.test('a wrong admin key is named as the problem without echoing any key', async (t) => {
  const kong = await fakeKong({ adminToken: TOKEN })
  t.teardown(async () => { await kong.close() })
  const wrong = 'wrong-key-0000-secret'
  const op = await gatewayOperator(t, { type: 'kong', url: kong.url, adminKey: wrong })
  const reply = await sms(t, op, 'gateway')
  t.equal(reply, 'gateway: kong admin refused the credentials (HTTP 401): check GATEWAY_ADMIN_KEY')
  t.equal(kong.requests[0]!.headers['kong-admin-token'], wrong, 'the configured key was sent')
  const health = await op.exec('health gateway')
  t.match(health, /^gateway DOWN kong admin refused the credentials \(HTTP 401\): check GATEWAY_ADMIN_KEY/)
  for (const text of [reply, health]) {
    t.notMatch(text, wrong)
    t.notMatch(text, TOKEN)
  }
})

t.test('a missing admin key on an RBAC kong says to set it', async (t) => {
  const kong = await fakeKong({ adminToken: TOKEN })
  t.teardown(async () => { await kong.close() })
  const op = await gatewayOperator(t, { type: 'kong', url: kong.url })
  t.equal(await op.exec('gateway status'), 'gateway: kong admin refused the credentials (HTTP 401): set GATEWAY_ADMIN_KEY')
  t.equal(kong.requests[0]!.headers['kong-admin-token'], undefined)
})

t.test('403 from kong is reported as refused credentials too', async (t) => {
  const kong = await fakeKong()
  t.teardown(async () => { await kong.close() })
  kong.fault('/status', { status: 403, body: { message: 'Forbidden' } })
  const op = await gatewayOperator(t, { type: 'kong', url: kong.url, adminKey: TOKEN })
  t.equal(await op.exec('gateway'), 'gateway: kong admin refused the credentials (HTTP 403): check GATEWAY_ADMIN_KEY')
})

t.test('a kong 5xx quotes its short reason', async (t) => {
  const kong = await fakeKong()
  t.teardown(async () => { await kong.close() })
  kong.fault('/status', { status: 500, body: { message: 'An unexpected error occurred' } })
  kong.fault('/services', { status: 503, body: '<html>upstream busy</html>' })
  const op = await gatewayOperator(t, { type: 'kong', url: kong.url })
  t.equal(await op.exec('gateway'), 'gateway: kong admin answered HTTP 500 (An unexpected error occurred)')
  kong.clearFaults().fault('/routes', { status: 503, body: '<html>upstream busy</html>' })
  t.equal(await op.exec('gateway status'), 'gateway: kong admin answered HTTP 503')
})

t.test('a kong that does not answer times out within its timeout, one line', async (t) => {
  const kong = await fakeKong()
  t.teardown(async () => { await kong.close() })
  kong.fault('/status', 'hang')
  const op = await gatewayOperator(t, { type: 'kong', url: kong.url, timeoutMs: 300 })
  const r = await op.dispatch('gateway')
  t.equal(r.outcome, 'failed', 'answered by the plugin, not cut off by the command deadline')
  t.match(r.reply, /^gateway: kong admin timed out \([a-z0-9 ]+\)$/)
  t.match(await op.exec('health gateway'), /^gateway DOWN kong admin timed out/)
})

t.test('a non-JSON answer from kong is one line', async (t) => {
  const kong = await fakeKong()
  t.teardown(async () => { await kong.close() })
  kong.fault('/status', 'malformed-json')
  const op = await gatewayOperator(t, { type: 'kong', url: kong.url })
  t.equal(await op.exec('gateway'), 'gateway: kong admin sent a non-JSON answer')
})

t.test('an upstream deleted between listing and its health call is reported, not crashed on', async (t) => {
  const kong = await fakeKong()
  t.teardown(async () => { await kong.close() })
  kong.seedUpstreamHealth('api-up', [{ target: '10.0.0.7:8080', health: 'HEALTHY' }])
  kong.fault('/upstreams/api-up/health', { status: 404, body: { message: 'Not found' } })
  const op = await gatewayOperator(t, { type: 'kong', url: kong.url })
  t.equal(await op.exec('gateway upstreams'), 'gateway: kong admin answered HTTP 404 (Not found)')
})
