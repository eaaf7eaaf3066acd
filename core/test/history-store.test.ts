// The durable pieces behind history and restart-safe state, on both real engines: batched history writes, pages for
// `more`, batched idempotency answers, retention.
import t, { type Test } from 'tap'
import { clock, makePlace, pgSkip } from './fixtures/store-engines.js'
import { HistoryWriter, NO_HISTORY } from '../src/history/writer.js'
import { RetentionPruner } from '../src/history/retention.js'
import { captureLog } from './fixtures/log.js'
import type { NewMessage, StoreEngine } from '../src/store/types.js'

const DAY = 86_400_000

async function opened (t: Test, engine: StoreEngine, now?: () => number) {
  const place = await makePlace(engine)
  t.teardown(place.remove)
  const store = await place.open(now)
  t.teardown(async () => { await store.close() })
  await store.migrate()
  return store
}

const message = (i: number, extra: Partial<NewMessage> = {}): NewMessage =>
  ({ direction: 'in', channel: 'sms', number: '+15550000001', text: `message ${i}`, outcome: 'answered', ...extra })

for (const engine of ['sqlite', 'postgres'] as const) {
  t.test(engine, { skip: engine === 'postgres' ? await pgSkip() : false }, async (t) => {
    t.test('messages recorded in one tick are written in one batch, stamped when recorded', async (t) => {
      const time = clock()
      const store = await opened(t, engine, time.now)
      const inserts: number[] = []
      const insert = store.writes.insertMessages.bind(store.writes)
      const counting = { ...store, check: async () => await store.check(), writes: { ...store.writes, insertMessages: async (b: readonly NewMessage[]) => { inserts.push(b.length); await insert(b) } } }
      const { log } = captureLog()
      const history = new HistoryWriter({ store: counting, log, now: time.now })
      for (let i = 0; i < 500; i++) history.record(message(i))
      time.advance(60_000)
      history.record(message(500, { time: 1234 }))
      t.equal(history.stats.pending, 501, 'nothing written while the caller runs')
      await history.flush()
      t.same(inserts, [501], 'one insert for everything recorded in the same tick')
      const page = await store.messages.query({ limit: 1000 })
      t.equal(page.items.length, 501)
      t.equal(page.items[0]!.time, time.now() - 60_000, 'the time it was recorded, not written')
      t.equal(page.items[page.items.length - 1]!.time, 1234, 'a given time is kept')
      t.same(history.stats, { pending: 0, dropped: 0, written: 501 })
      await history.close()
      history.record(message(999))
      t.equal(history.stats.pending, 0, 'nothing is taken after close')
    })

    t.test('pages for `more`: saved, taken in order once each, replaced, expired and pruned', async (t) => {
      const time = clock()
      const store = await opened(t, engine, time.now)
      await store.pages.save('sms:+1', ['two', 'three'], 60_000)
      t.equal(await store.pages.next('sms:+1'), 'two')
      await store.pages.save('sms:+1', ['new two', 'new three', 'new four'], 60_000)
      t.equal(await store.pages.next('sms:+1'), 'new two', 'a new reply replaces the rest of the old one')
      t.same(await Promise.all([store.pages.next('sms:+1'), store.pages.next('sms:+1')]).then((p) => p.sort()), ['new four', 'new three'],
        'two `more`s at once never get the same page')
      t.equal(await store.pages.next('sms:+1'), undefined, 'none left')
      await store.pages.save('sms:+2', ['a', 'b'], 60_000)
      await store.pages.save('sms:+3', [], 60_000)
      t.equal(await store.pages.next('sms:+3'), undefined)
      time.advance(60_001)
      t.equal(await store.pages.next('sms:+2'), undefined, 'expired pages are not sent')
      t.equal(await store.pages.prune(), 2, 'and pruned')
    })

    t.test('idempotency answers in one statement, the last answer for a key winning; peekNow finds them', async (t) => {
      const time = clock()
      const store = await opened(t, engine, time.now)
      await store.idempotency.completeMany([])
      await store.idempotency.completeMany([
        { key: 'SMa', answer: 'first', ttlMs: 1000 }, { key: 'SMb', answer: 'b', ttlMs: 1000 }, { key: 'SMa', answer: 'second', ttlMs: 5000 }
      ])
      t.same(await store.idempotency.peekNow('SMa'), { state: 'done', answer: 'second' })
      t.same(await store.idempotency.peekNow('SMb'), { state: 'done', answer: 'b' })
      t.equal(await store.idempotency.liveForMs(), 5000, 'how long until the last live answer lapses')
      t.equal(await store.idempotency.peekNow('SMc'), undefined)
      const now = store.idempotency.peekNow('SMa')
      t.equal(typeof (now as { then?: unknown }).then === 'function', engine === 'postgres', engine === 'sqlite' ? 'answered in the same tick on SQLite' : 'awaited on PostgreSQL')
      await store.idempotency.claim('SMp', 1000, 'me')
      t.same(await store.idempotency.peekNow('SMp'), { state: 'pending' })
      time.advance(2000)
      t.equal(await store.idempotency.peekNow('SMb'), undefined, 'lapsed')
      time.advance(3000)
      t.equal(await store.idempotency.liveForMs(), 0, 'none live')
      const many = Array.from({ length: 2500 }, (_, i) => ({ key: `SMmany${i}`, answer: `answer ${i}`, ttlMs: 1000 }))
      await store.idempotency.completeMany(many)
      t.same(await store.idempotency.peek('SMmany2499'), { state: 'done', answer: 'answer 2499' }, 'more than one statement\'s worth')
    })

    t.test('a NUL in a message is kept as U+FFFD on PostgreSQL, as is on SQLite, and never fails the batch', async (t) => {
      const store = await opened(t, engine)
      await store.messages.insert([message(1, { text: 'a\u0000b' }), message(2)])
      const texts = (await store.messages.query()).items.map((r) => r.text)
      t.same(texts.sort(), [engine === 'postgres' ? 'a\uFFFDb' : 'a\u0000b', 'message 2'])
    })

    t.test('retention: history past HISTORY_RETENTION_DAYS, lapsed answers and pages go; 0 keeps history', async (t) => {
      const time = clock()
      const store = await opened(t, engine, time.now)
      await store.messages.insert([message(1, { time: time.now() - 91 * DAY }), message(2, { time: time.now() - 89 * DAY })])
      await store.idempotency.completeMany([{ key: 'SMold', answer: 'x', ttlMs: 1 }, { key: 'SMnew', answer: 'y', ttlMs: DAY }])
      await store.pages.save('sms:+1', ['p'], 1)
      time.advance(10)
      const { log, records } = captureLog()
      t.same(await new RetentionPruner({ store, days: 0, log }).pruneOnce(), { messages: 0, idempotency: 1, pages: 1 })
      t.same(await new RetentionPruner({ store, days: 90, log }).pruneOnce(), { messages: 1, idempotency: 0, pages: 0 })
      t.same(await new RetentionPruner({ store, days: 90, log }).pruneOnce(), { messages: 0, idempotency: 0, pages: 0 }, 'idempotent')
      t.same((await store.messages.query()).items.map((r) => r.text), ['message 2'])
      t.match(records().filter((r) => r.msg === 'store: pruned'), [{ idempotency: 1, pages: 1, retentionDays: 0 }, { messages: 1, retentionDays: 90 }])
    })
  })
}

t.test('a message the store refuses while it answers is dropped with a warning; the others are kept', async (t) => {
  const written: string[] = []
  const store = {
    check: async () => ({ engine: 'sqlite' as const, status: 'ok' as const, latencyMs: 1, pending: [], location: 'x' }),
    writes: { insertMessages: async (rows: readonly NewMessage[]) => { if (rows.some((r) => r.text === 'bad')) throw new Error('too big'); written.push(...rows.map((r) => r.text!)) } }
  }
  const { log, records } = captureLog()
  const history = new HistoryWriter({ store: store as never, log })
  history.record(message(1))
  history.record(message(2, { text: 'bad' }))
  await history.flush()
  t.same(written, ['message 1'])
  t.match(history.stats, { dropped: 1, written: 1 })
  t.match(records(), [{ msg: 'history: the store refused rows; they were dropped', err: 'too big' }])
})

t.test('with no store, history takes nothing and closes at once', async (t) => {
  NO_HISTORY.record({ direction: 'in', channel: 'sms', number: '+1', outcome: 'answered' })
  await NO_HISTORY.flush()
  await NO_HISTORY.close()
  t.pass()
})

t.test('the pruner runs in the background on an unref\'d timer, again after a failure, and stops', async (t) => {
  let runs = 0
  const store = {
    writes: {
      pruneMessages: async () => { runs++; if (runs === 1) throw new Error('database is locked\nmore'); return 3 },
      pruneIdempotency: async () => 0,
      prunePages: async () => 0
    }
  }
  const { log, records } = captureLog()
  const pruner = new RetentionPruner({ store: store as never, days: 30, log, firstAfterMs: 1, everyMs: 5 })
  pruner.start()
  await new Promise((resolve) => setTimeout(resolve, 200))
  await pruner.stop()
  const after = runs
  t.ok(after >= 2, 'ran more than once')
  t.match(records().find((r) => r.level === 40), { err: 'database is locked', msg: 'store: prune failed; it runs again later' })
  t.match(records().find((r) => r.msg === 'store: pruned'), { messages: 3 })
  await new Promise((resolve) => setTimeout(resolve, 30))
  t.equal(runs, after, 'nothing after stop')
})
