import t from 'tap'
import { runCases } from './fixtures/store-cases.js'
import { pgSkip } from './fixtures/store-engines.js'

// The same cases on both real engines (fixtures/store-cases.ts).
t.test('sqlite', async (t) => { await runCases(t, 'sqlite') })

t.test('postgres', { skip: await pgSkip() }, async (t) => { await runCases(t, 'postgres') })
