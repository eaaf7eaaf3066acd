import t from 'tap'
import { countSegments } from '@operator/core'
import { parseDuration, parseMetricsArgs, rangeStep } from '../src/args.js'
import { instantData, rangeData } from '../src/metrics.js'
import { alertsData } from '../src/alerts.js'
import { formatAlerts, formatInstant, formatQueries, formatRange } from '../src/render.js'
import { fitReply } from '@operator/core'
import { namedQueries } from '../src/config.js'

const SMS = { channel: 'sms' as const, budget: 459 }

t.test('durations are a whole number and one unit', async (t) => {
  t.equal(parseDuration('30m'), 1800)
  t.equal(parseDuration('1H'), 3600)
  t.equal(parseDuration('6h'), 21_600)
  t.equal(parseDuration('1d'), 86_400)
  t.equal(parseDuration('2w'), 1_209_600)
  t.equal(parseDuration('1.5h'), undefined)
  t.equal(parseDuration('1h30m'), undefined)
  t.equal(rangeStep(3600), 60)
  t.equal(rangeStep(30), 1)
})

t.test('a one-word named query wins, several words are PromQL, and over takes the last two words', async (t) => {
  const queries = namedQueries({ cpu: 'my_cpu', Mem: ' my_mem ' })
  t.same(parseMetricsArgs([], queries), { kind: 'list' })
  t.same(parseMetricsArgs(['CPU'], queries), { kind: 'instant', promql: 'my_cpu', name: 'cpu' })
  t.same(parseMetricsArgs(['mem'], queries), { kind: 'instant', promql: 'my_mem', name: 'mem' })
  t.same(parseMetricsArgs(['sum', 'by', '(job)', '(up)'], queries), { kind: 'instant', promql: 'sum by (job) (up)' })
  t.same(parseMetricsArgs(['cpu', 'over', '6h'], queries), { kind: 'range', promql: 'my_cpu', name: 'cpu', rangeSec: 21_600, rangeText: '6h' })
  t.same(parseMetricsArgs(['x{a=\u2018b\u2019}'], queries), { kind: 'instant', promql: "x{a='b'}" })
  t.throws(() => parseMetricsArgs(['up', 'over', '0m'], queries), { code: 'OPR_ERR_COMMAND_USAGE' })
})

t.test('named queries: config adds and overrides defaults, an empty string removes one', async (t) => {
  const q = namedQueries({ up: '', errors: 'sum(rate(errors_total[5m]))', latency: 'histogram_quantile(0.99, x)' })
  t.notOk(q.has('up'))
  t.equal(q.get('errors'), 'sum(rate(errors_total[5m]))')
  t.equal(q.get('latency'), 'histogram_quantile(0.99, x)')
  t.ok(q.has('cpu'))
})

t.test('series without a value sink to the end; a range selector shows each series\' last sample', async (t) => {
  const data = instantData('x[5m]', undefined, {
    resultType: 'matrix',
    result: [
      { metric: { i: 'a' }, values: [[1, '5'], [2, '7']] },
      { metric: { i: 'b' }, values: [] },
      { metric: { i: 'c' }, values: [[1, '9']] },
      { metric: { i: 'd' }, values: [[1, 'NaN']] }
    ]
  })
  t.equal(formatInstant(data, SMS), 'c 9\na 7\nb NaN\nd NaN')
})

t.test('series told apart only by metric name show the name', async (t) => {
  const data = instantData('{__name__=~"a|b"}', undefined, {
    resultType: 'vector',
    result: [{ metric: { __name__: 'a', job: 'x' }, value: [1, '0.000012'] }, { metric: { __name__: 'b', job: 'x' }, value: [1, '+Inf'] }]
  })
  t.equal(formatInstant(data, SMS), 'b +Inf\na 1.2e-5')
})

t.test('a series with no labels shows its value alone', async (t) => {
  const data = instantData('sum(x)', undefined, { resultType: 'vector', result: [{ metric: {}, value: [1, '1234.5'] }] })
  t.equal(formatInstant(data, SMS), '1.23k')
})

t.test('a range over a vector or scalar still gives min/avg/max/last; an empty range says so', async (t) => {
  const fromVector = rangeData('x', 'x', '1h', 60, { resultType: 'vector', result: [{ metric: {}, value: [1, '2'] }] })
  t.equal(formatRange(fromVector, SMS), 'x over 1h, min/avg/max/last:\n2/2/2/2')
  const fromScalar = rangeData('1', undefined, '5m', 5, { resultType: 'scalar', result: [1, '1'] })
  t.equal(formatRange(fromScalar, SMS), '1 over 5m, min/avg/max/last:\n1/1/1/1')
  const allNaN = rangeData('x', undefined, '5m', 5, { resultType: 'matrix', result: [{ metric: { i: 'a' }, values: [[1, 'NaN']] }, { metric: { i: 'b' }, values: [[1, '3']] }] })
  t.equal(formatRange(allNaN, SMS), 'x over 5m, min/avg/max/last:\nb 3/3/3/3\na NaN/NaN/NaN/NaN')
  t.equal(formatRange(rangeData('nothing', undefined, '1h', 60, { resultType: 'matrix', result: [] }), SMS), 'No series for nothing over 1h.')
})

t.test('a long PromQL is cut short where a reply names it', async (t) => {
  const long = `sum by (job) (rate(http_requests_total{code=~"5..", handler!~"/health|/metrics"}[5m]))`
  const reply = formatInstant(instantData(long, undefined, { resultType: 'vector', result: [] }), SMS)
  t.equal(reply, `No series for ${long.slice(0, 45)}....`)
})

t.test('alerts: severity order, unknown severities last, pending counted, missing activeAt tolerated', async (t) => {
  const now = Date.parse('2026-11-24T19:00:00Z')
  const data = alertsData([
    { state: 'firing', labels: { alertname: 'DiskFull', severity: 'info', host: 'a' }, activeAt: '2026-11-24T18:00:00Z' },
    { state: 'firing', labels: { alertname: 'Odd', severity: 'page', host: 'b' } },
    { state: 'firing', labels: { alertname: 'Down', severity: 'ERROR', host: 'c' }, activeAt: '2026-11-24T18:59:30Z' },
    { state: 'pending', labels: { alertname: 'Soon', severity: 'critical' }, activeAt: '2026-11-24T18:59:59Z' },
    { state: 'firing', labels: { alertname: 'Down', severity: 'error', host: 'd' }, activeAt: '2026-11-23T17:00:00Z' },
    { state: 'inactive', labels: { alertname: 'Old' } }
  ], now)
  t.equal(formatAlerts(data, SMS), '4 firing, 1 pending:\nerror Down x2 1d2h: c, d\ninfo DiskFull 1h a\npage Odd b')
  t.equal(formatAlerts(alertsData([{ state: 'pending', labels: { alertname: 'Soon' } }], now), SMS), 'No alerts firing, 1 pending.')
  t.equal(formatAlerts(alertsData([], now), SMS), 'No alerts firing.')
  const lone = alertsData([{ state: 'firing', labels: { alertname: 'Hot', severity: 'critical', room: 'server', job: 'x' }, activeAt: '2026-11-24T18:58:00Z' }], now)
  t.equal(formatAlerts(lone, SMS), '1 firing:\ncritical Hot 2m x server', 'a lone alert keeps its labels, identity first')
})

t.test('alerts: each says what tells it apart, even a label only some alerts carry, else its summary', async (t) => {
  const now = Date.parse('2026-11-24T19:00:00Z')
  const at = '2026-11-24T18:59:46Z'
  // The case from the field: TargetDown beside an always-firing watchdog used to lose its target.
  const targetDown = alertsData([
    { state: 'firing', labels: { alertname: 'TargetDown', severity: 'critical', instance: '10.0.0.7:9100', job: 'node' }, activeAt: at },
    { state: 'firing', labels: { alertname: 'Watchdog', severity: 'none' }, annotations: { summary: 'Always firing, to prove the pipeline works' }, activeAt: at },
    { state: 'firing', labels: { alertname: 'PodCrash', severity: 'warning', pod: 'cart-1', namespace: 'shop' }, activeAt: at }
  ], now)
  t.equal(formatAlerts(targetDown, SMS), '3 firing:\ncritical TargetDown 14s 10.0.0.7:9100 node\nwarning PodCrash 14s shop cart-1\nnone Watchdog 14s Always firing, to prove the pipeline works')
  // Labels every alert shares say nothing; one rule's alerts are told apart by what differs between them.
  const shared = alertsData([
    { state: 'firing', labels: { alertname: 'Slow', severity: 'warning', cluster: 'eu', service: 'cart' }, annotations: { summary: 'cart is slow' } },
    { state: 'firing', labels: { alertname: 'Slow', severity: 'warning', cluster: 'eu', service: 'search' } },
    { state: 'firing', labels: { alertname: 'Full', severity: 'warning', cluster: 'eu' }, annotations: { summary: '  disk 95% full  ' } },
    { state: 'firing', labels: { alertname: 'Twin', severity: 'info', cluster: 'eu' }, annotations: { summary: 'first' } },
    { state: 'firing', labels: { alertname: 'Twin', severity: 'info', cluster: 'eu' }, annotations: { summary: '' } },
    { state: 'firing', labels: { alertname: 'Bare', severity: 'info', cluster: 'eu' } }
  ], now)
  t.equal(formatAlerts(shared, SMS), '6 firing:\nwarning Full disk 95% full\nwarning Slow x2: cart, search\ninfo Bare\ninfo Twin x2: ?, first')
  // Many alerts of one rule share a line, wrapped, ordered as numbers are.
  const many = alertsData(Array.from({ length: 30 }, (_, i) => ({ state: 'firing', labels: { alertname: 'Hot', severity: 'critical', host: `web-${i + 1}` }, activeAt: at })), now)
  const lines = formatAlerts(many, SMS).split('\n')
  t.equal(lines[0], '30 firing:')
  t.match(lines[1], /^critical Hot x30 14s: web-1, web-2, web-3, /)
  t.ok(lines.every((l) => l.length <= 120), 'no line longer than 120 characters')
  t.match(lines.at(-1), /web-29, web-30$/)
})

t.test('the named query list fits, and says when there are none', async (t) => {
  const many = Array.from({ length: 40 }, (_, i) => ({ name: `q${i}`, promql: `sum by (a, b, c) (rate(metric_number_${i}_total{x=~"[a-z]+"}[5m]))` }))
  const reply = formatQueries({ queries: many }, SMS)
  t.ok(countSegments(reply).segments <= 3)
  t.match(reply, /\n\+\d+ more$/)
  let rest: readonly string[] = []
  const paged = formatQueries({ queries: many }, { ...SMS, overflow: (l) => { rest = l } })
  t.match(paged, /^Named queries: q0, q1, .*, q39\. Text metrics <name> \[over 1h\], or MORE for their PromQL\.$/, 'every name on one line')
  t.ok(countSegments(paged).segments <= 3)
  t.equal(rest.length, 40, 'every definition follows with more')
  t.equal(formatQueries({ queries: [] }, SMS), 'No named queries. Text metrics <PromQL>.')
})

t.test('series that differ by metric name keep it, also when some differ by another label too', async (t) => {
  const data = instantData('{__name__=~"tsdb.*"}', undefined, {
    resultType: 'vector',
    result: [
      { metric: { __name__: 'tsdb_bytes', job: 'p' }, value: [1, '1800000000000'] },
      { metric: { __name__: 'tsdb_bucket', job: 'p', le: '0.5' }, value: [1, '3'] },
      { metric: { __name__: 'tsdb_bucket', job: 'p', le: '+Inf' }, value: [1, '4'] },
      { metric: { __name__: 'tsdb_errors', job: 'p' }, value: [1, '0'] }
    ]
  })
  t.equal(formatInstant(data, SMS), 'tsdb_bytes 1.8T\ntsdb_bucket +Inf 4\ntsdb_bucket 0.5 3\ntsdb_errors 0', 'no bare values')
})

t.test('many series of one value answer in a line; the series follow with more, or below it without more', async (t) => {
  const result = Array.from({ length: 6 }, (_, i) => ({ metric: { instance: `h${i}`, job: 'node' }, value: [1, '1'] as [number, string] }))
  const data = instantData('up', undefined, { resultType: 'vector', result })
  let rest: readonly string[] = []
  t.equal(formatInstant(data, { ...SMS, overflow: (l) => { rest = l } }), 'All 6 series are 1 (by instance). Text MORE to list them.')
  t.same(rest, ['h0 1', 'h1 1', 'h2 1', 'h3 1', 'h4 1', 'h5 1'])
  t.equal(formatInstant(data, { channel: 'json', budget: 459 }), 'All 6 series are 1 (by instance).\nh0 1\nh1 1\nh2 1\nh3 1\nh4 1\nh5 1')
  t.equal(formatInstant(instantData('up', undefined, { resultType: 'vector', result: result.slice(0, 3) }), SMS), 'h0 1\nh1 1\nh2 1', 'a few are listed')
  const range = rangeData('up', 'up', '1h', 60, { resultType: 'matrix', result: result.map((r) => ({ metric: r.metric, values: [[1, '1'], [2, '1']] as Array<[number, string]> })) })
  t.equal(formatRange(range, { ...SMS, overflow: () => {} }), 'up over 1h, min/avg/max/last: All 6 series are 1/1/1/1 (by instance). Text MORE to list them.')
  const noLabels = instantData('x', undefined, { resultType: 'vector', result: Array.from({ length: 4 }, () => ({ metric: {}, value: [1, '0'] as [number, string] })) })
  t.equal(formatInstant(noLabels, { ...SMS, overflow: () => {} }), 'All 4 series are 0. Text MORE to list them.')
})

t.test('replies heavy in two-septet characters or outside GSM-7 still fit three segments', async (t) => {
  const braces = Array.from({ length: 60 }, (_, i) => `{[${i}]}|{[x]}|~^`)
  const gsm = fitReply(braces, 459)
  t.ok(countSegments(gsm).segments <= 3, `${countSegments(gsm).segments} segments`)
  t.match(gsm, /\+\d+ more$/)
  const ucs2 = fitReply(Array.from({ length: 60 }, (_, i) => `\u6771\u4eac-${i} 42`), 459)
  t.equal(countSegments(ucs2).encoding, 'UCS-2')
  t.ok(countSegments(ucs2).segments <= 3, `${countSegments(ucs2).segments} segments`)
  t.equal(fitReply(['short'], 459), 'short')
})

t.test('a series with many labels is cut to 120 characters, keeping its value', async (t) => {
  const labels = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`label_${i}`, `value-number-${i}`]))
  const reply = formatInstant(instantData('x', undefined, { resultType: 'vector', result: [{ metric: labels, value: [1, '7'] }] }), SMS)
  t.equal(reply.length, 120)
  t.match(reply, /\.\.\. 7$/)
})
