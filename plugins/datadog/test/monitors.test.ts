import t from 'tap'
import type { DatadogMonitorSeed } from '@operator/test-support'
import { countSegments } from '@operator/core'
import { API_KEY, APP_KEY, setup } from './fixtures/setup.js'
import { definePlugin, type HttpClient, type Logger } from '@operator/core'
import { createTestOperator } from '@operator/core/testing'
import { DatadogApi, MONITOR_PAGE_SIZE } from '../src/api.js'
import { healthCheck, statusLine } from '../src/health.js'
import { monitorsToShow } from '../src/monitors.js'
import { monitorsFormatter } from '../src/render.js'

const nowS = (): number => Math.floor(Date.now() / 1000)

const MONITORS: DatadogMonitorSeed[] = [
  { id: 1, name: 'Disk almost full', overall_state: 'Warn', priority: 3 },
  { id: 2, name: 'Checkout errors high', overall_state: 'Alert', priority: 2 },
  { id: 3, name: 'CPU high', overall_state: 'Alert', priority: 1,
    groups: {
      'host:web-1': { status: 'Alert', last_triggered_ts: nowS() - 720 },
      'host:web-2': { status: 'Alert', last_triggered_ts: nowS() - 300 },
      'host:web-3': { status: 'OK' }
    } },
  { id: 4, name: 'Payments heartbeat', overall_state: 'No Data', priority: null },
  { id: 5, name: 'Queue depth', overall_state: 'Warn', priority: null },
  { id: 6, name: 'Latency p99', overall_state: 'OK', priority: 1 },
  { id: 7, name: 'Muted thing', overall_state: 'Ignored' }
]

t.test('monitors in Alert, Warn and No Data, most severe first, then by priority', async (t) => {
  const { fake, op } = await setup(t, {}, (f) => f.seedMonitors(MONITORS))
  const lines = (await op.exec('monitors')).split('\n')
  t.match(lines[1], /^ALERT P1 CPU high 12m(\d+s)? \(host:web-1, host:web-2\)$/,
    'how long its longest-alerting group has been in alert, and the groups in that state')
  t.same([lines[0], ...lines.slice(2)], [
    '2 alert, 2 warn, 1 no data:',
    'ALERT P2 Checkout errors high',
    'WARN P3 Disk almost full',
    'WARN Queue depth',
    'NO DATA Payments heartbeat'
  ])
  const [req] = fake.requestsTo('/api/v1/monitor')
  t.equal(req!.query.get('group_states'), 'alert,warn,no data', 'asks for the groups in those states')
})

t.test('monitors <text> filters by name', async (t) => {
  const { fake, op } = await setup(t, {}, (f) => f.seedMonitors(MONITORS))
  t.equal(await op.exec('monitors checkout'), '1 alert, 0 warn, 0 no data:\nALERT P2 Checkout errors high')
  t.equal(fake.requestsTo('/api/v1/monitor')[0]!.query.get('name'), 'checkout')
})

t.test('all clear says how many monitors were checked', async (t) => {
  const { op } = await setup(t, {}, (f) => f.seedMonitors([
    { id: 1, name: 'Latency p99', overall_state: 'OK' },
    { id: 2, name: 'CPU', overall_state: 'OK' }
  ]))
  t.equal(await op.exec('monitors'), 'No monitors in Alert, Warn or No Data (2 checked).')
  t.equal(await op.exec('monitors cpu'), "No monitors matching 'cpu' in Alert, Warn or No Data (1 checked).")
})

t.test('many alerting monitors fit a first reply of at most 3 segments, ending with +N more, and more sends the rest', async (t) => {
  const many: DatadogMonitorSeed[] = Array.from({ length: 60 }, (_, i) => ({
    id: i + 1, name: `Service ${String(i).padStart(2, '0')} error budget burning fast`, overall_state: 'Alert', priority: (i % 5) + 1
  }))
  const { op } = await setup(t, {}, (f) => f.seedMonitors(many))
  const result = await op.dispatch('monitors', { channel: 'sms' })
  t.ok(result.pages > 1, 'the rest waits for more')
  t.ok(countSegments(result.reply).segments <= 3, 'within 3 segments')
  t.match(result.reply, /^60 alert, 0 warn, 0 no data:\nALERT P1 Service 00 /)
  t.match(result.reply, /\n\+\d+ more: text MORE$/)
  const shown = result.reply.split('\n').length - 2
  t.match(await op.exec('more', { channel: 'sms' }), /^ALERT P\d Service \d\d /, `more goes on after the ${shown} shown`)
})

t.test('a large organisation: monitors are read page by page, never in one unbounded answer', async (t) => {
  const many: DatadogMonitorSeed[] = Array.from({ length: 1203 }, (_, i) => ({
    id: i + 1, name: `Monitor ${String(i).padStart(4, '0')}`, overall_state: i % 100 === 0 ? 'Alert' : i % 50 === 0 ? 'Warn' : 'OK', priority: 2
  }))
  const { fake, op } = await setup(t, {}, (f) => f.seedMonitors(many))
  t.equal(await op.statusLine('datadog'), 'datadog DEGRADED 13 alert, 12 warn, 0 no data', 'the status line counts every page')
  const pages = fake.requestsTo('/api/v1/monitor')
  t.same(pages.map((r) => r.query.get('page')), ['0', '1', '2'], 'three pages, the last one short')
  for (const r of pages) {
    t.equal(r.query.get('page_size'), String(MONITOR_PAGE_SIZE))
    t.equal(r.query.get('with_downtimes'), 'false', 'downtimes are not asked for')
  }
  t.match(await op.exec('monitors'), /^13 alert, 12 warn, 0 no data:\nALERT P2 Monitor 0000\n/)
  t.equal(fake.requestsTo('/api/v1/monitor').length, 6)
})

t.test('paging stops at its deadline and says the counts cover the monitors read', async (t) => {
  const many: DatadogMonitorSeed[] = Array.from({ length: MONITOR_PAGE_SIZE + 10 }, (_, i) => ({
    id: i + 1, name: `Monitor ${i}`, overall_state: i === 0 ? 'Alert' : 'OK'
  }))
  const { fake } = await setup(t, {}, (f) => f.seedMonitors(many))
  let http: HttpClient | undefined
  let log: Logger | undefined
  const probe = definePlugin({
    name: 'probe',
    register (o) {
      http = o.http(fake.url, { name: 'dd', headers: { 'dd-api-key': API_KEY, 'dd-application-key': APP_KEY } })
      log = o.log
    }
  })
  const host = await createTestOperator({ plugins: [{ plugin: probe }], builtins: false })
  t.teardown(() => host.close())
  const api = new DatadogApi(http!, { hasAppKey: true, timeoutMs: 3000 })
  const cut = await api.monitors(AbortSignal.timeout(3000), { until: Date.now() - 1 })
  t.same([cut.monitors.length, cut.complete], [MONITOR_PAGE_SIZE, false], 'one page, then the deadline')
  const whole = await api.monitors(AbortSignal.timeout(3000))
  t.same([whole.monitors.length, whole.complete], [MONITOR_PAGE_SIZE + 10, true])

  const line = await statusLine(api, healthCheck(api, 'datadoghq.com')).line({ signal: AbortSignal.timeout(3000), deadlineMs: -1e9, log: log! })
  t.same(line, { status: 'degraded', text: `1 alert, 0 warn, 0 no data in the first ${MONITOR_PAGE_SIZE} monitors` })
  const ctx = { channel: 'sms' as const, budget: 459 }
  t.equal(monitorsFormatter.format({ rows: [], counts: { alert: 0, warn: 0, noData: 0 }, total: 500, filter: undefined, complete: false }, ctx),
    'No monitors in Alert, Warn or No Data (500 checked, more not read in time).')
  t.match(monitorsFormatter.format({ rows: monitorsToShow(cut.monitors), counts: { alert: 1, warn: 0, noData: 0 }, total: 500, filter: undefined, complete: false }, ctx),
    /^1 alert, 0 warn, 0 no data in the first 500:\nALERT Monitor 0$/)
})
