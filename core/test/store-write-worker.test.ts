// SQLite's write worker: batches written on its own connection, one bad job failing alone, prunes, a worker that cannot
// start failing its writes (which the writers retry) and the next write trying again.
import t from 'tap'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { makePlace } from './fixtures/store-engines.js'
import { SqliteWriteWorker } from '../src/store/write-worker.js'
import type { NewMessage } from '../src/store/types.js'

const message = (i: number, extra: Partial<NewMessage> = {}): NewMessage =>
  ({ direction: 'in', channel: 'sms', number: '+15550000001', text: `message ${i}`, outcome: 'answered', ...extra })

t.test('writes, prunes and closes through the worker; a job the database refuses fails alone', async (t) => {
  const place = await makePlace('sqlite')
  t.teardown(place.remove)
  const store = await place.open()
  t.teardown(async () => { await store.close() })
  await store.migrate()
  t.type(store.writes, SqliteWriteWorker, 'the SQLite store writes in a worker')

  const now = Date.now()
  const jobs = await Promise.allSettled([
    store.writes.insertMessages([message(1), message(2, { time: now - 100 * 86_400_000 })]),
    store.writes.insertMessages([message(3, { direction: 'sideways' as 'in' })]),
    store.writes.completeMany([{ key: 'SMw', answer: '<a/>', ttlMs: 60_000 }, { key: 'SMold', answer: '<b/>', ttlMs: -1 }])
  ])
  t.same(jobs.map((j) => j.status), ['fulfilled', 'rejected', 'fulfilled'], 'sent in one tick, written together, the bad one refused alone')
  t.match((jobs[1] as PromiseRejectedResult).reason, { message: /CHECK constraint failed/ })
  t.same((await store.messages.query()).items.map((r) => r.text), ['message 1', 'message 2'], 'read back on the main connection')
  t.same(await store.idempotency.peek('SMw'), { state: 'done', answer: '<a/>' })

  await store.pages.save('k', ['p'], -1)
  t.equal(await store.writes.pruneMessages(90), 1)
  t.equal(await store.writes.pruneIdempotency(), 1)
  t.equal(await store.writes.prunePages(), 1)
  await t.rejects(store.writes.pruneMessages(-1), /retention days must be 0 or more/, 'a prune the worker refuses fails with its reason')
  const last = store.writes.insertMessages([message(5)])
  await store.writes.close()
  await last
  t.same((await store.messages.query({ text: 'message 5' })).items.length, 1, 'a write sent just before close is written')
  await store.writes.close()
  await t.rejects(store.writes.insertMessages([message(4)]), /the store is closed/, 'nothing after close')
})

t.test('a worker that cannot open the store fails the writes in flight, and the next write starts another', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'operator-worker-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const file = join(dir, 'not-a-directory')
  writeFileSync(file, 'x')
  const worker = new SqliteWriteWorker({ engine: 'sqlite', dataDir: file, databaseUrl: '' })
  await t.rejects(worker.insertMessages([message(1)]), /write worker (failed|exited)/)
  await t.rejects(worker.completeMany([{ key: 'k', answer: 'a', ttlMs: 1 }]), /write worker (failed|exited)/, 'tried again with a new worker')
  await worker.close()
})

t.test('closing a worker that never started is immediate', async (t) => {
  const worker = new SqliteWriteWorker({ engine: 'sqlite', dataDir: '/nonexistent', databaseUrl: '' })
  await worker.close()
  t.pass()
})
