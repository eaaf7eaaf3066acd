import t from 'tap'
import { Writable } from 'node:stream'
import { buildApp } from '@operator/core'
import { fakeDatadog, freePort } from '@operator/test-support'
import plugin from '../src/index.js'
import { API_KEY, APP_KEY } from './fixtures/setup.js'

t.test('keys never appear in replies or log lines, whatever goes wrong', async (t) => {
  const fake = await fakeDatadog({ apiKey: API_KEY, appKey: APP_KEY })
  t.teardown(() => fake.close())
  const logs: string[] = []
  const stream = new Writable({ write (chunk, _enc, done) { logs.push(String(chunk)); done() } })
  const WRONG_APP = 'wrongapp0123456789abcdef0123456789abcdef'
  const unreachable = await freePort()

  async function run (config: Record<string, unknown>, texts: readonly string[]): Promise<string[]> {
    const app = await buildApp({
      env: { COMMAND_DEADLINE_MS: '3000', HEALTH_DEADLINE_MS: '2000' },
      config: { plugins: [] },
      plugins: [{ plugin, config: { apiKey: API_KEY, appKey: APP_KEY, url: fake.url, timeoutMs: 300, ...config } }],
      logger: { level: 'trace', stream }
    })
    await app.ready()
    const replies: string[] = []
    try {
      for (const text of texts) {
        const r = await app.operator.dispatcher.dispatch(text, { id: '+15550100', role: 'admin', channel: 'sms' })
        replies.push(r.reply)
      }
    } finally {
      await app.close()
    }
    return replies
  }

  const replies: string[] = []
  fake.rateLimit({ reset: 5, times: 2 })
  replies.push(...await run({}, ['metrics cpu', 'health datadog']))
  fake.markBadQuery('avg:bad{', 'syntax error')
  replies.push(...await run({}, ['metrics avg:bad{', 'metrics cpu', 'monitors', 'status', 'health']))
  replies.push(...await run({ appKey: WRONG_APP }, ['metrics cpu', 'monitors', 'status']))
  fake.fault('/api/v1/query', 'hang')
  replies.push(...await run({}, ['metrics cpu']))
  fake.clearFaults()
  fake.fault('/api/v1/query', 'malformed-json')
  replies.push(...await run({}, ['metrics cpu']))
  replies.push(...await run({ url: `http://127.0.0.1:${unreachable}` }, ['metrics cpu', 'status', 'health']))

  t.ok(logs.length > 0, 'the daemon logged')
  t.ok(replies.some((r) => /rate limited/.test(r)) && replies.some((r) => /application key/.test(r)), 'the failures happened')
  for (const secret of [API_KEY, APP_KEY, WRONG_APP]) {
    t.notOk(replies.some((r) => r.includes(secret)), 'no key in any reply')
    t.notOk(logs.some((l) => l.includes(secret)), 'no key in any log line')
  }
  t.ok(fake.requests.every((r) => !r.path.includes(API_KEY) && ![...r.query.values()].some((v) => v.includes(API_KEY))),
    'keys travel only in headers, never in the URL')
})
