import { ACCESS_KEY_ID, SECRET_ACCESS_KEY } from './fixtures/aws-env.js'
import t, { type Test } from 'tap'
import { fakeAws, freePort, type FakeAws } from '@operator/test-support'
import { gatewayOperator, sms } from './fixtures/helpers.js'

const REST = { type: 'aws', apiName: 'shop-api', stage: 'prod', region: 'us-east-1' }

async function startAws (t: Test, options: { accessKeyId?: string, region?: string } = {}): Promise<FakeAws> {
  const aws = await fakeAws(options)
  t.teardown(async () => { await aws.close() })
  return aws
}

function noSecrets (t: Test, text: string): void {
  t.notMatch(text, SECRET_ACCESS_KEY, 'no secret key')
  t.notMatch(text, ACCESS_KEY_ID, 'no access key id')
}

t.test('cloudwatch unreachable: one line, health DOWN', async (t) => {
  const port = await freePort()
  const op = await gatewayOperator(t, { ...REST, url: `http://127.0.0.1:${port}` })
  t.equal(await sms(t, op, 'gateway'), 'gateway: cloudwatch unreachable (connection refused)')
  t.match(await op.exec('health gateway'), /^gateway DOWN cloudwatch unreachable \(connection refused\)/)
})

t.test('credentials cloudwatch does not recognise are named as the problem, never quoted', async (t) => {
  const aws = await startAws(t, { accessKeyId: 'AKIDSOMEONEELSE' })
  const op = await gatewayOperator(t, { ...REST, url: aws.url })
  const reply = await sms(t, op, 'gateway')
  t.equal(reply, 'gateway: cloudwatch refused the credentials (InvalidClientTokenId): check the AWS credentials and their cloudwatch:GetMetricData permission')
  noSecrets(t, reply)
})

t.test('credentials signed for another region are refused in one line', async (t) => {
  const aws = await startAws(t, { region: 'ap-south-1' })
  const op = await gatewayOperator(t, { ...REST, url: aws.url })
  const reply = await op.exec('gateway status')
  t.match(reply, /^gateway: cloudwatch refused the credentials \(SignatureDoesNotMatch\)/)
  noSecrets(t, reply)
})

t.test('a cloudwatch 5xx is one line with the error name', async (t) => {
  const aws = await startAws(t)
  aws.fault('/', {
    status: 503,
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-query-error': 'ServiceUnavailable;Receiver' },
    body: { __type: 'com.amazonaws.cloudwatch#ServiceUnavailableException', message: 'Service is unavailable' }
  })
  const op = await gatewayOperator(t, { ...REST, url: aws.url })
  t.equal(await op.exec('gateway'), 'gateway: cloudwatch answered HTTP 503 (ServiceUnavailable)')
  t.equal(aws.requests.length, 1, 'no retry that would eat the deadline')
})

t.test('a cloudwatch that does not answer times out within the timeout, one line', async (t) => {
  const aws = await startAws(t)
  aws.fault('/', 'hang')
  const op = await gatewayOperator(t, { ...REST, url: aws.url, timeoutMs: 300 })
  const r = await op.dispatch('gateway')
  t.equal(r.outcome, 'failed', 'answered by the plugin before the command deadline')
  t.equal(r.reply, 'gateway: cloudwatch timed out (no answer in time)')
})

t.test('the command deadline aborts the SDK call too', async (t) => {
  const aws = await startAws(t)
  aws.fault('/', 'hang')
  const op = await gatewayOperator(t, { ...REST, url: aws.url, timeoutMs: 10000 }, { HEALTH_DEADLINE_MS: '300' })
  t.match(await op.exec('health gateway'), /^gateway DOWN (no answer within 300ms|cloudwatch timed out \(deadline reached\))/)
})

t.test('a non-JSON answer from cloudwatch is one line', async (t) => {
  const aws = await startAws(t)
  aws.fault('/', { status: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: '<html>captive portal</html>' })
  const op = await gatewayOperator(t, { ...REST, url: aws.url })
  t.equal(await op.exec('gateway'), 'gateway: cloudwatch sent a non-JSON answer')
})

t.test('a cloudwatch validation error quotes its short message', async (t) => {
  const aws = await startAws(t)
  aws.fault('/', {
    status: 400,
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-query-error': 'InvalidParameterValue;Sender' },
    body: { __type: 'com.amazonaws.cloudwatch#InvalidParameterValueException', message: 'The value p90x for parameter Stat is not valid.' }
  })
  const op = await gatewayOperator(t, { ...REST, url: aws.url })
  t.match(await op.exec('gateway'), /^gateway: cloudwatch answered HTTP 400 \(InvalidParameterValue(Exception)?: The value p90x for parameter Stat is not valid\.\)$/)
})
