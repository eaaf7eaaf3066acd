import t from 'tap'
import { fakeElasticsearch, fakeLoki } from '@operator/test-support'
import { createTestOperator } from '@operator/core/testing'
import { countSegments } from '@operator/core'
import plugin from '../src/index.js'
import { parseLogsArgs, USAGE } from '../src/query.js'
import { formatErrors, formatSearch, clock } from '../src/format.js'
import { operatorWith, sms, MINUTE } from './fixtures/harness.js'

t.test('logs alone says how to use it', async (t) => {
  const es = await fakeElasticsearch()
  t.teardown(() => es.close())
  const op = await operatorWith(t, { type: 'elasticsearch', url: es.url })
  t.equal(await sms(t, op, 'logs'), USAGE)
  t.equal(await sms(t, op, 'logs since 1h'), USAGE)
  t.equal(es.requests.length, 0, 'nothing was asked of the backend')
  t.match(await sms(t, op, 'help logs'), /logs <text> \[since 1h\]/)
})

t.test('a bad since is a usage error naming the accepted forms', async (t) => {
  const es = await fakeElasticsearch()
  t.teardown(() => es.close())
  const op = await operatorWith(t, { type: 'elasticsearch', url: es.url })
  t.equal(await sms(t, op, 'logs timeout since someday'), "Cannot read 'since someday': use a number with m, h or d, e.g. since 30m, since 2h, since 1d.")
  t.equal(await sms(t, op, 'logs timeout since 0m'), 'The window must be at least 1m.')
  t.equal(await sms(t, op, 'logs timeout since 31d'), 'The window can be at most 30d.')
  t.equal(es.requests.length, 0)
})

t.test('since accepts m, h and d; find searches for the word errors', (t) => {
  const now = 1_764_012_000_000
  t.same(parseLogsArgs(['a', 'b', 'since', '90m'], 15, now), { kind: 'search', text: 'a b', window: { startMs: now - 90 * MINUTE, endMs: now, label: '90m' } })
  t.same(parseLogsArgs(['x', 'SINCE', '2H'], 15, now), { kind: 'search', text: 'x', window: { startMs: now - 120 * MINUTE, endMs: now, label: '2h' } })
  t.same(parseLogsArgs(['errors', 'since', '1d'], 15, now), { kind: 'errors', window: { startMs: now - 1440 * MINUTE, endMs: now, label: '1d' } })
  t.same(parseLogsArgs(['find', 'errors'], 15, now), { kind: 'search', text: 'errors', window: { startMs: now - 15 * MINUTE, endMs: now, label: '15m' } })
  t.same(parseLogsArgs(['errors', 'in', 'checkout'], 15, now), { kind: 'search', text: 'errors in checkout', window: { startMs: now - 15 * MINUTE, endMs: now, label: '15m' } })
  t.same(parseLogsArgs(['find'], 15, now), { kind: 'search', text: 'find', window: { startMs: now - 15 * MINUTE, endMs: now, label: '15m' } })
  t.end()
})

t.test('long and non-GSM lines are cut so the reply stays within 3 segments', async (t) => {
  const loki = await fakeLoki()
  t.teardown(() => loki.close())
  const now = Date.now()
  for (let i = 0; i < 5; i++) {
    loki.addLine({ job: 'api', app: 'checkout', level: 'error' }, now - (i + 1) * 1000, `timeout ${i} ${'upstream connect error or disconnect/reset before headers '.repeat(6)}`)
  }
  loki.addLine({ job: 'api', app: 'emoji', level: 'warn' }, now - 500, 'timeout 😱 用户 超时 {braces} [brackets] ~tilde~ |pipes| \\back\\ ^caret^ €')
  const op = await operatorWith(t, { type: 'loki', url: loki.url })
  const reply = await sms(t, op, 'logs timeout')
  t.match(reply, /^6 matches in 15m, newest 5:\n/)
  t.ok(reply.split('\n').length >= 5, 'at least four lines are shown, shortened, within the UCS-2 budget')
  t.match(reply, /\[emoji\/warn\] timeout/)
  t.match(reply, /\[checkout\/error\] timeout 0 u/)
  t.ok(countSegments(reply).segments <= 3, `${countSegments(reply).segments} segments`)
})

t.test('formatters stay within the budget for any result', (t) => {
  const long = 'x'.repeat(400)
  const lines = Array.from({ length: 20 }, (_, i) => ({ timeMs: Date.UTC(2026, 10, 24, 19, 20, i), service: `svc-${i}`, level: 'error', message: `${long} ✓ ${i}` }))
  const text = formatSearch({ total: 123_456, atLeast: false, lines, text: 'x', label: '15m', backend: 'loki', timeZone: 'UTC' }, 459)
  t.match(text, /^123k matches in 15m, newest 20:\n19:20:00 \[svc-0\/error\] x+/)
  t.ok(countSegments(text).segments <= 3)
  const services = Array.from({ length: 40 }, (_, i) => ({ service: `service-number-${i}`, count: 40 - i }))
  const errors = formatErrors({ total: 2000, atLeast: false, services, label: '1h', backend: 'elasticsearch' }, 459)
  t.match(errors, /^2000 error lines in 1h:\nservice-number-0 40\n/)
  t.match(errors, /\+\d+ more$/)
  t.ok(countSegments(errors).segments <= 3)
  // Given the reply's context, the services left out go to `more`, and the reply says so.
  let rest: readonly string[] = ['stale']
  const paged = formatErrors({ total: 2000, atLeast: false, services, label: '1h', backend: 'elasticsearch' }, { budget: 459, overflow: (l) => { rest = l } })
  const left = Number(/\n\+(\d+) more: text MORE$/.exec(paged)?.[1])
  t.equal(rest.length, left, `the ${left} services left out are handed over`)
  t.equal(rest.at(-1), 'other 1180', 'down to the lines not listed by service')
  formatErrors({ total: 3, atLeast: false, services: [{ service: 'a', count: 3 }], label: '15m', backend: 'x' }, { budget: 459, overflow: (l) => { rest = l } })
  t.same(rest, [], 'none when all fit')
  t.equal(formatErrors({ total: 3, atLeast: false, services: [{ service: 'a', count: 1 }], label: '15m', backend: 'x' }, 459), '3 error lines in 15m:\na 1\nother 2')
  t.equal(formatSearch({ total: 1, atLeast: false, lines: [], text: 'x', label: '15m', backend: 'x', timeZone: 'UTC' }, 459), '1 match in 15m.')
  t.equal(formatSearch({ total: 1, atLeast: false, lines: [{ timeMs: 0, message: ' \n ' }], text: 'x', label: '15m', backend: 'x', timeZone: 'UTC' }, 459),
    '1 match in 15m, newest 1:\n00:00:00 (empty line)')
  t.equal(clock(Date.UTC(2026, 10, 24, 19, 20, 1), 'Europe/Berlin'), '20:20:01', 'the configured time zone is used')
  t.end()
})

t.test('configuration mistakes stop start-up with the key and what was expected', async (t) => {
  const attempt = async (config: Record<string, unknown>, env: Record<string, string> = {}): Promise<string> => {
    try {
      const op = await createTestOperator({ plugins: [{ plugin, config }], env })
      await op.close()
      return 'started'
    } catch (err) {
      return (err as Error).message
    }
  }
  t.match(await attempt({ type: 'elasticsearch' }), /url/)
  t.match(await attempt({ type: 'splunk', url: 'http://127.0.0.1:1' }), /type.*must be one of "elasticsearch", "loki", "cloudwatch"/)
  t.match(await attempt({ type: 'cloudwatch', region: 'us-east-1' }), /logGroups \(LOGS_GROUPS\) must name at least one log group/)
  t.match(await attempt({ type: 'loki', url: 'http://127.0.0.1:1', timeZone: 'Mars/Olympus' }), /timeZone 'Mars\/Olympus' is not a known IANA time zone/)
  t.match(await attempt({ type: 'loki', url: 'http://127.0.0.1:1', selector: 'job="x"' }), /selector/)
  t.equal(await attempt({ type: 'cloudwatch', region: 'us-east-1', logGroups: '/a, /b' }), 'started', 'LOGS_GROUPS may be a comma list')
})

t.test('the documented environment variables configure the plugin', async (t) => {
  const loki = await fakeLoki({ orgId: 'acme' })
  t.teardown(() => loki.close())
  loki.addLine({ env: 'prod', app: 'api' }, Date.now() - MINUTE, 'hello from env')
  const op = await createTestOperator({
    plugins: [{ plugin }],
    // LOGS_TYPE would also load the installed package by name; this test drives the source under test instead.
    config: { plugins: [{ package: 'logs', enabled: false }] },
    env: { LOGS_TYPE: 'loki', LOGS_URL: loki.url, LOGS_SELECTOR: '{env="prod"}', LOGS_ORG_ID: 'acme', LOGS_WINDOW_MINUTES: '30', LOGS_LIMIT: '2' }
  })
  t.teardown(() => op.close())
  t.match(await op.exec('logs hello'), /^1 match in 30m, newest 1:\n\d\d:\d\d:\d\d \[api\] hello from env$/)
  t.equal(loki.queries[0]!.query, '{env="prod"} |= "hello"')
  t.equal(loki.queries[0]!.limit, 1000)
  t.equal(loki.queries[0]!.orgId, 'acme')
})

t.test('logs is a shared capability: `logs logs <text>` names this plugin as the source', async (t) => {
  const es = await fakeElasticsearch()
  t.teardown(() => es.close())
  es.seedDocuments('logs-1', [{ '@timestamp': Date.now() - MINUTE, message: 'disk full', service: { name: 'db' }, log: { level: 'error' } }])
  const op = await operatorWith(t, { type: 'elasticsearch', url: es.url })
  t.match(await op.exec('logs logs disk full'), /^1 match in 15m, newest 1:\n\d\d:\d\d:\d\d \[db\/error\] disk full$/)
  const info = (await op.dispatch('logs disk')).plugin
  t.equal(info, 'logs')
})

t.test('a search cut short before any match says which part was searched', async (t) => {
  t.equal(formatSearch({ total: 0, atLeast: true, lines: [], text: 'disk', label: '15m', backend: 'cloudwatch', timeZone: 'UTC' }, 459),
    'No log lines matching "disk" in the part of the last 15m searched before the scan stopped (page or time limit).')
})
