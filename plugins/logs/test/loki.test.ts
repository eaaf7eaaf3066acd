import t, { type Test } from 'tap'
import { fakeLoki, parseLogQuery, type FakeLoki, type FakeLokiOptions } from '@operator/test-support'
import { operatorWith, sms, coreHttp, fullConfig, lastMinutes, HOSTILE, MINUTE } from './fixtures/harness.js'
import { createLokiDriver, logqlString } from '../src/drivers/loki.js'


async function seeded (t: Test, options: FakeLokiOptions = {}): Promise<FakeLoki> {
  const loki = await fakeLoki(options)
  t.teardown(() => loki.close())
  const now = Date.now()
  loki.addLine({ job: 'api', service_name: 'checkout', level: 'error' }, now - 1 * MINUTE, 'payment timeout talking to bank')
  loki.addLine({ job: 'api', service_name: 'checkout', level: 'warn' }, now - 2 * MINUTE, 'slow payment timeout retry')
  loki.addLine({ job: 'api', app: 'cart', level: 'ERROR' }, now - 3 * MINUTE, 'redis timeout')
  loki.addLine({ job: 'api', app: 'cart', level: 'info' }, now - 4 * MINUTE, 'cart saved')
  loki.addLine({ job: 'api', app: 'cart', level: 'error' }, now - 50 * MINUTE, 'old timeout')
  loki.addLine({ job: 'batch' }, now - 5 * MINUTE, 'a line with a "quote" and a \\ backslash and `ticks`')
  return loki
}

t.test('logs <text> queries query_range backward with a line filter and shows the newest first', async (t) => {
  const loki = await seeded(t)
  const op = await operatorWith(t, { type: 'loki', url: loki.url })
  const reply = await sms(t, op, 'logs timeout')
  const lines = reply.split('\n')
  t.equal(lines[0], '3 matches in 15m, newest 3:')
  t.match(lines[1], /^\d\d:\d\d:\d\d \[checkout\/error\] payment timeout talking to bank$/)
  t.match(lines[2], /\[checkout\/warn\] slow payment timeout retry$/)
  t.match(lines[3], /\[cart\/ERROR\] redis timeout$/, 'falls back to the app label for the service')

  const q = loki.queries[0]!
  t.equal(q.query, '{job=~".+"} |= "timeout"')
  t.equal(q.direction, 'backward')
  t.equal(q.limit, 1000, 'reads up to scanLimit lines to count')
  t.equal(q.end - q.start, 15n * 60_000_000_000n, 'start and end in nanoseconds, 15 minutes apart')
  const raw = loki.requests.find((r) => r.path === '/loki/api/v1/query_range')!
  t.match(raw.query.get('start'), /^\d{19}$/, 'start is sent as nanoseconds')
})

t.test('a configured selector, org id and basic auth are sent; credentials stay out of replies', async (t) => {
  const loki = await seeded(t, { orgId: 'tenant-a', basicAuth: { username: 'gw', password: 'gw-s3cret' } })
  const op = await operatorWith(t, { type: 'loki', url: loki.url, selector: '{job="api"}', orgId: 'tenant-a', username: 'gw', password: 'gw-s3cret' })
  t.match(await sms(t, op, 'logs timeout since 1h'), /^4 matches in 1h, newest 4:/)
  const last = loki.requests.at(-1)!
  t.equal(last.headers['x-scope-orgid'], 'tenant-a')
  t.equal(last.headers.authorization, `Basic ${Buffer.from('gw:gw-s3cret').toString('base64')}`)
  t.equal(loki.queries.at(-1)!.query, '{job="api"} |= "timeout"')

  const wrong = await operatorWith(t, { type: 'loki', url: loki.url, orgId: 'tenant-a', username: 'gw', password: 'bad-s3cret' })
  const reply = await sms(t, wrong, 'logs timeout')
  t.equal(reply, 'logs: loki refused the credentials (HTTP 401)')
  t.notMatch(reply, /s3cret/)
})

t.test('hostile text stays inside one escaped string literal', async (t) => {
  const loki = await seeded(t)
  const driver = createLokiDriver(fullConfig({ type: 'loki', url: loki.url }), await coreHttp(t))
  for (const text of HOSTILE) {
    await driver.search(text, lastMinutes(15), 5, AbortSignal.timeout(3000))
    const query = loki.queries.at(-1)!.query
    t.equal(query, `{job=~".+"} |= ${logqlString(text)}`, `${JSON.stringify(text)} is one literal`)
    const parsed = parseLogQuery(query)
    t.same(parsed.matchers, [{ name: 'job', op: '=~', value: '.+' }], 'the selector is unchanged')
    t.same(parsed.filters, [{ op: '|=', value: text }], 'exactly one line filter, holding the text verbatim')
  }
  t.equal(logqlString('\\"} |= "x'), '"\\\\\\"} |= \\"x"')
  t.equal(logqlString('a\nb\tc\rd\u0001e'), '"a\\nb\\tc\\rd e"')
})

t.test('a line holding quotes, backslashes and backticks is found by exactly that text', async (t) => {
  const loki = await seeded(t)
  const op = await operatorWith(t, { type: 'loki', url: loki.url })
  const reply = await sms(t, op, 'logs "quote" and a \\ backslash and `ticks`')
  t.match(reply, /^1 match in 15m, newest 1:\n\d\d:\d\d:\d\d \[batch\] a line with a "quote"/)
  t.equal(loki.queries[0]!.query, '{job=~".+"} |= "\\"quote\\" and a \\\\ backslash and `ticks`"')
})

t.test('Loki errors are one line: its own parse error, 5xx, non-JSON, unreachable, timeout', async (t) => {
  const loki = await seeded(t)
  const op = await operatorWith(t, { type: 'loki', url: loki.url, selector: '{job=~".*"}', requestTimeoutMs: 300 })
  t.match(await sms(t, op, 'logs timeout'),
    /^logs: loki rejected the query: parse error : queries require at least one regexp or equality matcher/)

  const ok = await operatorWith(t, { type: 'loki', url: loki.url, requestTimeoutMs: 300 })
  loki.fault('/loki/api/v1/query_range', { status: 500, body: 'too many outstanding requests\n' }, { times: 1 })
  t.equal(await sms(t, ok, 'logs timeout'), 'logs: loki failed (HTTP 500): too many outstanding requests')
  loki.fault('/loki/api/v1/query_range', 'malformed-json', { times: 1 })
  t.equal(await sms(t, ok, 'logs timeout'), 'logs: loki sent a non-JSON answer')
  loki.fault('/loki/api/v1/query_range', { status: 200, body: { status: 'success', data: { resultType: 'matrix', result: [] } } }, { times: 1 })
  t.equal(await sms(t, ok, 'logs timeout'), 'logs: loki sent an unexpected answer (no log streams)')
  loki.fault('/loki/api/v1/query_range', 'hang', { times: 1 })
  t.equal(await sms(t, ok, 'logs timeout'), 'logs: loki timed out (no answer in 300ms)')
  await loki.close()
  t.equal(await sms(t, ok, 'logs timeout'), 'logs: loki unreachable (connection refused)')
  t.match(await sms(t, ok, 'health logs'), /^logs DOWN loki unreachable \(connection refused\)/)
})

t.test('logs errors filters the level after the selector and counts per service', async (t) => {
  const loki = await seeded(t)
  const op = await operatorWith(t, { type: 'loki', url: loki.url, errorLevels: ['error'] })
  t.equal(await sms(t, op, 'logs errors'), '2 error lines in 15m:\ncart 1\ncheckout 1')
  t.equal(loki.queries.at(-1)!.query, '{job=~".+"} | level=~"error|ERROR|Error" or detected_level=~"error|ERROR|Error"')
  t.equal(await sms(t, op, 'logs errors since 2h'), '3 error lines in 2h:\ncart 2\ncheckout 1')

  const empty = await operatorWith(t, { type: 'loki', url: loki.url, selector: '{job="batch"}' })
  t.equal(await sms(t, empty, 'logs errors'), 'No error lines in the last 15m.')
})

t.test('a full scan says the count is a lower bound', async (t) => {
  const loki = await seeded(t)
  const now = Date.now()
  for (let i = 0; i < 12; i++) loki.addLine({ job: 'api', app: 'noisy', level: 'error' }, now - (i + 1) * 1000, `boom ${i}`)
  const op = await operatorWith(t, { type: 'loki', url: loki.url, scanLimit: 10 })
  t.match(await sms(t, op, 'logs boom'), /^10\+ matches in 15m, newest 5:/)
  t.match(await sms(t, op, 'logs errors'), /^10\+ error lines in 15m:\nnoisy 10$/)
  t.match(await op.statusLine('logs'), /^logs ok ready, 10\+ errors in 15m$/, 'the status line says the count is a lower bound too')
})

t.test('health reads /ready; status adds the error count', async (t) => {
  const loki = await seeded(t)
  const op = await operatorWith(t, { type: 'loki', url: loki.url })
  t.match(await sms(t, op, 'health logs'), /^logs ok ready \(\d+ms\)$/)
  t.equal(await op.statusLine('logs'), 'logs ok ready, 2 errors in 15m')
  loki.fault('/ready', { status: 503, body: 'Ingester not ready: waiting for 15s after being ready\n' })
  t.match(await sms(t, op, 'health logs'), /^logs DOWN not ready \(HTTP 503: Ingester not ready: waiting for 15s after being ready\)/)
  loki.fault('/loki/api/v1/query_range', { status: 500, body: 'boom' }, { times: 1 })
  t.match(await sms(t, op, 'status'), /(: |; )logs DOWN not ready \(HTTP 503: Ingester not ready/m, 'down already says why: the failed count adds nothing')
  loki.clearFaults().fault('/ready', { status: 401, body: 'no' })
  t.match(await sms(t, op, 'health logs'), /^logs DOWN refused the credentials \(HTTP 401\)/)
  loki.clearFaults().fault('/ready', { status: 200, body: '' })
  t.match(await sms(t, op, 'health logs'), /^logs ok ready/)
})

t.test('Loki 3 keeps the level in structured metadata (detected_level): logs errors still counts it', async (t) => {
  const loki = await fakeLoki()
  t.teardown(() => loki.close())
  const now = Date.now()
  // No level label at all, as Loki 3 stores OTLP and discovered levels: detected_level is structured metadata.
  loki.addLine({ service_name: 'checkout' }, now - MINUTE, 'payment timeout', { detected_level: 'error' })
  loki.addLine({ service_name: 'checkout' }, now - 2 * MINUTE, 'order placed', { detected_level: 'info' })
  loki.addLine({ service_name: 'cart' }, now - 3 * MINUTE, 'redis down', { detected_level: 'critical' })
  loki.addLine({ service_name: 'cart', level: 'error' }, now - 4 * MINUTE, 'an old-style labelled line')
  const op = await operatorWith(t, { type: 'loki', url: loki.url, selector: '{service_name=~".+"}' })
  t.equal(await sms(t, op, 'logs errors'), '3 error lines in 15m:\ncart 2\ncheckout 1')
  t.match(await sms(t, op, 'logs payment'), /\[checkout\/error\] payment timeout$/, 'the level shown comes from detected_level')
  t.match(await op.statusLine('logs'), /^logs ok ready, 3 errors in 15m$/)

  const custom = await fakeLoki()
  t.teardown(() => custom.close())
  custom.addLine({ app: 'billing' }, now - MINUTE, 'card declined', { severity: 'ERROR' })
  custom.addLine({ app: 'billing' }, now - MINUTE, 'card ok', { severity: 'info' })
  const configured = await operatorWith(t, { type: 'loki', url: custom.url, selector: '{app=~".+"}', levelLabel: 'severity' })
  t.equal(await sms(t, configured, 'logs errors'), '1 error line in 15m:\nbilling 1', 'the level field is configurable')
  t.match(custom.queries.at(-1)!.query, /^\{app=~"\.\+"\} \| severity=~"[^"]+" or detected_level=~"[^"]+"$/)

  const detected = await operatorWith(t, { type: 'loki', url: loki.url, levelLabel: 'detected_level', selector: '{service_name=~".+"}' })
  await sms(t, detected, 'logs errors')
  t.match(loki.queries.at(-1)!.query, /^\{service_name=~"\.\+"\} \| detected_level=~"[^"]+"$/, 'detected_level alone when it is the field')
})

t.test('429 too many outstanding requests reads as overloaded, not as a bad query', async (t) => {
  const loki = await seeded(t)
  const op = await operatorWith(t, { type: 'loki', url: loki.url })
  loki.overload()
  t.equal(await sms(t, op, 'logs timeout'), 'logs: loki is overloaded (too many outstanding requests), try again in a minute')
  loki.overload()
  t.match(await sms(t, op, 'status'), /(: |; )logs DEGRADED ready, errors unknown \(loki is overloaded \(too many outstanding requests\)/m)
  loki.fault('/loki/api/v1/query_range', { status: 429, body: '' }, { times: 1 })
  t.equal(await sms(t, op, 'logs timeout'), 'logs: loki is overloaded (HTTP 429), try again in a minute')
})

t.test('a stream without any service label counts as (none) and shows no service', async (t) => {
  const loki = await fakeLoki()
  t.teardown(() => loki.close())
  loki.addLine({ env: 'prod' }, Date.now() - MINUTE, 'kernel: disk error on sda', { detected_level: 'error' })
  const op = await operatorWith(t, { type: 'loki', url: loki.url, selector: '{env="prod"}' })
  t.equal(await sms(t, op, 'logs errors'), '1 error line in 15m:\n(none) 1')
  t.match(await sms(t, op, 'logs disk'), /^1 match in 15m, newest 1:\n\d\d:\d\d:\d\d \[error\] kernel: disk error on sda$/)
})
