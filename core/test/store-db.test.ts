import t, { type Test } from 'tap'
import { compile, join, raw, sql } from '../src/store/sql.js'
import { makePlace, pgSkip } from './fixtures/store-engines.js'
import { openStore } from '../src/store/open.js'
import { quietLog } from './fixtures/store-engines.js'
import { SqliteDb } from '../src/store/db.js'
import BetterSqlite3 from 'better-sqlite3'
import type { StoreEngine } from '../src/store/types.js'

t.test('one statement text, each dialect\'s placeholders; values never enter the text', async (t) => {
  const where = join([sql`number = ${'+1555'}`, sql`time >= ${5}`], ' and ')
  const q = sql`select * from messages where ${where} and text like ${"x'; drop table messages; --"} limit ${raw('20')}`
  t.same(compile(q, 'sqlite'), { text: 'select * from messages where number = ? and time >= ? and text like ? limit 20', params: ['+1555', 5, "x'; drop table messages; --"] })
  t.same(compile(q, 'postgres').text, 'select * from messages where number = $1 and time >= $2 and text like $3 limit 20')
  t.same(compile(join([], ', '), 'postgres'), { text: '', params: [] })
})

async function transactions (t: Test, engine: StoreEngine): Promise<void> {
  const place = await makePlace(engine)
  t.teardown(place.remove)
  const store = await place.open()
  t.teardown(async () => { await store.close() })
  await store.migrate()
  // More than one statement's worth: a transaction; a bad row in the last chunk rolls back the whole batch.
  const good = { direction: 'in' as const, channel: 'sms', number: '+15550000001', outcome: 'answered' as const }
  const batch = [...Array.from({ length: 2500 }, () => good), { ...good, direction: 'sideways' as 'in' }]
  await t.rejects(store.messages.insert(batch))
  t.same((await store.messages.query()).items, [], 'nothing of the failed batch was kept')
  t.equal((await store.messages.insert([good])).length, 1, 'the store works on after a rollback')
}

t.test('sqlite: a failed batch is rolled back whole', async (t) => { await transactions(t, 'sqlite') })
t.test('postgres: a failed batch is rolled back whole', { skip: await pgSkip() }, async (t) => { await transactions(t, 'postgres') })

t.test('sqlite: a closed store refuses work; many statement texts stay within the cache', async (t) => {
  const db = new SqliteDb(new BetterSqlite3(':memory:'))
  for (let i = 0; i < 150; i++) t.same(await db.all(sql`select ${i} as n, ${raw(String(i))} as m`), [{ n: i, m: i }])
  await t.rejects(db.transaction(async (tx) => await tx.transaction(async () => 1)), /nested/)
  t.same(await db.all(sql`select 1 as ok`), [{ ok: 1 }], 'usable after a failed transaction')
  await db.close()
  await db.close()
  await t.rejects(db.all(sql`select 1`), /closed/)
  const store = await openStore({ engine: 'sqlite', dataDir: t.testdir(), databaseUrl: '' }, quietLog)
  await store.close()
  t.equal((await store.check()).status, 'down')
})
