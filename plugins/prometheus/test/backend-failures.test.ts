import t, { type Test } from 'tap'
import { Writable } from 'node:stream'
import { buildApp } from '@operator/core'
import { createTestOperator } from '@operator/core/testing'
import { fakeJsonEndpoint, freePort, type FakeJsonEndpoint } from '@operator/test-support'
import prometheus from '../src/index.js'

// Failures a real Prometheus cannot be made to produce on demand, scripted on a plain JSON endpoint that answers
// like Prometheus's query API and records what it received.
const VECTOR = { status: 'success', data: { resultType: 'vector', result: [{ metric: { __name__: 'up', job: 'node' }, value: [1764010800.123, '1'] }] } }
const MATRIX = {
  status: 'success',
  data: {
    resultType: 'matrix',
    result: [
      { metric: { instance: 'a' }, values: [[1, '1'], [2, '3'], [3, 'NaN'], [4, '2']] },
      { metric: { instance: 'b' }, values: [[1, '10'], [2, '20'], [3, '30']] }
    ]
  }
}
const TOKEN = 's3cr3t-bearer-token'
const PASSWORD = 'hunter2-pass'

async function setup (t: Test, body: unknown, config: Record<string, unknown> = {}): Promise<{ fake: FakeJsonEndpoint; exec: (text: string) => Promise<string> }> {
  const fake = await fakeJsonEndpoint(body)
  t.teardown(() => fake.close())
  const op = await createTestOperator({ plugins: [{ plugin: prometheus, config: { url: fake.url, timeoutMs: 300, ...config } }] })
  t.teardown(() => op.close())
  return { fake, exec: async (text) => await op.exec(text) }
}

t.test('a refused port answers one line naming Prometheus as unreachable', async (t) => {
  const port = await freePort()
  const op = await createTestOperator({ plugins: [{ plugin: prometheus, config: { url: `http://127.0.0.1:${port}` } }] })
  t.teardown(() => op.close())
  t.equal(await op.exec('metrics up'), 'metrics: prometheus unreachable (connection refused)')
  t.equal(await op.exec('alerts'), 'alerts: prometheus unreachable (connection refused)')
  // The system's name is said once: not `prometheus DOWN prometheus unreachable`.
  t.match(await op.exec('health prometheus'), /^prometheus DOWN unreachable \(connection refused\) \(\d+ms\)$/)
  // (`self` may be DEGRADED too on a busy machine: it measures this process's event loop.)
  t.match(await op.exec('status'), /^\d of 2 not ok: prometheus DOWN unreachable \(connection refused\)[.;]/)
})

t.test('a Prometheus that never answers times out with a one-line reason', async (t) => {
  const { fake, exec } = await setup(t, VECTOR)
  fake.fault('/api/v1/query', 'hang')
  t.equal(await exec('metrics up'), 'metrics: prometheus timed out (no answer in 300ms)')
})

t.test('a 500 answer gives the HTTP status', async (t) => {
  const { fake, exec } = await setup(t, VECTOR)
  fake.fault('/api/v1/query', { status: 500, body: '<html>internal error</html>' })
  t.equal(await exec('metrics up'), 'metrics: prometheus answered HTTP 500')
})

t.test('a 503 with Prometheus\'s error body quotes its reason', async (t) => {
  const { fake, exec } = await setup(t, VECTOR)
  fake.fault('/api/v1/query', { status: 503, body: { status: 'error', errorType: 'timeout', error: 'query timed out in expression evaluation' } })
  t.equal(await exec('metrics up'), 'metrics: prometheus answered HTTP 503: query timed out in expression evaluation')
})

t.test('a 422 execution error answers with Prometheus\'s reason', async (t) => {
  const { fake, exec } = await setup(t, VECTOR)
  fake.fault('/api/v1/query', { status: 422, body: { status: 'error', errorType: 'execution', error: 'many-to-many matching not allowed' } })
  t.equal(await exec('metrics a / b'), 'metrics: many-to-many matching not allowed')
})

t.test('a non-JSON answer says so', async (t) => {
  const { fake, exec } = await setup(t, VECTOR)
  fake.fault('/api/v1/query', { status: 200, body: '<html>login page</html>' })
  t.equal(await exec('metrics up'), 'metrics: prometheus sent a non-JSON answer')
  fake.fault('/api/v1/query', 'malformed-json')
  t.equal(await exec('metrics up'), 'metrics: prometheus sent a non-JSON answer')
})

t.test('JSON that is not the Prometheus API answer says so', async (t) => {
  const { fake, exec } = await setup(t, { hello: 'world' })
  t.equal(await exec('metrics up'), 'metrics: prometheus sent an unexpected answer')
  t.equal(await exec('alerts'), 'alerts: prometheus sent an unexpected answer')
  fake.setBody({ status: 'success', data: { resultType: 'histogram', result: [] } })
  t.equal(await exec('metrics up'), 'metrics: prometheus sent an unexpected query result')
  fake.setBody({ status: 'success', data: { alerts: 'none' } })
  t.equal(await exec('alerts'), 'alerts: prometheus sent an unexpected alerts answer')
})

t.test('a range query asks for about 60 points over the range and summarises each series', async (t) => {
  const { fake, exec } = await setup(t, MATRIX)
  t.equal(await exec('metrics rate(x[5m]) over 1h'), 'rate(x[5m]) over 1h, min/avg/max/last:\nb 10/20/30/30\na 1/2/3/2')
  const [req] = fake.requestsTo('/api/v1/query_range')
  t.equal(req!.query.get('query'), 'rate(x[5m])')
  t.equal(req!.query.get('step'), '60')
  t.equal(Number(req!.query.get('end')) - Number(req!.query.get('start')), 3600)
  await exec('metrics up over 30m')
  t.equal(fake.requestsTo('/api/v1/query_range')[1]!.query.get('step'), '30')
  await exec('metrics up over 1d')
  t.equal(fake.requestsTo('/api/v1/query_range')[2]!.query.get('step'), '1440')
})

t.test('a bad range is a usage hint, sent nowhere', async (t) => {
  const { fake, exec } = await setup(t, VECTOR)
  t.equal(await exec('metrics up over soon'), "Bad range 'soon': use a number and s, m, h, d or w, e.g. over 1h. Usage: metrics [name|PromQL] [over 1h]")
  t.equal(await exec('metrics up over 90d'), "Range '90d' is too long: at most 30d.")
  t.equal(await exec('metrics over 1h'), 'Which query? Usage: metrics [name|PromQL] [over 1h]')
  t.equal(fake.requests.length, 0)
})

t.test('a bearer token is sent to Prometheus and never shown, even when refused', async (t) => {
  const { fake, exec } = await setup(t, VECTOR, { auth: { token: TOKEN } })
  t.equal(await exec('metrics up'), 'node 1')
  t.equal(fake.requests[0]!.headers.authorization, `Bearer ${TOKEN}`)
  fake.fault('/api/v1/query', { status: 401, body: `bad token ${TOKEN}` })
  const reply = await exec('metrics up')
  t.equal(reply, 'metrics: prometheus refused the credentials (HTTP 401)')
  fake.fault('/-/healthy', { status: 401, body: 'no' })
  t.match(await exec('health prometheus'), /^prometheus DOWN refused the credentials \(HTTP 401\)/, 'health names the credentials, not ill health')
})

t.test('basic auth is sent as a header and the password never reaches a reply or the log', async (t) => {
  const fake = await fakeJsonEndpoint(VECTOR)
  t.teardown(() => fake.close())
  const logged: string[] = []
  const stream = new Writable({ write (chunk, _enc, done) { logged.push(String(chunk)); done() } })
  const url = fake.url.replace('http://', 'http://admin:url-pass@')
  const app = await buildApp({
    env: { COMMAND_DEADLINE_MS: '5000' },
    config: { plugins: [] },
    plugins: [{ plugin: prometheus, config: { url, auth: { username: 'ops', password: PASSWORD }, timeoutMs: 300 } }],
    logger: { level: 'trace', stream }
  })
  t.teardown(() => app.close())
  await app.ready()
  const sender = { id: '+15550100', role: 'admin' as const, channel: 'sms' as const }
  const ok = await app.operator.dispatcher.dispatch('metrics up', sender)
  t.equal(ok.reply, 'node 1')
  t.equal(fake.requests[0]!.headers.authorization, `Basic ${Buffer.from(`ops:${PASSWORD}`).toString('base64')}`)
  fake.fault('/api/v1/query', { status: 403, body: { status: 'error', errorType: 'forbidden', error: `user ops:${PASSWORD}` } })
  const refused = await app.operator.dispatcher.dispatch('metrics up', sender)
  t.equal(refused.reply, 'metrics: prometheus refused the credentials (HTTP 403)')
  fake.fault('/api/v1/query', 'hang')
  const hung = await app.operator.dispatcher.dispatch('metrics up', sender)
  t.equal(hung.reply, 'metrics: prometheus timed out (no answer in 300ms)')
  const log = logged.join('')
  t.ok(log.includes('command failed'), 'failures were logged')
  for (const secret of [PASSWORD, 'url-pass', Buffer.from(`ops:${PASSWORD}`).toString('base64')]) {
    t.notOk(log.includes(secret), `the log does not contain ${secret.slice(0, 3)}...`)
    t.notOk([ok.reply, refused.reply, hung.reply].join('\n').includes(secret), 'no reply contains the secret')
  }
})

t.test('health is degraded while Prometheus is healthy but not ready, down when unhealthy', async (t) => {
  const fake = await fakeJsonEndpoint('Prometheus Server is Healthy.')
  t.teardown(() => fake.close())
  const op = await createTestOperator({ plugins: [{ plugin: prometheus, config: { url: fake.url, timeoutMs: 300 } }] })
  t.teardown(() => op.close())
  t.match(await op.exec('health prometheus'), /^prometheus ok healthy and ready \(\d+ms\)$/)
  fake.fault('/-/ready', { status: 503, body: 'Service Unavailable' })
  t.match(await op.exec('health prometheus'), /^prometheus DEGRADED healthy, not ready \(HTTP 503\)/)
  fake.fault('/-/healthy', { status: 500, body: 'broken' })
  t.match(await op.exec('health prometheus'), /^prometheus DOWN not healthy \(HTTP 500\)/)
})

t.test('the status line degrades when targets are down or one answer is missing', async (t) => {
  const fake = await fakeJsonEndpoint({ status: 'success', data: { activeTargets: [{ health: 'down' }, { health: 'down' }], alerts: [{ state: 'firing', labels: {} }] } })
  t.teardown(() => fake.close())
  const op = await createTestOperator({ plugins: [{ plugin: prometheus, config: { url: fake.url, timeoutMs: 300 } }] })
  t.teardown(() => op.close())
  t.match(await op.exec('status'), /: prometheus DEGRADED 2\/2 targets down, 1 firing[.;]/)
  fake.fault('/api/v1/alerts', { status: 500 })
  t.match(await op.exec('status'), /: prometheus DEGRADED 2\/2 targets down, alerts unknown[.;]/)
  fake.clearFaults().fault('/api/v1/targets', { status: 500 }, { times: 1 })
  t.match(await op.exec('status'), /: prometheus DEGRADED targets unknown, 1 firing[.;]/)
})

t.test('one target down of two makes the status line DEGRADED; targets not scraped yet are not down', async (t) => {
  const fake = await fakeJsonEndpoint({ status: 'success', data: { activeTargets: [{ health: 'up' }, { health: 'down' }], alerts: [] } })
  t.teardown(() => fake.close())
  const op = await createTestOperator({ plugins: [{ plugin: prometheus, config: { url: fake.url, timeoutMs: 300 } }] })
  t.teardown(() => op.close())
  t.match(await op.exec('status'), /^\d of 2 not ok: prometheus DEGRADED 1\/2 targets down, 0 firing[.;]/)
  fake.setBody({ status: 'success', data: { activeTargets: [{ health: 'up' }, { health: 'unknown' }], alerts: [] } })
  t.notMatch(await op.exec('status'), /prometheus (DEGRADED|DOWN)/)
  t.match(await op.exec('health prometheus'), /^prometheus ok /)
  fake.setBody({ status: 'success', data: { activeTargets: [{ health: 'unknown' }], alerts: [] } })
  t.match(await op.exec('status'), /prometheus DEGRADED 0\/1 up, 0 firing/, 'but none up at all is')
})
