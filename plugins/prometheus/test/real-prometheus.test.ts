import t from 'tap'
import { createTestOperator, type TestOperator } from '@operator/core/testing'
import { countSegments, definePlugin } from '@operator/core'
import { startExporter, startPrometheus, freePort, requireBinary, waitUntil, type RunningPrometheus } from '@operator/test-support'
import prometheus from '../src/index.js'

// One real Prometheus for the whole file: it scrapes a fixture exporter with known series and a target that is
// down, and evaluates rules of which six alerts fire (TargetDown for the dead target, and an always-firing watchdog).
const FIXTURE = [
  '# TYPE fixture_temperature_celsius gauge',
  'fixture_temperature_celsius{room="kitchen"} 21.5',
  'fixture_temperature_celsius{room="office"} 23.25',
  'fixture_temperature_celsius{room="server"} 41.123',
  '# TYPE fixture_queue_bytes gauge',
  'fixture_queue_bytes{queue="mail"} 1234567',
  ...Array.from({ length: 150 }, (_, i) => `fixture_many{id="series-${String(i).padStart(3, '0')}",zone="eu-west-1"} ${i * 1.5}`),
  '# TYPE fixture_latency_seconds histogram',
  'fixture_latency_seconds_bucket{le="0.1"} 5',
  'fixture_latency_seconds_bucket{le="+Inf"} 7',
  'fixture_latency_seconds_sum 0.42',
  'fixture_latency_seconds_count 7'
].join('\n')

const RULES = {
  groups: [{
    name: 'fixture',
    rules: [
      { alert: 'FixtureHot', expr: 'fixture_temperature_celsius > 40', labels: { severity: 'critical' }, annotations: { summary: 'server room is hot' } },
      { alert: 'FixtureWarm', expr: 'fixture_temperature_celsius > 22', labels: { severity: 'warning' } },
      { alert: 'FixtureNoSeverity', expr: 'vector(1)' },
      { alert: 'FixtureSlow', expr: 'vector(1)', for: '1h', labels: { severity: 'critical' } },
      { alert: 'TargetDown', expr: 'up == 0', labels: { severity: 'critical' } },
      { alert: 'Watchdog', expr: 'vector(1)', labels: { severity: 'none' }, annotations: { summary: 'always firing, to show alerting works' } }
    ]
  }]
}

const skip = requireBinary('prometheus')

t.test('against a real Prometheus', { skip }, async (t) => {
  const exporter = await startExporter(FIXTURE)
  t.teardown(() => exporter.close())
  const deadPort = await freePort()
  const server: RunningPrometheus = await startPrometheus({
    scrapeTargets: [{ target: exporter.target, job: 'fixture' }, { target: `127.0.0.1:${deadPort}`, job: 'gone' }],
    rules: RULES
  })
  t.teardown(() => server.stop())

  // Scrapes and rule evaluations land after a few seconds: wait for the data the tests assert on.
  await server.waitForSeries('fixture_many')
  await server.waitForSeries('up{job="gone"} == 0')
  await server.waitForSeries('ALERTS{alertstate="firing", alertname="FixtureWarm"}')
  await waitUntil(async () => {
    const res = await fetch(`${server.url}/api/v1/alerts`)
    const body = await res.json() as { data: { alerts: Array<{ state: string }> } }
    return body.data.alerts.filter((a) => a.state === 'firing').length === 6
  }, { timeoutMs: 30_000, intervalMs: 250, what: 'six firing alerts' })

  const op: TestOperator = await createTestOperator({
    plugins: [{ plugin: prometheus, config: { url: server.url, queries: { temp: 'fixture_temperature_celsius', up: '' } } }]
  })
  t.teardown(() => op.close())

  t.test('metrics with PromQL lists series highest first, with only the labels that differ', async (t) => {
    t.equal(await op.exec('metrics fixture_temperature_celsius'), 'server 41.1\noffice 23.3\nkitchen 21.5')
  })

  t.test('metrics with a named query from config runs its PromQL', async (t) => {
    t.equal(await op.exec('metrics TEMP'), 'server 41.1\noffice 23.3\nkitchen 21.5')
  })

  t.test('a single series shows all its labels and a value in significant figures', async (t) => {
    t.equal(await op.exec('metrics fixture_queue_bytes'), `${exporter.target} fixture mail 1.23M`)
  })

  t.test('a default named query removed by config is PromQL again, and both targets show', async (t) => {
    t.equal(await op.exec('metrics up'), `${exporter.target} fixture 1\n127.0.0.1:${deadPort} gone 0`)
  })

  t.test('the default named query down shows only the targets that are down', async (t) => {
    t.equal(await op.exec('metrics down'), `127.0.0.1:${deadPort} gone 0`)
  })

  t.test('a scalar and a string answer plainly', async (t) => {
    t.equal(await op.exec('metrics scalar(sum(fixture_temperature_celsius))'), '85.9')
    t.equal(await op.exec('metrics "on call"'), 'on call')
  })

  t.test('an empty result says so', async (t) => {
    t.equal(await op.exec('metrics fixture_temperature_celsius{room="attic"}'), 'No series for fixture_temperature_celsius{room="attic"}.')
  })

  t.test('curly quotes typed on a phone still make valid PromQL', async (t) => {
    t.equal(await op.exec('metrics fixture_temperature_celsius{room=\u201Coffice\u201D}'), `${exporter.target} fixture office 23.3`)
  })

  t.test('metrics over a range renders min/avg/max/last per series', async (t) => {
    t.equal(await op.exec('metrics temp over 1h'),
      'temp over 1h, min/avg/max/last:\nserver 41.1/41.1/41.1/41.1\noffice 23.3/23.3/23.3/23.3\nkitchen 21.5/21.5/21.5/21.5')
  })

  t.test('a PromQL syntax error answers with Prometheus\'s own reason', async (t) => {
    const res = await op.dispatch('metrics sum(fixture_many')
    t.equal(res.outcome, 'failed')
    t.match(res.reply, /^metrics: 1:\d+: parse error: /)
    t.notMatch(res.reply, /invalid parameter/)
  })

  t.test('many series stay within three SMS segments, say how many were left out, and more sends them', async (t) => {
    const res = await op.dispatch('metrics fixture_many', { channel: 'sms', id: 'many' })
    t.ok(res.pages > 1, 'the rest waits for more')
    t.ok(countSegments(res.reply).segments <= 3, `${countSegments(res.reply).segments} segments`)
    const lines = res.reply.split('\n')
    t.equal(lines[0], 'series-149 224')
    t.equal(lines[1], 'series-148 222')
    t.match(lines[lines.length - 1], /^\+\d+ more: text MORE$/)
    const more = Number(/\+(\d+) more/.exec(res.reply)![1])
    t.equal(lines.length - 1 + more, 150, 'shown plus left out is every series')
    const next = await op.exec('more', { channel: 'sms', id: 'many' })
    t.match(next, new RegExp(`^series-${150 - lines.length} `), 'more starts with the first series left out')
  })

  t.test('series told apart by metric name keep it, those with an le label too: no bare values', async (t) => {
    const lines = (await op.exec('metrics {__name__=~"fixture_latency_seconds.*"}')).split('\n')
    t.same([...lines].sort(), [
      'fixture_latency_seconds_bucket +Inf 7',
      'fixture_latency_seconds_bucket 0.1 5',
      'fixture_latency_seconds_count 7',
      'fixture_latency_seconds_sum 0.42'
    ])
  })

  t.test('many series of one value answer in one line, and more lists them', async (t) => {
    t.equal(await op.exec('metrics fixture_many * 0', { id: 'zero' }), 'All 150 series are 0 (by id). Text MORE to list them.')
    t.match(await op.exec('more', { id: 'zero' }), /^series-\d{3} 0\nseries-\d{3} 0\n/)
  })

  t.test('metrics alone names the named queries on one line, and more sends their PromQL', async (t) => {
    const reply = await op.exec('metrics', { id: 'list' })
    t.equal(reply, 'Named queries: down, cpu, memory, disk, errors, temp. Text metrics <name> [over 1h], or MORE for their PromQL.',
      'the default removed by config is gone')
    const promql = await op.exec('more', { id: 'list' })
    t.match(promql, /^down: up == 0\ncpu: 100 \* \(1 - avg by \(instance\)/)
    t.match(promql, /\ntemp: fixture_temperature_celsius$/)
  })

  t.test('alerts lists firing alerts most severe first, each saying what it is about', async (t) => {
    const lines = (await op.exec('alerts')).split('\n')
    t.equal(lines[0], '6 firing, 1 pending:')
    const age = String.raw`\d+(ms|s|m\d*s?)`
    t.same(lines.slice(1, 3).map((l) => l.split(' ')[1]).sort(), ['FixtureHot', 'TargetDown'], 'the critical ones first')
    // TargetDown carries instance and job, which the watchdog lacks: they are what it is about, not dropped.
    t.ok(lines.some((l) => new RegExp(`^critical TargetDown ${age} 127\\.0\\.0\\.1:${deadPort} gone$`).test(l)), 'TargetDown names its target')
    t.ok(lines.some((l) => new RegExp(`^critical FixtureHot ${age} ${exporter.target.replace(/\./g, '\\.')} fixture server$`).test(l)), 'FixtureHot names its room')
    t.match(lines[3], new RegExp(`^warning FixtureWarm x2 ${age}: office, server$`), 'one rule firing twice: one line, told apart by room')
    t.same(lines.slice(4).map((l) => l.replace(new RegExp(` ${age}`), '')).sort(), [
      'none FixtureNoSeverity',
      'none Watchdog always firing, to show alerting works'
    ], 'an alert with no labels of its own shows its summary')
    t.equal(lines.length, 6)
  })

  t.test('health prometheus checks healthy and ready with latency', async (t) => {
    t.match(await op.exec('health prometheus'), /^prometheus ok healthy and ready \(\d+ms\)$/)
  })

  t.test('status says DEGRADED with targets down, and counts firing alerts', async (t) => {
    const reply = await op.exec('status')
    t.match(reply, /^\d of 2 not ok: (.*; )?prometheus DEGRADED 1\/2 targets down, 6 firing(\.|;)/)
  })

  t.test('with a second metrics provider, the primary answers metrics and the source word picks Prometheus', async (t) => {
    const other = definePlugin({
      name: 'other',
      register (o) {
        o.command({ name: 'metrics', shared: true, summary: 'other metrics', run: (ctx) => `other says ${ctx.args}` })
      }
    })
    const both = await createTestOperator({
      plugins: [{ plugin: prometheus, config: { url: server.url } }, { plugin: other }],
      config: { plugins: [], primary: { metrics: 'other' } }
    })
    t.teardown(() => both.close())
    t.equal(await both.exec('metrics up'), 'other says up')
    const res = await both.dispatch('metrics prometheus up')
    t.equal(res.plugin, 'prometheus')
    t.equal(res.reply, `${exporter.target} fixture 1\n127.0.0.1:${deadPort} gone 0`)
  })
})
