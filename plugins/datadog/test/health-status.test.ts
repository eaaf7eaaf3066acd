import t from 'tap'
import { API_KEY, setup } from './fixtures/setup.js'

t.test('health datadog validates the API key and reports latency', async (t) => {
  const { fake, op } = await setup(t)
  t.match(await op.exec('health datadog'), /^datadog ok API key valid on datadoghq\.com \(\d+ms\)$/)
  const [req] = fake.requestsTo('/api/v1/validate')
  t.equal(req!.headers['dd-api-key'], API_KEY)
  // health over every system counts the ok ones (self may be DEGRADED on a busy machine: it is then listed).
  t.match(await op.exec('health'), /^(All 2 ok: self \d+ms, datadog \d+ms|1 of 2 not ok: self DEGRADED .*\. 1 ok\.)$/, 'counted among all systems')
})

t.test('health is DOWN with a rejected API key, DEGRADED when rate limited', async (t) => {
  const { op } = await setup(t, { apiKey: 'not-the-api-key-00000000000000000' })
  t.match(await op.exec('health datadog'), /^datadog DOWN API key rejected \(check DATADOG_API_KEY\) \(\d+ms\)$/)
  const limited = await setup(t)
  limited.fake.rateLimit({ reset: 30 })
  t.match(await limited.op.exec('health datadog'), /^datadog DEGRADED rate limited, retry in 30s \(\d+ms\)$/)
})

t.test('status counts monitors by state', async (t) => {
  const { fake, op } = await setup(t, {}, (f) => f.seedMonitors([
    { id: 1, name: 'a', overall_state: 'Warn' },
    { id: 2, name: 'b', overall_state: 'Warn' },
    { id: 3, name: 'c', overall_state: 'No Data' },
    { id: 4, name: 'd', overall_state: 'OK' }
  ]))
  t.match(await op.statusLine('datadog'), /^datadog ok 0 alert, 2 warn, 1 no data$/m)
  t.equal(fake.requestsTo('/api/v1/monitor').length, 1)
})

t.test('status is DEGRADED while a monitor is in Alert', async (t) => {
  const { op } = await setup(t, {}, (f) => f.seedMonitors([
    { id: 1, name: 'a', overall_state: 'Alert' },
    { id: 2, name: 'b', overall_state: 'OK' }
  ]))
  t.match(await op.statusLine('datadog'), /^datadog DEGRADED 1 alert, 0 warn, 0 no data$/m)
})

t.test('status is DOWN when Datadog cannot be asked, and says why', async (t) => {
  const { fake, op } = await setup(t, { appKey: 'not-the-app-key-000000000000000000000000' })
  t.match(await op.statusLine('datadog'), /^datadog DOWN rejected the application key \(check DATADOG_APP_KEY\)$/m)
  fake.fault('/api/v1/monitor', { status: 502, body: 'Bad Gateway' })
  t.match(await op.statusLine('datadog'), /^datadog DOWN server error \(HTTP 502\)$/m)
})

t.test('without an application key, status falls back to the API key check', async (t) => {
  const { fake, op } = await setup(t, { appKey: undefined })
  t.match(await op.statusLine('datadog'), /^datadog ok API key valid \(set DATADOG_APP_KEY for monitor counts\)$/m)
  t.same(fake.requests.map((r) => r.path), ['/api/v1/validate'])
  const bad = await setup(t, { appKey: undefined, apiKey: 'not-the-api-key-00000000000000000' })
  t.match(await bad.op.statusLine('datadog'), /^datadog DOWN API key rejected \(check DATADOG_API_KEY\)$/m)
})

t.test('a Datadog that never answers makes health DOWN with how long it waited', async (t) => {
  const { fake, op } = await setup(t, { timeoutMs: 300 })
  fake.fault('/api/v1/validate', 'hang')
  t.match(await op.exec('health datadog'), /^datadog DOWN timed out after 300ms \(\d+ms\)$/)
})
