import t from 'tap'
import { runCases } from './fixtures/store-cases.js'
import { postgresUp } from './fixtures/store-engines.js'

// The same cases on both real engines (fixtures/store-cases.ts).
t.test('sqlite', async (t) => { await runCases(t, 'sqlite') })

t.test('postgres', async (t) => {
  if (!(await postgresUp()) && process.env.CI !== 'true') {
    t.skip('PostgreSQL is not answering at 127.0.0.1:5432 (user postgres, database test)')
    return
  }
  await runCases(t, 'postgres')
})
