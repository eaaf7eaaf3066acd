import './fixtures/aws-env.js'
import t, { type Test } from 'tap'
import { fakeAws, type FakeAws } from '@operator/test-support'
import { gatewayOperator, sms } from './fixtures/helpers.js'

const MIN = 60_000

interface Query {
  Id: string
  MetricStat: { Metric: { Namespace: string, MetricName: string, Dimensions: Array<{ Name: string, Value: string }> }, Period: number, Stat: string }
  ReturnData: boolean
}

function seedRest (aws: FakeAws, dims: Record<string, string>, { e5 = [3, 6, 6] } = {}): void {
  const now = Date.now()
  const at = [now - 12 * MIN, now - 7 * MIN, now - 2.5 * MIN]
  const series = (values: number[]) => values.map((value, i) => ({ timestamp: at[i]!, value }))
  const names = dims.ApiId !== undefined ? { e4: '4xx', e5: '5xx' } : { e4: '4XXError', e5: '5XXError' }
  aws.seedMetric({ namespace: 'AWS/ApiGateway', metricName: 'Count', dimensions: dims, stat: 'Sum', points: series([600, 900, 1500]) })
  aws.seedMetric({ namespace: 'AWS/ApiGateway', metricName: names.e5, dimensions: dims, stat: 'Sum', points: series(e5) })
  aws.seedMetric({ namespace: 'AWS/ApiGateway', metricName: names.e4, dimensions: dims, stat: 'Sum', points: series([10, 10, 15]) })
  aws.seedMetric({ namespace: 'AWS/ApiGateway', metricName: 'Latency', dimensions: dims, stat: 'p50', points: [{ timestamp: at[2]!, value: 80 }] })
  aws.seedMetric({ namespace: 'AWS/ApiGateway', metricName: 'Latency', dimensions: dims, stat: 'p90', points: [{ timestamp: at[2]!, value: 180.4 }] })
}

async function startAws (t: Test): Promise<FakeAws> {
  const aws = await fakeAws({ region: 'eu-west-1' })
  t.teardown(async () => { await aws.close() })
  return aws
}

const REST = { type: 'aws', apiName: 'shop-api', stage: 'prod', region: 'eu-west-1' }

t.test('gateway shows request rate, error rates and latency for the last 5 and 15 minutes from one GetMetricData call', async (t) => {
  const aws = await startAws(t)
  seedRest(aws, { ApiName: 'shop-api', Stage: 'prod' })
  const op = await gatewayOperator(t, { ...REST, url: aws.url })
  const reply = await sms(t, op, 'gateway')
  t.equal(reply, [
    'gateway ok 300 rpm, 0.4% 5xx, 1% 4xx, p50 80ms, p90 180ms',
    'last 15m: 200 rpm, 0.5% 5xx, 1.17% 4xx, p50 80ms, p90 180ms'
  ].join('\n'))

  const calls = aws.calls('GetMetricData') as Array<{ StartTime: number, EndTime: number, MetricDataQueries: Query[] }>
  t.equal(calls.length, 1, 'one GetMetricData call')
  const call = calls[0]!
  t.equal(call.EndTime - call.StartTime, 15 * 60, 'a 15 minute window')
  t.equal(call.EndTime % 60, 0, 'aligned to the minute')
  const queries = call.MetricDataQueries
  for (const q of queries) {
    t.equal(q.MetricStat.Metric.Namespace, 'AWS/ApiGateway')
    t.same(q.MetricStat.Metric.Dimensions, [{ Name: 'ApiName', Value: 'shop-api' }, { Name: 'Stage', Value: 'prod' }])
  }
  t.same(queries.map((q) => [q.MetricStat.Metric.MetricName, q.MetricStat.Stat, q.MetricStat.Period]), [
    ['Count', 'Sum', 300], ['4XXError', 'Sum', 300], ['5XXError', 'Sum', 300],
    ['Latency', 'p50', 300], ['Latency', 'p90', 300], ['Latency', 'Average', 300],
    ['Latency', 'p50', 900], ['Latency', 'p90', 900], ['Latency', 'Average', 900]
  ])
  const auth = String(aws.requests[0]!.headers.authorization)
  t.match(auth, /Credential=AKIDGATEWAYTEST\/\d{8}\/eu-west-1\/monitoring\/aws4_request/, 'signed by the real SDK client')
})

t.test('gateway status shows both windows with request counts', async (t) => {
  const aws = await startAws(t)
  seedRest(aws, { ApiName: 'shop-api', Stage: 'prod' })
  const op = await gatewayOperator(t, { ...REST, url: aws.url })
  t.equal(await sms(t, op, 'gateway status'), [
    'api gateway shop-api prod',
    'last 5m: 300 rpm, 1.5k req, 0.4% 5xx, 1% 4xx, p50 80ms, p90 180ms',
    'last 15m: 200 rpm, 3k req, 0.5% 5xx, 1.17% 4xx, p50 80ms, p90 180ms'
  ].join('\n'))
})

t.test('a 5xx rate over the threshold marks the gateway DOWN in health and status', async (t) => {
  const aws = await startAws(t)
  seedRest(aws, { ApiName: 'shop-api', Stage: 'prod' }, { e5: [3, 6, 90] })
  const op = await gatewayOperator(t, { ...REST, url: aws.url })
  t.match(await op.exec('health gateway'), /^gateway DOWN 6% 5xx \(>= 5%\), 300 rpm, 1% 4xx, p50 80ms, p90 180ms \(\d+ms\)$/)
  t.match(await op.statusLine('gateway'), /^gateway DOWN 6% 5xx \(>= 5%\), 300 rpm/)
})

t.test('an HTTP API by id uses the ApiId dimension and the 4xx/5xx metric names', async (t) => {
  const aws = await startAws(t)
  seedRest(aws, { ApiId: 'a1b2c3', Stage: '$default' })
  const op = await gatewayOperator(t, { type: 'aws', apiId: 'a1b2c3', stage: '$default', region: 'eu-west-1', url: aws.url })
  t.match(await op.exec('gateway'), /^gateway ok 300 rpm, 0\.4% 5xx, 1% 4xx/)
  const [call] = aws.calls('GetMetricData') as Array<{ MetricDataQueries: Query[] }>
  t.same(call!.MetricDataQueries.slice(0, 3).map((q) => q.MetricStat.Metric.MetricName), ['Count', '4xx', '5xx'])
  t.same(call!.MetricDataQueries[0]!.MetricStat.Metric.Dimensions, [{ Name: 'ApiId', Value: 'a1b2c3' }, { Name: 'Stage', Value: '$default' }])
})

t.test('latency falls back to the average when no percentile is available', async (t) => {
  const aws = await startAws(t)
  const dims = { ApiName: 'shop-api', Stage: 'prod' }
  aws.seedMetric({ namespace: 'AWS/ApiGateway', metricName: 'Count', dimensions: dims, stat: 'Sum', points: [{ timestamp: Date.now() - 2 * MIN, value: 50 }] })
  aws.seedMetric({ namespace: 'AWS/ApiGateway', metricName: 'Latency', dimensions: dims, stat: 'Average', points: [{ timestamp: Date.now() - 2 * MIN, value: 1530 }] })
  const op = await gatewayOperator(t, { ...REST, url: aws.url })
  t.match(await op.exec('gateway'), /^gateway ok 10 rpm, 0% 5xx, 0% 4xx, avg 1\.53s$/m)
})

t.test('no datapoints at all says so: no traffic, or a wrong api name or stage', async (t) => {
  const aws = await startAws(t)
  const op = await gatewayOperator(t, { ...REST, stage: 'prdo', url: aws.url })
  t.equal(await op.statusLine('gateway'), 'gateway ok 0 rpm, no datapoints in 15m for shop-api prdo')
  t.match(await op.exec('gateway status'), /^api gateway shop-api prdo: no datapoints in 15m/)
})

t.test('gateway upstreams is for kong only', async (t) => {
  const aws = await startAws(t)
  const op = await gatewayOperator(t, { ...REST, url: aws.url })
  t.equal(await op.exec('gateway upstreams'), 'gateway upstreams is for Kong; this gateway is aws. Try: gateway status')
  t.equal(aws.requests.length, 0)
})
