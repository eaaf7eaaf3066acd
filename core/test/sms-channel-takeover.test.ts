// A promise nobody keeps: with the Redis store, the replica running a command is killed (SIGKILL) mid-run and Twilio's
// retry reaches another replica. That one either answers with the result itself, or promises it ("working on it") and
// then sends it by SMS: the fake Twilio receives the answer exactly as the command produced it, once.
import t, { type Test } from 'tap'
import { fakeTwilioApi, waitUntil, type FakeTwilioApi } from '@operator/test-support'
import { ADMIN, httpOnce, startDaemon, webhookRequest, type Daemon } from './fixtures/reliability-daemon.js'
import { REDIS_SERVER, startPrivateRedis, type PrivateRedis } from './fixtures/private-redis.js'

const ACCOUNT = 'AC' + '0'.repeat(32)
const TOKEN = 'reliability-test-token'
const ANSWER = 'slow done: the in-flight reply made it'
const WORKING = '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Working on it, the answer will follow by SMS.</Message></Response>'

async function replica (t: Test, redis: PrivateRedis, fake: FakeTwilioApi, env: Record<string, string> = {}): Promise<Daemon> {
  const daemon = await startDaemon({
    STATE_STORE: 'redis', REDIS_URL: redis.url, TWILIO_ACCOUNT_SID: ACCOUNT, TWILIO_API_BASE_URL: fake.url, TWILIO_FROM_NUMBER: '+14155559999', ...env
  }, { slowMs: 2500 })
  t.teardown(daemon.stop)
  return daemon
}

/** Sends `slow` to `first`, kills it once the command runs, and returns the request for the retry. */
async function killMidCommand (first: Daemon): Promise<{ payload: string, headers: Record<string, string> }> {
  const request = webhookRequest('slow')
  const lost = httpOnce(first.port, 'POST', '/sms', request.payload, request.headers).catch(() => undefined)
  await first.waitForLog(/"marker":"slow-started"/)
  first.child.kill('SIGKILL')
  await first.exited
  await lost
  return request
}

const skip = REDIS_SERVER === undefined ? 'redis-server is not installed (apt-get install redis-server)' : false

t.test('the retry reaches a replica with time to spare: it takes the lapsed claim over and answers with the result', { skip }, async (t) => {
  const redis = await startPrivateRedis()
  t.teardown(() => redis.stop())
  const fake = await fakeTwilioApi({ accountSid: ACCOUNT, authToken: TOKEN })
  t.teardown(() => fake.close())
  const [a, b] = await Promise.all([replica(t, redis, fake), replica(t, redis, fake, { SMS_REPLY_DEADLINE_MS: '12000' })])

  const retry = await killMidCommand(a)
  const answer = await httpOnce(b.port, 'POST', '/sms', retry.payload, retry.headers)
  t.equal(answer.status, 200)
  t.match(answer.body, `<Message>${ANSWER}</Message>`, 'the result itself, not a promise')
  await b.waitForLog(/took over a message whose replica stopped answering/)
  t.equal(fake.messages.length, 0, 'nothing needed sending by SMS')
  const again = await httpOnce(b.port, 'POST', '/sms', retry.payload, retry.headers)
  t.equal(again.body, answer.body, 'a later retry gets the recorded answer')
})

t.test('the retry reaches a replica with little time: it promises the answer, then takes over and sends it by SMS', { skip }, async (t) => {
  const redis = await startPrivateRedis()
  t.teardown(() => redis.stop())
  const fake = await fakeTwilioApi({ accountSid: ACCOUNT, authToken: TOKEN })
  t.teardown(() => fake.close())
  const [a, b] = await Promise.all([replica(t, redis, fake), replica(t, redis, fake, { SMS_REPLY_DEADLINE_MS: '500' })])

  const retry = await killMidCommand(a)
  const answer = await httpOnce(b.port, 'POST', '/sms', retry.payload, retry.headers)
  t.equal(answer.body, WORKING, 'the killed replica\'s lease has not lapsed yet: a promise')
  await waitUntil(async () => fake.messages.length > 0, { timeoutMs: 20_000, what: 'the promised answer by SMS' })
  await new Promise((resolve) => setTimeout(resolve, 500))
  t.same(fake.messages.map((m) => [m.to, m.body]), [[ADMIN, ANSWER]], 'sent once, exactly as the command produced it')
  t.match(b.logs(), /took over a promised message whose replica stopped answering/)
  const again = await httpOnce(b.port, 'POST', '/sms', retry.payload, retry.headers)
  t.equal(again.body, WORKING, 'a later retry repeats what this webhook answered; nothing is sent twice')
  await new Promise((resolve) => setTimeout(resolve, 700))
  t.equal(fake.messages.length, 1)
})
