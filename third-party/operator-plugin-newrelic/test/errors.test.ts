import t from 'tap'
import { freePort, NERDGRAPH_CONCURRENCY_LIMIT } from '@operator/test-support'
import { API_KEY, appNrql, setup } from './fixtures/setup.js'

t.test('GraphQL errors that arrive with HTTP 200 are one line with NerdGraph\'s reason', async (t) => {
  const { fake, op } = await setup(t, {}, (f) => {
    f.failNrql(appNrql('checkout'), 'NRQL Syntax Error: Error at line 1 position 8,\n  unexpected token')
    f.failNrql('SELECT bogus', `NRQL Syntax Error: ${'x'.repeat(300)}`)
  })
  t.equal(await op.exec('newrelic checkout'), 'newrelic: NRQL Syntax Error: Error at line 1 position 8, unexpected token')
  const long = await op.exec('metrics newrelic SELECT bogus')
  t.match(long, /^metrics: newrelic: NRQL Syntax Error: x+\.\.\.$/)
  t.ok(long.length < 150, 'a long reason is cut short')
  fake.fault('/graphql', { status: 200, body: { errors: [{ message: 'first' }, { message: 'second' }], data: null } }, { times: 1 })
  t.equal(await op.exec('newrelic checkout'), 'newrelic: first (+1 more)')
  fake.fault('/graphql', { status: 200, body: { errors: [{ extensions: {} }] } }, { times: 1 })
  t.equal(await op.exec('newrelic checkout'), 'newrelic: query failed')
})

t.test('an account the key cannot reach is NerdGraph\'s own error', async (t) => {
  const { op } = await setup(t, { accountId: 999 })
  t.equal(await op.exec('newrelic checkout'), 'newrelic: Account 999 not found or not authorized')
})

t.test('401 and 403 say which setting to check, and never show the key', async (t) => {
  const { op } = await setup(t, { apiKey: 'NRAK-NOT-THE-RIGHT-KEY' })
  const reply = await op.exec('newrelic checkout')
  t.equal(reply, 'newrelic: rejected the API key (check NEW_RELIC_API_KEY: a user key, NRAK-...)')
  t.equal(await op.exec('metrics newrelic SELECT 1'), 'metrics: newrelic rejected the API key (check NEW_RELIC_API_KEY: a user key, NRAK-...)')
  const forbidden = await setup(t)
  forbidden.fake.fault('/graphql', { status: 403, body: { errors: [{ message: 'Forbidden' }] } })
  t.equal(await forbidden.op.exec('newrelic issues'), 'newrelic: refused access with this API key (HTTP 403): check the key\'s account and role')
  for (const r of [reply]) t.notMatch(r, API_KEY)
})

t.test(`beyond ${NERDGRAPH_CONCURRENCY_LIMIT} requests in flight for the user, NerdGraph's 429 is one line`, async (t) => {
  const { fake, op } = await setup(t)
  const release = fake.hold()
  // Another client of the same user key holds every slot.
  const others = Array.from({ length: NERDGRAPH_CONCURRENCY_LIMIT }, () => fetch(`${fake.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'API-Key': API_KEY },
    body: JSON.stringify({ query: '{ actor { user { id } } }' })
  }))
  while (fake.inFlight < NERDGRAPH_CONCURRENCY_LIMIT) await new Promise((resolve) => setTimeout(resolve, 5))
  t.equal(await op.exec('newrelic checkout'), 'newrelic: too many requests at once (NerdGraph allows 25 per user), retry shortly')
  release()
  await Promise.all(others)
  t.equal(await op.exec('newrelic checkout'), 'No transactions for checkout in the last 5m (check the app name).', 'fine again')
})

t.test('server errors, other statuses, non-JSON and unexpected shapes', async (t) => {
  const { fake, op } = await setup(t)
  fake.fault('/graphql', { status: 502, body: 'Bad Gateway' }, { times: 1 })
  t.equal(await op.exec('newrelic checkout'), 'newrelic: server error (HTTP 502)')
  fake.fault('/graphql', { status: 418, body: 'no' }, { times: 1 })
  t.equal(await op.exec('newrelic checkout'), 'newrelic: answered HTTP 418')
  fake.fault('/graphql', 'malformed-json', { times: 1 })
  t.match(await op.exec('newrelic checkout'), /^newrelic: .*non-JSON/)
  const shapes: Array<[string, unknown, string]> = [
    ['newrelic checkout', 'null', 'newrelic: sent an unexpected GraphQL answer'],
    ['newrelic checkout', { data: null }, 'newrelic: sent an unexpected GraphQL answer'],
    ['newrelic checkout', { data: { actor: { account: { nrql: null } } } }, 'newrelic: sent an unexpected NRQL answer'],
    ['newrelic issues', { data: { actor: { account: { aiIssues: { issues: null } } } } }, 'newrelic: sent an unexpected issues answer'],
    ['newrelic issues', { data: { actor: { account: { aiIssues: { issues: { issues: 'x' } } } } } }, 'newrelic: sent an unexpected issues answer'],
    ['health newrelic', { data: { actor: { account: null } } }, 'newrelic DOWN sent an unexpected account answer']
  ]
  for (const [command, body, reply] of shapes) {
    fake.fault('/graphql', { status: 200, body: body as object, headers: { 'content-type': 'application/json' } }, { times: 1 })
    t.match(await op.exec(command), command.startsWith('health') ? new RegExp(`^${reply} \\(\\d+ms\\)$`) : reply, JSON.stringify(body))
  }
  fake.fault('/graphql', { status: 200, body: { data: { actor: { account: { nrql: { results: [null, 1, [2], { count: 2 }] } } } } } }, { times: 1 })
  t.equal(await op.exec('metrics newrelic SELECT count(*) FROM X'), 'count 2', 'rows that are not objects are skipped')
  fake.fault('/graphql', { status: 200, body: { data: { actor: { account: { aiIssues: { issues: { issues: [null, { issueId: 1 }, { issueId: 'a', title: ['t'], priority: 'HIGH', state: 'ACTIVATED' }], nextCursor: '' } } } } } } }, { times: 1 })
  t.equal(await op.exec('newrelic issues'), '1 open issue:\nHIGH t', 'malformed issues are skipped')
})

t.test('a NerdGraph that never answers fails after timeoutMs; one that is not there is unreachable', async (t) => {
  const { fake, op } = await setup(t, { timeoutMs: 300 })
  fake.fault('/graphql', 'hang')
  t.equal(await op.exec('newrelic checkout'), 'newrelic: timed out after 300ms')
  t.match(await op.exec('health newrelic'), /^newrelic DOWN timed out after 300ms \(\d+ms\)$/)
  const port = await freePort()
  const gone = await setup(t, { url: `http://127.0.0.1:${port}` })
  t.equal(await gone.op.exec('newrelic checkout'), 'newrelic: unreachable (connection refused)')
})

t.test('the command\'s deadline ends the wait for a NerdGraph that holds the request', async (t) => {
  const { fake, op } = await setup(t, { timeoutMs: 10_000 }, undefined, { COMMAND_DEADLINE_MS: '1000' })
  const release = fake.hold()
  const reply = op.exec('newrelic checkout')
  while (fake.inFlight < 1) await new Promise((resolve) => setTimeout(resolve, 5))
  t.equal(await reply, 'newrelic timed out after 1s.', 'the daemon answers at the deadline, not after timeoutMs')
  release()
})
