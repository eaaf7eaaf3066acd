import t, { type Test } from 'tap'
import { fakeJsonEndpoint, freePort, type FakeJsonEndpoint } from '@operator/test-support'
import { createTestOperator } from '@operator/core/testing'
import plugin from '../src/index.js'
import { gatewayOperator, sms } from './fixtures/helpers.js'

const doc = (over: Record<string, unknown> = {}) => ({
  data: { state: 'healthy', stats: [{ rpm: 1234, err: '0.4', p90: 180, ...over }] }
})
const FIELDS = { status: 'data.state', rpm: 'data.stats[0].rpm', errorRate: 'data.stats[0].err', p90Ms: '$.data.stats[0].p90' }
const THRESHOLDS = { errorRate: { degraded: 1, down: 5 }, rpm: { degraded: 100, down: 10 } }

async function endpoint (t: Test, body: unknown = doc()): Promise<FakeJsonEndpoint> {
  const server = await fakeJsonEndpoint(body, { path: '/gw/stats' })
  t.teardown(async () => { await server.close() })
  return server
}

const config = (server: FakeJsonEndpoint, extra: Record<string, unknown> = {}) =>
  ({ type: 'custom', url: `${server.url}/gw/stats?view=summary`, fields: FIELDS, thresholds: THRESHOLDS, ...extra })

t.test('gateway reads the mapped fields from the custom endpoint', async (t) => {
  const server = await endpoint(t)
  const op = await gatewayOperator(t, config(server))
  t.equal(await sms(t, op, 'gateway'), 'gateway ok 1.23k rpm, 0.4% 5xx, p90 180ms')
  t.equal(server.requests[0]!.path, '/gw/stats', 'the configured path, not a trailing slash')
  t.equal(server.requests[0]!.query.get('view'), 'summary', 'the query string is kept')
  t.equal(await op.statusLine('gateway'), 'gateway ok 1.23k rpm, 0.4% 5xx, p90 180ms')
})

t.test('thresholds mark values degraded or down, a falling request rate included', async (t) => {
  const server = await endpoint(t, doc({ err: 6 }))
  const op = await gatewayOperator(t, config(server))
  t.match(await op.exec('health gateway'), /^gateway DOWN 6% 5xx \(>= 5%\), 1\.23k rpm, p90 180ms \(\d+ms\)$/)
  server.setBody(doc({ rpm: 50 }))
  t.match(await op.exec('health gateway'), /^gateway DEGRADED 50 rpm \(<= 100\), 0\.4% 5xx, p90 180ms/)
  server.setBody(doc({ rpm: 3 }))
  t.match(await op.exec('health gateway'), /^gateway DOWN 3 rpm \(<= 10\)/)
})

t.test('the endpoint\'s own status word counts: critical is DOWN, an unknown word DEGRADED', async (t) => {
  const server = await endpoint(t, { data: { state: 'critical', stats: [{ rpm: 1234, err: 0.4, p90: 180 }] } })
  const op = await gatewayOperator(t, config(server))
  t.equal(await op.exec('gateway'), 'gateway DOWN status critical, 1.23k rpm, 0.4% 5xx, p90 180ms')
  server.setBody({ data: { state: 'meh', stats: [{ rpm: 1234, err: 0.4, p90: 180 }] } })
  t.match(await op.exec('gateway'), /^gateway DEGRADED status meh,/)
})

t.test('a JSON path that is not in the answer is named in one line and degrades the gateway', async (t) => {
  const server = await endpoint(t, { data: { state: 'ok', stats: [{ rpm: 1234, err: 0.4 }] } })
  const op = await gatewayOperator(t, config(server))
  t.equal(await sms(t, op, 'gateway'), "gateway DEGRADED no '$.data.stats[0].p90' in the answer, 1.23k rpm, 0.4% 5xx")
  server.setBody({ data: { state: 'ok', stats: [] } })
  t.match(await op.statusLine('gateway'), /^gateway DEGRADED no 'data\.stats\[0\]\.rpm' in the answer, no 'data\.stats\[0\]\.err' in the answer/)
})

t.test('gateway status lists each field with its path, problems first', async (t) => {
  const server = await endpoint(t, { data: { state: 'ok', stats: [{ rpm: 'lots', err: 6 }] } })
  const op = await gatewayOperator(t, config(server))
  t.equal(await sms(t, op, 'gateway status'), [
    'errorRate data.stats[0].err: 6% 5xx DOWN (>= 5%)',
    'rpm data.stats[0].rpm: not a number DEGRADED',
    'p90Ms $.data.stats[0].p90: not in the answer DEGRADED',
    'status data.state: status ok'
  ].join('\n'))
})

t.test('custom endpoint errors are one line each: unreachable, 5xx, 401, non-JSON, timeout', async (t) => {
  const port = await freePort()
  const down = await gatewayOperator(t, { type: 'custom', url: `http://127.0.0.1:${port}/stats`, fields: { rpm: 'rpm' } })
  t.equal(await down.exec('gateway'), 'gateway: custom endpoint unreachable (connection refused)')

  const server = await endpoint(t)
  const op = await gatewayOperator(t, config(server, { url: `http://ops:hunter2-secret@127.0.0.1:${server.port}/gw/stats`, timeoutMs: 300 }))
  server.fault('/gw/stats', { status: 502, body: { message: 'bad gateway upstream' } }, { times: 1 })
  t.equal(await op.exec('gateway'), 'gateway: custom endpoint answered HTTP 502 (bad gateway upstream)')
  server.fault('/gw/stats', { status: 401, body: 'who are you' }, { times: 1 })
  const refused = await op.exec('gateway')
  t.equal(refused, 'gateway: custom endpoint refused the credentials (HTTP 401): check the credentials in GATEWAY_URL')
  t.notMatch(refused, 'hunter2')
  t.match(String(server.requests.at(-1)!.headers.authorization), /^Basic /, 'URL credentials travel as basic auth')
  server.fault('/gw/stats', 'malformed-json', { times: 1 })
  t.equal(await op.exec('gateway'), 'gateway: custom endpoint sent a non-JSON answer')
  server.fault('/gw/stats', 'hang', { times: 1 })
  const r = await op.dispatch('gateway')
  t.equal(r.outcome, 'failed', 'within the deadline')
  t.match(r.reply, /^gateway: custom endpoint timed out \([a-z0-9 ]+\)$/)
})

t.test('fields and thresholds can come from the environment as JSON', async (t) => {
  const server = await endpoint(t, { rpm: 42, p99: 2400 })
  const op = await createTestOperator({
    plugins: [{ plugin }],
    // GATEWAY_TYPE would also enable the installed first-party package; the plugin under test is given inline.
    config: { plugins: [{ package: 'gateway', enabled: false }] },
    env: {
      GATEWAY_TYPE: 'custom',
      GATEWAY_URL: `${server.url}/gw/stats`,
      GATEWAY_FIELDS: '{"rpm":"rpm","p99Ms":"p99"}',
      GATEWAY_THRESHOLDS: '{"p99Ms":{"degraded":2000,"down":5000}}'
    }
  })
  t.teardown(async () => { await op.close() })
  t.equal(await op.exec('gateway'), 'gateway DEGRADED p99 2.4s (>= 2s), 42 rpm')
})
