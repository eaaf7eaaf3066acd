import t from 'tap'
import { definePlugin } from '@operator/core'
import { createTestOperator } from '@operator/core/testing'
import { fakeDatadog } from '@operator/test-support'
import plugin from '../src/index.js'
import { API_KEY, APP_KEY, points } from './fixtures/setup.js'

/** A second `metrics` provider, standing in for Prometheus: it echoes what it was asked. */
const other = definePlugin({
  name: 'other',
  register (op) {
    op.command({ name: 'metrics', shared: true, summary: 'other metrics', run: (ctx) => `other: ${ctx.args}` })
  }
})

t.test('with another metrics source as primary, metrics datadog <q> answers from Datadog and metrics <q> from the primary', async (t) => {
  const fake = await fakeDatadog({ apiKey: API_KEY, appKey: APP_KEY })
  t.teardown(() => fake.close())
  fake.seedQuery('avg:system.cpu.user{*}', [{ metric: 'system.cpu.user', pointlist: points(12.345) }])
  fake.seedMonitors([{ id: 1, name: 'CPU high', overall_state: 'Warn' }])
  const op = await createTestOperator({
    config: { plugins: [], primary: { metrics: 'other' } },
    plugins: [{ plugin: other }, { plugin, config: { apiKey: API_KEY, appKey: APP_KEY, url: fake.url } }]
  })
  t.teardown(() => op.close())

  const fromDatadog = await op.dispatch('metrics datadog avg:system.cpu.user{*}')
  t.equal(fromDatadog.reply, '12.3')
  t.equal(fromDatadog.plugin, 'datadog')
  t.equal(fake.requestsTo('/api/v1/query')[0]!.query.get('query'), 'avg:system.cpu.user{*}', 'the source word was stripped')

  const fromPrimary = await op.dispatch('metrics x')
  t.equal(fromPrimary.reply, 'other: x')
  t.equal(fromPrimary.plugin, 'other')
  t.equal(fake.requestsTo('/api/v1/query').length, 1, 'Datadog was not asked for the primary\'s query')

  t.match(await op.exec('health datadog'), /^datadog ok API key valid on datadoghq\.com \(\d+ms\)$/)
  t.equal(await op.statusLine('datadog'), 'datadog ok 0 alert, 1 warn, 0 no data')
})

t.test('with Datadog as primary, metrics <q> answers from Datadog', async (t) => {
  const fake = await fakeDatadog({ apiKey: API_KEY, appKey: APP_KEY })
  t.teardown(() => fake.close())
  fake.seedQuery('avg:system.cpu.user{*}by{host}', [{ metric: 'system.cpu.user', scope: 'host:a', pointlist: points(1) }])
  const op = await createTestOperator({
    config: { plugins: [], primary: { metrics: 'datadog' } },
    plugins: [{ plugin: other }, { plugin, config: { apiKey: API_KEY, appKey: APP_KEY, url: fake.url } }]
  })
  t.teardown(() => op.close())
  t.equal(await op.exec('metrics cpu'), 'a 1')
  t.equal(await op.exec('metrics other x'), 'other: x')
})
