import t from 'tap'
import { freePort } from '@operator/test-support'
import { createTestOperator } from '@operator/core/testing'
import plugin from '../src/index.js'
import { API_KEY, APP_KEY, setup } from './fixtures/setup.js'

const Q = 'avg:system.cpu.user{*}by{host}'

t.test('a wrong API key is named as the API key', async (t) => {
  const { fake, op } = await setup(t, { apiKey: 'wrong-api-key-000000000000000000' })
  t.equal(await op.exec('metrics cpu'), 'metrics: datadog rejected the API key (check DATADOG_API_KEY)')
  t.same(fake.requests.map((r) => r.path), ['/api/v1/query', '/api/v1/validate'], 'validate tells which key it was')
})

t.test('a valid API key with a wrong application key is named as the application key', async (t) => {
  const { op } = await setup(t, { appKey: 'wrong-app-key-0000000000000000000000000' })
  t.equal(await op.exec('metrics cpu'), 'metrics: datadog rejected the application key (check DATADOG_APP_KEY)')
  t.equal(await op.exec('monitors'), 'monitors: datadog rejected the application key (check DATADOG_APP_KEY)')
})

t.test('when validate cannot tell either, the reply says one of the keys was rejected', async (t) => {
  const { fake, op } = await setup(t, { appKey: 'wrong-app-key-0000000000000000000000000' })
  fake.fault('/api/v1/validate', { status: 503, body: { errors: ['Service Unavailable'] } })
  t.equal(await op.exec('metrics cpu'), 'metrics: datadog rejected the API or application key (HTTP 403)')
})

t.test('no application key: queries and monitors say which setting is missing, without asking Datadog', async (t) => {
  const { fake, op } = await setup(t, { appKey: undefined })
  t.equal(await op.exec('metrics cpu'), 'metrics: datadog queries need an application key: set DATADOG_APP_KEY')
  t.equal(await op.exec('monitors'), 'monitors: datadog monitors need an application key: set DATADOG_APP_KEY')
  t.equal(fake.requests.length, 0)
})

t.test('rate limited: says when to retry from X-RateLimit-Reset, else the period', async (t) => {
  const { fake, op } = await setup(t)
  fake.rateLimit({ reset: 12 })
  t.equal(await op.exec('metrics cpu'), 'metrics: datadog rate limited, retry in 12s')
  fake.fault('/api/v1/query', { status: 429, headers: { 'x-ratelimit-period': '60' }, body: { errors: ['Rate limit'] } }, { times: 1 })
  t.equal(await op.exec('metrics cpu'), 'metrics: datadog rate limited, retry in 1m')
  fake.fault('/api/v1/query', { status: 429, body: { errors: ['Rate limit'] } }, { times: 1 })
  t.equal(await op.exec('metrics cpu'), 'metrics: datadog rate limited, retry later')
})

t.test('a bad query answers with Datadog\'s own reason on one line', async (t) => {
  const { op } = await setup(t, {}, (f) => f.markBadQuery('avg:system.cpu.user{*', "missing closing '}'"))
  t.equal(await op.exec('metrics avg:system.cpu.user{*'),
    "metrics: datadog: Error parsing query: missing closing '}'")
})

t.test('a 200 answer with status error carries Datadog\'s reason too', async (t) => {
  const { fake, op } = await setup(t)
  fake.fault('/api/v1/query', { status: 200, body: { status: 'error', error: 'Rollup interval too small', series: [] } })
  t.equal(await op.exec(`metrics ${Q}`), 'metrics: datadog: Rollup interval too small')
})

t.test('server errors, other statuses and non-JSON answers each give a one-line reason', async (t) => {
  const { fake, op } = await setup(t)
  fake.fault('/api/v1/query', { status: 503, body: '<html><body>Service Unavailable</body></html>' }, { times: 1 })
  t.equal(await op.exec('metrics cpu'), 'metrics: datadog server error (HTTP 503)')
  fake.fault('/api/v1/query', { status: 404, body: { errors: ['Not found'] } }, { times: 1 })
  t.equal(await op.exec('metrics cpu'), 'metrics: datadog answered HTTP 404: Not found')
  fake.fault('/api/v1/query', 'malformed-json', { times: 1 })
  t.equal(await op.exec('metrics cpu'), 'metrics: datadog sent a non-JSON answer')
  fake.fault('/api/v1/query', { status: 200, body: { status: 'ok' } }, { times: 1 })
  t.equal(await op.exec('metrics cpu'), 'metrics: datadog sent an unexpected query answer')
  fake.fault('/api/v1/monitor', { status: 200, body: { monitors: [] } }, { times: 1 })
  t.equal(await op.exec('monitors'), 'monitors: datadog sent an unexpected monitor list answer')
})

t.test('a Datadog that never answers times out after timeoutMs with one line', async (t) => {
  const { fake, op } = await setup(t, { timeoutMs: 300 })
  fake.fault('/api/v1/query', 'hang')
  t.equal(await op.exec('metrics cpu'), 'metrics: datadog timed out after 300ms')
})

t.test('an unreachable Datadog gives one line', async (t) => {
  const port = await freePort()
  const op = await createTestOperator({
    plugins: [{ plugin, config: { apiKey: API_KEY, appKey: APP_KEY, url: `http://127.0.0.1:${port}` } }]
  })
  t.teardown(() => op.close())
  t.equal(await op.exec('metrics cpu'), 'metrics: datadog unreachable (connection refused)')
  t.match(await op.exec('health datadog'), /^datadog DOWN unreachable \(connection refused\) \(\d+ms\)$/)
})
