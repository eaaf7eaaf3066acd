import t from 'tap'
import { ACCOUNT_ID, API_KEY, appNrql, setup } from './fixtures/setup.js'

t.test('newrelic <app> texts throughput, error rate and p95 from NRQL on Transaction', async (t) => {
  const { fake, op } = await setup(t, {}, (f) => f.seedNrql(appNrql('checkout'), [
    { count: 52341, throughput: 10468.2, errorPercent: 1.234, p95: { 95: 0.2345 } }
  ]))
  t.equal(await op.exec('newrelic checkout'), 'checkout, last 5m:\nthroughput 10.5k rpm\nerrors 1.23%\np95 235ms')
  t.equal(await op.exec('nr checkout'), 'checkout, last 5m:\nthroughput 10.5k rpm\nerrors 1.23%\np95 235ms', 'nr is an alias')
  t.same(fake.nrqlCalls, [
    { accountId: ACCOUNT_ID, nrql: appNrql('checkout'), viaVariable: true },
    { accountId: ACCOUNT_ID, nrql: appNrql('checkout'), viaVariable: true }
  ], 'the NRQL travelled as a GraphQL variable, never inside the query text')
  const [req] = fake.requestsTo('/graphql', 'POST')
  t.equal(req!.headers['api-key'], API_KEY)
  t.match(req!.headers['content-type'], /^application\/json/)
  const body = req!.json as { query: string; variables: Record<string, unknown> }
  t.notMatch(body.query, /Transaction/, 'the document carries no NRQL')
  t.same(body.variables, { accountId: ACCOUNT_ID, nrql: appNrql('checkout'), timeout: 7 })
})

t.test('the window is configurable; a name with spaces is one app', async (t) => {
  const { fake, op } = await setup(t, { windowMinutes: 30 }, (f) => f.seedNrql(appNrql('web store', 30), [
    { count: 10, throughput: 0.333, errorPercent: 0, 'percentile.duration': { 95: 1.5 } }
  ]))
  t.equal(await op.exec('newrelic web store'), 'web store, last 30m:\nthroughput 0.333 rpm\nerrors 0%\np95 1.5s')
  t.equal(fake.nrqlCalls.length, 1)
})

t.test('an app with no transactions says so, and a value NRQL left out prints as -', async (t) => {
  const { op } = await setup(t, {}, (f) => {
    f.seedNrql(appNrql('quiet'), [{ count: 3, throughput: 0.6, errorPercent: null, p95: null }])
  })
  t.equal(await op.exec('newrelic nosuchapp'), 'No transactions for nosuchapp in the last 5m (check the app name).')
  t.equal(await op.exec('newrelic quiet'), 'quiet, last 5m:\nthroughput 0.6 rpm\nerrors -\np95 -')
})

t.test('an app name that would need quoting inside NRQL is refused before anything is sent', async (t) => {
  const { fake, op } = await setup(t)
  for (const text of ["newrelic x' OR appName LIKE '%", 'newrelic a"b', 'newrelic a\\b']) {
    t.match(await op.exec(text), /^An app name is letters, digits, spaces/, text)
  }
  t.equal(await op.exec('newrelic'), 'Text newrelic <app>, newrelic issues or newrelic q <name>.')
  t.same(fake.requests, [])
})
