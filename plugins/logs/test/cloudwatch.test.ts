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

t.test('hostile text is quoted filter-pattern terms, cut at quotes and backslashes (filter patterns have no escape)', async (t) => {
  const aws = await seeded(t)
  const driver = createCloudWatchDriver(fullConfig({ type: 'cloudwatch', url: aws.url, region: 'us-east-1', logGroups: ['/app/cart'] }))
  t.teardown(() => driver.close?.())
  const lines = ['error: redis timeout', 'cart saved', 'a "quoted" \\ line with ?maybe -not']
  for (const text of HOSTILE) {
    const result = await driver.search(text, lastMinutes(15), 5, AbortSignal.timeout(5000))
    const call = (aws.calls('FilterLogEvents') as FilterCall[]).at(-1)!
    t.equal(call.filterPattern, filterPatternTerm(text), `${JSON.stringify(text)} is sent as quoted terms`)
    t.notMatch(call.filterPattern, /\\/, 'no backslash is ever sent: its meaning inside quotes is not documented')
    const pieces = text.replace(/\n/g, ' ').split(/["\\]/).filter((p) => p.trim() !== '')
    const expected = lines.filter((m) => pieces.every((p) => m.includes(p))).length
    t.equal(result.total, expected, `${JSON.stringify(text)} matches only lines holding every piece (${expected})`)
  }
  t.equal(filterPatternTerm('" or 1=1'), '" or 1=1"')
  t.equal(filterPatternTerm('a\\b'), '"a" "b"')
  t.equal(filterPatternTerm('say "hi" -now'), '"say " "hi" " -now"')
  t.equal(filterPatternTerm('line one\nline two'), '"line one line two"')
  t.equal(filterPatternTerm('" \\ "'), undefined)
  const found = await driver.search('"quoted" \\ line with ?maybe -not', lastMinutes(15), 5, AbortSignal.timeout(5000))
  t.equal(found.total, 1, 'a line holding quotes, a backslash, ? and - is found by that exact text')
  const op = await operatorWith(t, config(aws))
  t.equal(await sms(t, op, 'logs " \\'), 'Nothing to search for: CloudWatch filter patterns cannot search for quotes or backslashes alone.')
})

t.test('pages newest first through nextToken and stops at the configured bounds', async (t) => {
  const aws = await fakeAws()
  t.teardown(() => aws.close())
  const now = Date.now()
  aws.seedLogEvents('/app/noisy', Array.from({ length: 30 }, (_, i) => ({ timestamp: now - 14 * MINUTE + i * 1000, message: `boom ${i}` })))
  const op = await operatorWith(t, config(aws, { logGroups: '/app/noisy', scanLimit: 10 }))
  t.match(await sms(t, op, 'logs boom'), /^10\+ matches in 15m, newest 5:\n\d\d:\d\d:\d\d \[noisy\] boom 29\n/, 'the count stops at scanLimit; the lines are the newest')

  const roomy = await operatorWith(t, config(aws, { logGroups: '/app/noisy', scanLimit: 1000 }))
  const before = aws.calls('FilterLogEvents').length
  const reply = await sms(t, roomy, 'logs boom')
  t.match(reply, /^30 matches in 15m, newest 5:\n\d\d:\d\d:\d\d \[noisy\] boom 29\n.*boom 28/)
  const calls = (aws.calls('FilterLogEvents') as Array<FilterCall & { startFromHead?: boolean }>).slice(before)
  t.equal(calls.length, 2, 'the fake searches 20 events per call: two pages')
  t.ok(calls.every((c) => c.startFromHead === false), 'newest first')
  t.ok(calls.every((c) => c.endTime - c.startTime === 15 * MINUTE), 'each page covers the whole window')
  t.equal(calls[1]!.nextToken !== undefined, true, 'the second page follows the token')

  const paged = await operatorWith(t, config(aws, { logGroups: '/app/noisy', scanLimit: 1000, maxPages: 1 }))
  t.match(await sms(t, paged, 'logs boom'), /^20\+ matches in 15m, newest 5:/, 'maxPages pages with events, then a lower bound')
})

t.test('a busy log group: empty pages with a nextToken do not end the scan or spend the page budget', async (t) => {
  const aws = await fakeAws({ eventsScannedPerCall: 10 })
  t.teardown(() => aws.close())
  const now = Date.now()
  aws.seedLogEvents('/app/busy', [
    ...Array.from({ length: 3 }, (_, i) => ({ timestamp: now - 14 * MINUTE + i, message: `ERROR disk full ${i}` })),
    ...Array.from({ length: 200 }, (_, i) => ({ timestamp: now - 13 * MINUTE + i * 1000, message: `GET /health 200 ${i}` }))
  ])
  const op = await operatorWith(t, config(aws, { logGroups: '/app/busy', maxPages: 2 }))
  const before = aws.calls('FilterLogEvents').length
  t.match(await sms(t, op, 'logs disk full'), /^3 matches in 15m, newest 3:\n.*ERROR disk full 2\n.*ERROR disk full 1\n.*ERROR disk full 0$/)
  t.equal(aws.calls('FilterLogEvents').length - before, 21, 'twenty empty pages were read through to the matches at the end')
  t.equal(await sms(t, op, 'logs errors'), '3 error lines in 15m:\nbusy 3')

  const driver = createCloudWatchDriver(fullConfig({ type: 'cloudwatch', url: aws.url, region: 'us-east-1', logGroups: ['/app/busy'] }))
  t.teardown(() => driver.close?.())
  const calls = aws.calls('FilterLogEvents').length
  const cut = await driver.search('disk', lastMinutes(15), 5, AbortSignal.timeout(5000), Date.now() - 1)
  t.same({ total: cut.total, atLeast: cut.atLeast }, { total: 0, atLeast: true }, 'past the scan deadline: one page, and the count says it is partial')
  t.equal(aws.calls('FilterLogEvents').length - calls, 1)
  t.equal(await sms(t, op, 'logs nothing-here'), 'No log lines matching "nothing-here" in the last 15m.', 'a completed scan with no match')
})

t.test('ThrottlingException (HTTP 400) reads as throttled, not as a rejected request', async (t) => {
  const aws = await seeded(t)
  const op = await operatorWith(t, config(aws, { logGroups: ['/app/cart'], maxAttempts: 1 }))
  aws.throttle()
  t.equal(await sms(t, op, 'logs timeout'), 'logs: cloudwatch throttled the request (ThrottlingException), try again in a minute')
  const retried = await operatorWith(t, config(aws, { logGroups: ['/app/cart'], maxAttempts: 2 }))
  aws.throttle()
  t.match(await sms(t, retried, 'logs timeout'), /^1 match in 15m/, 'the SDK retries one throttled call itself')
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
