import t from 'tap'
import { createTestOperator } from '@operator/core/testing'
import { fakeJsonEndpoint } from '@operator/test-support'
import prometheus from '../src/index.js'

const VECTOR = { status: 'success', data: { resultType: 'vector', result: [{ metric: { job: 'node' }, value: [1, '1'] }] } }

// The first-party loader would also load this package's built copy when PROMETHEUS_URL is set; the tests load the
// source inline instead, so that copy is disabled.
const ONLY_INLINE = { plugins: [{ package: 'prometheus', enabled: false }] }

t.test('PROMETHEUS_URL and the credential variables configure the plugin', async (t) => {
  const fake = await fakeJsonEndpoint(VECTOR)
  t.teardown(() => fake.close())
  const op = await createTestOperator({
    plugins: [{ plugin: prometheus }],
    config: ONLY_INLINE,
    env: { PROMETHEUS_URL: fake.url, PROMETHEUS_USERNAME: 'ops', PROMETHEUS_PASSWORD: 'pw' }
  })
  t.teardown(() => op.close())
  t.equal(await op.exec('metrics up'), 'node 1')
  t.equal(fake.requests[0]!.headers.authorization, `Basic ${Buffer.from('ops:pw').toString('base64')}`)
  t.equal(fake.requests[0]!.query.get('query'), 'up')
})

t.test('nothing connects while the daemon starts', async (t) => {
  const fake = await fakeJsonEndpoint(VECTOR)
  t.teardown(() => fake.close())
  const op = await createTestOperator({ plugins: [{ plugin: prometheus, config: { url: fake.url } }] })
  t.teardown(() => op.close())
  t.equal(fake.requests.length, 0)
})

t.test('a missing URL stops start-up naming the variable', async (t) => {
  await t.rejects(createTestOperator({ plugins: [{ plugin: prometheus }], config: ONLY_INLINE }), { message: /url.*PROMETHEUS_URL/ })
})

t.test('half a set of credentials, a bad URL or a bad query name stop start-up', async (t) => {
  await t.rejects(createTestOperator({ plugins: [{ plugin: prometheus, config: { url: 'http://127.0.0.1:9', auth: { username: 'ops' } } }] }),
    { message: "Plugin 'prometheus' config key 'auth.password' is required (set PROMETHEUS_PASSWORD)" })
  await t.rejects(createTestOperator({ plugins: [{ plugin: prometheus, config: { url: 'prometheus:9090' } }] }), { message: /url/ })
  await t.rejects(createTestOperator({ plugins: [{ plugin: prometheus, config: { url: 'http://127.0.0.1:9', queries: { 'two words': 'up' } } }] }), { message: /queries/ })
})

t.test('help lists metrics with its usage and alerts', async (t) => {
  const op = await createTestOperator({ plugins: [{ plugin: prometheus, config: { url: 'http://127.0.0.1:9' } }] })
  t.teardown(() => op.close())
  t.match(await op.exec('help metrics'), /metrics \[name\|PromQL\] \[over 1h\]/)
  t.match(await op.exec('help'), /alerts/)
})
