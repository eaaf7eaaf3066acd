import t, { type Test } from 'tap'
import { fakeAws, type FakeAws } from '@operator/test-support'
import { operatorWith, sms, fullConfig, lastMinutes, HOSTILE, MINUTE } from './fixtures/harness.js'
import { createCloudWatchDriver, filterPatternTerm } from '../src/drivers/cloudwatch.js'

// The real SDK client signs with these test credentials (the default AWS chain reads them from the environment).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
process.env.AWS_ACCESS_KEY_ID = 'AKIDOPERATORTEST'
process.env.AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYs3cr3tKEY'
delete process.env.AWS_SESSION_TOKEN
delete process.env.AWS_PROFILE


async function seeded (t: Test, options: Parameters<typeof fakeAws>[0] = {}): Promise<FakeAws> {
  const aws = await fakeAws(options)
  t.teardown(() => aws.close())
  const now = Date.now()
  aws.seedLogEvents('/aws/lambda/checkout', [
    { timestamp: now - 1 * MINUTE, message: 'ERROR payment timeout talking to bank' },
    { timestamp: now - 2 * MINUTE, message: 'WARN slow payment timeout retry' },
    { timestamp: now - 40 * MINUTE, message: 'ERROR old timeout' }
  ])
  aws.seedLogEvents('/app/cart', [
    { timestamp: now - 3 * MINUTE, message: 'error: redis timeout', logStreamName: 'i-0abc' },
    { timestamp: now - 4 * MINUTE, message: 'cart saved' },
    { timestamp: now - 5 * MINUTE, message: 'a "quoted" \\ line with ?maybe -not' }
  ])
  return aws
}

function config (aws: FakeAws, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'cloudwatch', url: aws.url, region: 'us-east-1', logGroups: ['/aws/lambda/checkout', '/app/cart'], ...extra }
}

interface FilterCall { logGroupName: string; startTime: number; endTime: number; filterPattern: string; limit: number; nextToken?: string }

t.test('logs <text> runs FilterLogEvents through the real SDK across every log group, newest first', async (t) => {
  const aws = await seeded(t)
  const op = await operatorWith(t, config(aws))
  const reply = await sms(t, op, 'logs timeout')
  const lines = reply.split('\n')
  t.equal(lines[0], '3 matches in 15m, newest 3:')
  t.match(lines[1], /^\d\d:\d\d:\d\d \[checkout\] ERROR payment timeout talking to bank$/)
  t.match(lines[2], /\[checkout\] WARN slow payment timeout retry$/)
  t.match(lines[3], /\[cart\] error: redis timeout$/)

  const calls = aws.calls('FilterLogEvents') as FilterCall[]
  t.same([...new Set(calls.map((c) => c.logGroupName))].sort(), ['/app/cart', '/aws/lambda/checkout'])
  t.ok(calls.every((c) => c.filterPattern === '"timeout"'), 'the text is one quoted term')
  const groupCalls = calls.filter((c) => c.logGroupName === '/app/cart')
  const span = Math.max(...groupCalls.map((c) => c.endTime)) - Math.min(...groupCalls.map((c) => c.startTime))
  t.ok(span >= 15 * MINUTE - 2 && span <= 15 * MINUTE, 'the slices together cover the 15m window')
  const auth = String(aws.requests[0]!.headers.authorization)
  t.match(auth, /^AWS4-HMAC-SHA256 Credential=AKIDOPERATORTEST\/\d{8}\/us-east-1\/logs\/aws4_request/, 'signed by the SDK')
})

t.test('hostile text is one quoted filter-pattern term with quotes and backslashes escaped', async (t) => {
  const aws = await seeded(t)
  const driver = createCloudWatchDriver(fullConfig({ type: 'cloudwatch', url: aws.url, region: 'us-east-1', logGroups: ['/app/cart'] }))
  t.teardown(() => driver.close?.())
  for (const text of HOSTILE) {
    const result = await driver.search(text, lastMinutes(15), 5, AbortSignal.timeout(5000))
    const call = (aws.calls('FilterLogEvents') as FilterCall[]).at(-1)!
    t.equal(call.filterPattern, filterPatternTerm(text), `${JSON.stringify(text)} is sent as one term`)
    const literal = ['error: redis timeout', 'cart saved', 'a "quoted" \\ line with ?maybe -not'].filter((m) => m.includes(text.replace(/\n/g, ' '))).length
    t.equal(result.total, literal, `${JSON.stringify(text)} matches only lines holding it literally (${literal})`)
  }
  t.equal(filterPatternTerm('" or 1=1'), '"\\" or 1=1"')
  t.equal(filterPatternTerm('a\\b'), '"a\\\\b"')
  t.equal(filterPatternTerm('line one\nline two'), '"line one line two"')
  const found = await driver.search('"quoted" \\ line with ?maybe -not', lastMinutes(15), 5, AbortSignal.timeout(5000))
  t.equal(found.total, 1, 'a line holding quotes, a backslash, ? and - is found by that exact text')
})

t.test('pages through nextToken and stops at the configured bounds', async (t) => {
  const aws = await fakeAws()
  t.teardown(() => aws.close())
  const now = Date.now()
  aws.seedLogEvents('/app/noisy', Array.from({ length: 30 }, (_, i) => ({ timestamp: now - 14 * MINUTE + i * 1000, message: `boom ${i}` })))
  const op = await operatorWith(t, config(aws, { logGroups: '/app/noisy', scanLimit: 10 }))
  // scanLimit 10 caps each page's limit at 10: 3 pages hold all 30, but the scan stops at 10 and says so.
  t.match(await sms(t, op, 'logs boom'), /^10\+ matches in 15m, newest 5:/)

  const roomy = await operatorWith(t, config(aws, { logGroups: '/app/noisy', scanLimit: 1000 }))
  const before = aws.calls('FilterLogEvents').length
  const reply = await sms(t, roomy, 'logs boom')
  t.match(reply, /^30 matches in 15m, newest 5:\n\d\d:\d\d:\d\d \[noisy\] boom 29\n.*boom 28/)
  t.ok(aws.calls('FilterLogEvents').length - before >= 3, 'one call per slice at least')

  const paged = await operatorWith(t, config(aws, { logGroups: '/app/noisy', scanLimit: 10, maxPages: 2 }))
  const start = aws.calls('FilterLogEvents').length
  t.equal(await sms(t, paged, 'logs boom'), 'No log lines matching "boom" in the part of the last 15m searched before the page limit.',
    'the two pages went to the newest slices, which hold nothing, and the reply says the search was cut short')
  const calls = (aws.calls('FilterLogEvents') as FilterCall[]).slice(start)
  t.equal(calls.length, 2, 'never more pages than maxPages')

  const three = await operatorWith(t, config(aws, { logGroups: '/app/noisy', scanLimit: 1000, maxPages: 3 }))
  t.match(await sms(t, three, 'logs boom'), /^30 matches in 15m, newest 5:/, 'one page per slice is enough here')
})

t.test('a page with a nextToken is followed', async (t) => {
  const aws = await fakeAws()
  t.teardown(() => aws.close())
  const now = Date.now()
  aws.seedLogEvents('/app/one', Array.from({ length: 25 }, (_, i) => ({ timestamp: now - 60_000 + i, message: `tick ${i}` })))
  const driver = createCloudWatchDriver(fullConfig({ type: 'cloudwatch', url: aws.url, region: 'us-east-1', logGroups: ['/app/one'], scanLimit: 30 }))
  t.teardown(() => driver.close?.())
  const result = await driver.search('tick', lastMinutes(15), 3, AbortSignal.timeout(5000))
  t.equal(result.total, 25)
  t.same(result.lines.map((l) => l.message), ['tick 24', 'tick 23', 'tick 22'])
})

t.test('logs errors counts error lines per log group with an any-of pattern', async (t) => {
  const aws = await seeded(t)
  const op = await operatorWith(t, config(aws, { errorLevels: ['error'] }))
  t.equal(await sms(t, op, 'logs errors'), '2 error lines in 15m:\ncart 1\ncheckout 1')
  const call = (aws.calls('FilterLogEvents') as FilterCall[]).at(-1)!
  t.equal(call.filterPattern, '?"error" ?"ERROR" ?"Error"')
  t.equal(await sms(t, op, 'logs errors since 1h'), '3 error lines in 1h:\ncheckout 2\ncart 1')
})

t.test('health uses DescribeLogGroups: all found ok, some missing degraded, none down', async (t) => {
  const aws = await seeded(t)
  const op = await operatorWith(t, config(aws))
  t.match(await sms(t, op, 'health logs'), /^logs ok 2 log groups found \(\d+ms\)$/)
  t.equal(await op.statusLine('logs'), 'logs ok 2 log groups found, 2 errors in 15m')
  const some = await operatorWith(t, config(aws, { logGroups: '/app/cart, /app/gone' }))
  t.match(await sms(t, some, 'health logs'), /^logs DEGRADED 1 of 2 log groups missing: \/app\/gone/)
  const none = await operatorWith(t, config(aws, { logGroups: ['/app/gone'] }))
  t.match(await sms(t, none, 'health logs'), /^logs DOWN 1 of 1 log groups missing: \/app\/gone/)
  t.ok(aws.calls('DescribeLogGroups').length >= 4)
})

t.test('AWS errors are one line: missing group, credentials, 5xx, non-JSON, unreachable, timeout', async (t) => {
  const aws = await seeded(t, { accessKeyId: 'AKIDSOMEONEELSE' })
  const denied = await operatorWith(t, config(aws))
  const reply = await sms(t, denied, 'logs timeout')
  t.equal(reply, 'logs: cloudwatch refused the credentials (UnrecognizedClientException)')
  t.notMatch(reply, /AKID|wJalr/, 'no key id or secret in the reply')
  t.match(await sms(t, denied, 'health logs'), /^logs DOWN cloudwatch refused the credentials/)

  const wrongRegion = await operatorWith(t, config(aws, { region: 'eu-west-1' }))
  t.equal(await sms(t, wrongRegion, 'logs timeout'), 'logs: cloudwatch refused the credentials (InvalidSignatureException)')

  const open = await seeded(t)
  const op = await operatorWith(t, config(open, { logGroups: ['/app/missing'], maxAttempts: 1, requestTimeoutMs: 400 }))
  t.equal(await sms(t, op, 'logs timeout'), 'logs: cloudwatch rejected the request: The specified log group does not exist. (/app/missing)')

  const cart = await operatorWith(t, config(open, { logGroups: ['/app/cart'], maxAttempts: 1, requestTimeoutMs: 400 }))
  open.fault('/', { status: 500, body: { __type: 'ServiceUnavailableException', message: 'The service cannot complete the request.' } }, { times: 1 })
  t.equal(await sms(t, cart, 'logs timeout'), 'logs: cloudwatch failed (HTTP 500): The service cannot complete the request.')
  open.fault('/', { status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: '<html>proxy</html>' }, { times: 1 })
  t.equal(await sms(t, cart, 'logs timeout'), 'logs: cloudwatch sent a non-JSON answer')
  open.fault('/', 'hang', { times: 1 })
  t.match(await sms(t, cart, 'logs timeout'), /^logs: cloudwatch timed out \((no answer in time|deadline reached)\)$/)
  await open.close()
  t.equal(await sms(t, cart, 'logs timeout'), 'logs: cloudwatch unreachable (connection refused)')
})
