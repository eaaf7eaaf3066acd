import t from 'tap'
import { createTestOperator } from '@operator/core/testing'
import { API_KEY, setup } from './fixtures/setup.js'

const QUERIES = {
  signups: 'SELECT count(*) FROM Signup FACET plan SINCE 1 day ago',
  errors: 'SELECT count(*) FROM TransactionError TIMESERIES 5 minutes SINCE 15 minutes ago'
}

t.test('newrelic q runs only the named NRQL queries from the config', async (t) => {
  const { fake, op } = await setup(t, { queries: QUERIES }, (f) => {
    f.seedNrql(QUERIES.signups, [{ facet: 'pro', plan: 'pro', count: 1520 }, { facet: 'free', plan: 'free', count: 98765 }])
    f.seedNrql(QUERIES.errors, [
      { beginTimeSeconds: 1, endTimeSeconds: 2, count: 4 },
      { beginTimeSeconds: 2, endTimeSeconds: 3, count: 9 },
      { beginTimeSeconds: 3, endTimeSeconds: 4, count: 12 }
    ])
  })
  t.equal(await op.exec('newrelic q'), [
    'Named queries (newrelic q <name>):',
    'errors: SELECT count(*) FROM TransactionError TIMESERIES 5 minute...',
    'signups: SELECT count(*) FROM Signup FACET plan SINCE 1 day ago'
  ].join('\n'))
  t.equal(await op.exec('newrelic q signups'), 'signups:\npro: count 1.52k\nfree: count 98.8k')
  t.equal(await op.exec('newrelic q ERRORS'), 'errors:\nlast of 3 buckets: count 12')
  t.equal(await op.exec('newrelic q nope'), "No NRQL query named 'nope'. Named: errors, signups.")
  t.equal(await op.exec('newrelic q SELECT count(*) FROM Transaction'),
    'newrelic q runs a named query from the config: newrelic q <name>. For NRQL text metrics newrelic <NRQL>.')
  t.same(fake.nrqlCalls.map((c) => [c.nrql, c.viaVariable]), [[QUERIES.signups, true], [QUERIES.errors, true]])
})

t.test('with no named queries configured, q says how to add them', async (t) => {
  const { op } = await setup(t)
  t.equal(await op.exec('newrelic q'), 'No named NRQL queries: add them under "queries" in the newrelic plugin config.')
  t.equal(await op.exec('newrelic q any'), "No NRQL query named 'any'. None are configured.")
})

t.test('metrics newrelic <NRQL> is a source of the shared metrics capability', async (t) => {
  const nrql = 'SELECT count(*) FROM Transaction'
  const { fake, op } = await setup(t, { queries: QUERIES }, (f) => {
    f.seedNrql(nrql, [{ count: 52341 }])
    f.seedNrql(QUERIES.signups, [{ facet: ['pro', 'eu'], count: 3 }])
    f.seedNrql('SELECT * FROM Deployment LIMIT 2', [
      { timestamp: 1, revision: 'abc123', user: 'ana', rollback: false, meta: { a: 1, b: 2 } },
      { timestamp: 2, revision: null, user: 'bo', rollback: true }
    ])
  })
  t.equal(await op.exec(`metrics newrelic ${nrql}`), 'count 52.3k')
  t.equal(await op.exec(`metrics ${nrql}`), 'count 52.3k', 'the only metrics source answers without being named')
  t.equal(await op.exec('metrics newrelic signups'), 'signups:\npro / eu: count 3')
  t.equal(await op.exec('metrics newrelic SELECT * FROM Deployment LIMIT 2'),
    'revision abc123, user ana, rollback false, meta {"a":1,"b":2}\nrevision -, user bo, rollback true')
  t.equal(await op.exec('metrics newrelic FROM Nothing SELECT count(*)'), 'No results for FROM Nothing SELECT count(*).')
  t.equal(await op.exec('metrics newrelic count of things'), 'NRQL starts with SELECT or FROM, e.g. metrics newrelic SELECT count(*) FROM Transaction.')
  t.match(await op.exec('metrics newrelic'), /^Named queries \(newrelic q <name>\):/)
  t.ok(fake.nrqlCalls.every((c) => c.viaVariable))
})

t.test('named queries come from the config file, not the environment', async (t) => {
  const op = await createTestOperator({
    plugins: [{ plugin: (await import('../src/index.js')).default, config: { url: 'http://127.0.0.1:9' } }],
    env: { NEW_RELIC_API_KEY: API_KEY, NEW_RELIC_ACCOUNT_ID: '42', NEW_RELIC_QUERIES: '{"x":"SELECT 1"}' }
  })
  t.teardown(() => op.close())
  t.equal(await op.exec('newrelic q'), 'No named NRQL queries: add them under "queries" in the newrelic plugin config.')
})
