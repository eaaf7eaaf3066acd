import t from 'tap'
import type { NewRelicIssueSeed } from '@operator/test-support'
import { API_KEY, setup } from './fixtures/setup.js'

function open (n: number, priority: NewRelicIssueSeed['priority']): NewRelicIssueSeed {
  return { issueId: `i-${n}`, title: [`t${n}`], priority, state: 'ACTIVATED', createdAt: Date.now() - n * 60_000 }
}

t.test('health newrelic proves the key works and reaches the account', async (t) => {
  const { fake, op } = await setup(t)
  t.match(await op.exec('health newrelic'), /^newrelic ok key valid for account 1234567 \(Account 1234567, US\) \(\d+ms\)$/)
  t.match(await op.exec('health'), /^All 2 ok: (.*, )?newrelic \d+ms$/, 'counted among all systems')
  const body = fake.requestsTo('/graphql')[0]!.json as { query: string; variables: unknown }
  t.match(body.query, /actor \{ user \{ name \} account\(id: \$accountId\)/)
  t.same(body.variables, { accountId: 1234567 })
})

t.test('health is DOWN with a rejected key or an unreachable account, DEGRADED when NerdGraph is busy', async (t) => {
  const bad = await setup(t, { apiKey: 'NRAK-WRONG' })
  t.match(await bad.op.exec('health newrelic'), /^newrelic DOWN rejected the API key \(check NEW_RELIC_API_KEY: a user key, NRAK-\.\.\.\) \(\d+ms\)$/)
  const other = await setup(t, { accountId: 7 })
  t.match(await other.op.exec('health newrelic'), /^newrelic DOWN Account 7 not found or not authorized \(\d+ms\)$/)
  const busy = await setup(t)
  busy.fake.fault('/graphql', { status: 429, body: { errors: [{ message: 'Too many concurrent requests' }] } })
  t.match(await busy.op.exec('health newrelic'), /^newrelic DEGRADED too many requests at once \(NerdGraph allows 25 per user\), retry shortly \(\d+ms\)$/)
  busy.fake.clearFaults()
  busy.fake.fault('/graphql', { status: 200, body: { data: { actor: { user: null, account: { id: 1, name: '' } } } } }, { times: 1 })
  t.match(await busy.op.exec('health newrelic'), /^newrelic ok key valid for account 1234567 \(US\) \(\d+ms\)$/, 'no account name to show')
})

t.test('the EU region is named in the health line', async (t) => {
  const { op } = await setup(t, { region: 'EU' })
  t.match(await op.exec('health newrelic'), /^newrelic ok key valid for account 1234567 \(Account 1234567, EU\)/)
})

t.test('status counts open issues: ok with none, DEGRADED while any is open, DOWN when New Relic cannot be asked', async (t) => {
  const { fake, op } = await setup(t)
  t.match(await op.statusLine('newrelic'), /^newrelic ok 0 open issues$/)
  fake.seedIssues([open(1, 'HIGH')])
  t.match(await op.statusLine('newrelic'), /^newrelic DEGRADED 1 open issue$/)
  fake.seedIssues([open(1, 'CRITICAL'), open(2, 'LOW'), open(3, 'CRITICAL')])
  t.match(await op.statusLine('newrelic'), /^newrelic DEGRADED 3 open issues \(2 critical\)$/)
  fake.seedIssues(Array.from({ length: 30 }, (_, i) => open(i + 1, 'MEDIUM')))
  t.match(await op.statusLine('newrelic'), /^newrelic DEGRADED 25\+ open issues$/)
  fake.fault('/graphql', { status: 401, body: { errors: [{ message: 'Bad API Key or no API Key provided' }] } })
  t.match(await op.statusLine('newrelic'), /^newrelic DOWN rejected the API key \(check NEW_RELIC_API_KEY: a user key, NRAK-\.\.\.\)$/)
  // At a glance the faulty system leads; its words never carry the key.
  const down = await op.exec('status')
  t.match(down, /^1 of 2 not ok: newrelic DOWN rejected the API key/)
  t.notMatch(down, API_KEY)
})
