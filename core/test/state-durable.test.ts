// Restart-safe hot state with no Redis: idempotency answers and `more` pages in the durable store, memory in front.
import t from 'tap'
import { clock, makePlace, pgSkip } from './fixtures/store-engines.js'
import { RestartSafeIdempotencyStore, RestartSafePageStore, restartSafeState } from '../src/state/durable.js'
import { CLAIMED, PENDING, type IdempotencyClaim } from '../src/state/idempotency.js'
import type { DurableIdempotencyStore, DurablePageStore } from '../src/store/types.js'
import { captureLog } from './fixtures/log.js'

const isThenable = (v: unknown): boolean => typeof (v as { then?: unknown } | null)?.then === 'function'

for (const engine of ['sqlite', 'postgres'] as const) {
  t.test(`${engine}: an answer recorded before a restart is found after it`, { skip: engine === 'postgres' ? await pgSkip() : false }, async (t) => {
    const place = await makePlace(engine)
    t.teardown(place.remove)
    const time = clock()
    const store = await place.open(time.now)
    t.teardown(async () => { await store.close() })
    await store.migrate()
    const { log } = captureLog()
    const before = new RestartSafeIdempotencyStore(store.idempotency, store.writes, log, { lookupMs: 2000 })
    const claim = before.claim('SM1', 3000)
    t.equal(isThenable(claim), engine === 'postgres', engine === 'sqlite' ? 'a new MessageSid is claimed in the same tick' : 'awaited on PostgreSQL')
    t.same(await claim, CLAIMED)
    t.same(await before.claim('SM1', 3000), PENDING, 'a retry while it runs')
    before.renew('SM1', 3000)
    before.complete('SM1', '<answer/>', 86_400_000)
    t.same(before.claim('SM1', 3000), { state: 'done', answer: '<answer/>' }, 'answered from memory at once')
    await before.close()

    // A restart: a new process, nothing in memory.
    const after = new RestartSafeIdempotencyStore(store.idempotency, store.writes, log, { lookupMs: 2000 })
    t.same(await after.claim('SM1', 3000), { state: 'done', answer: '<answer/>' }, 'the retry after the restart gets the recorded answer')
    t.same(await after.peek('SM1'), { state: 'done', answer: '<answer/>' })
    t.equal(await after.peek('SM2'), undefined)
    await store.idempotency.claim('SMother', 3000, 'another-process')
    t.equal(await after.peek('SMother'), undefined, 'a claim by another process is not an answer')
    t.same(await after.claim('SMother', 3000), CLAIMED)
    t.same(after.peek('SMother'), PENDING)
    await after.flush()
    await after.close()
  })
}

const noWrites = { completeMany: async () => {} }

function failingIdempotency (peekNow: DurableIdempotencyStore['peekNow']): Pick<DurableIdempotencyStore, 'peekNow' | 'liveForMs'> & { calls: number } {
  const fake = {
    calls: 0,
    peekNow (key: string) { fake.calls++; return peekNow(key) },
    liveForMs: async () => 0,
  }
  return fake
}

t.test('a store that fails or does not answer a lookup leaves the message unprotected, and is skipped for a while', async (t) => {
  const { log, records } = captureLog('debug')
  const throwing = failingIdempotency(() => { throw new Error('the store is closed') })
  const a = new RestartSafeIdempotencyStore(throwing, noWrites, log, { lookupMs: 50 })
  t.same(a.claim('SM1', 1000), CLAIMED, 'claimed in memory, at once')
  t.same(a.claim('SM2', 1000), CLAIMED)
  t.equal(throwing.calls, 1, 'the second message did not ask the failed store')
  t.match(records().at(-1), { err: 'the store is closed', msg: 'idempotency: the store did not answer; new messages skip it for a while' })

  const hanging = failingIdempotency(async () => await new Promise<IdempotencyClaim | undefined>(() => {}))
  hanging.liveForMs = async () => { throw new Error('no answer') }
  const b = new RestartSafeIdempotencyStore(hanging, noWrites, log, { lookupMs: 20 })
  t.same(await b.claim('SM1', 1000), CLAIMED, 'given up after lookupMs')
  t.match(records().at(-1), { err: 'no answer from the store within 20 ms' })
  t.same(b.claim('SM2', 1000), CLAIMED)
  t.equal(hanging.calls, 1)

  const rejecting = failingIdempotency(async () => { throw new Error('connection terminated') })
  const c = new RestartSafeIdempotencyStore(rejecting, noWrites, log, { lookupMs: 1000 })
  t.equal(await c.peek('SM1'), undefined)
})

function pageStore (impl: Partial<DurablePageStore>): DurablePageStore {
  return { save: async () => {}, next: async () => undefined, prune: async () => 0, ...impl }
}

t.test('pages: kept in memory when the store will not take them, and "unavailable" rather than "nothing more" when it cannot say', async (t) => {
  const { log } = captureLog()
  const hang = async (): Promise<never> => await new Promise<never>(() => {})
  const down = new RestartSafePageStore(pageStore({ save: hang, next: async () => { throw new Error('down') } }), log, { timeoutMs: 20 })
  await down.save('k', ['two', 'three'], 60_000)
  t.equal(await down.next('k'), 'two', 'from memory')
  t.equal(await down.next('k'), 'three')
  await t.rejects(down.next('k'), { code: 'OPR_ERR_PAGES_UNAVAILABLE' }, 'nothing here and the store cannot be asked')

  const saved: string[][] = []
  const up = new RestartSafePageStore(pageStore({ save: async (_k, p) => { saved.push([...p]) }, next: async () => undefined }), log, { timeoutMs: 1000 })
  await up.save('k', ['two'], 60_000)
  t.same(saved, [['two']])
  t.equal(await up.next('k'), undefined, 'none left anywhere')
})

t.test('restartSafeState closes its writes and the state under it', async (t) => {
  const place = await makePlace('sqlite')
  t.teardown(place.remove)
  const store = await place.open()
  t.teardown(async () => { await store.close() })
  await store.migrate()
  let closed = false
  const state = restartSafeState({ pages: null as never, idempotency: null as never, choices: null as never, shared: undefined, close: async () => { closed = true } }, store, captureLog().log, { timeoutMs: 300 })
  state.idempotency.complete('SMx', '<a/>', 60_000)
  await state.pages.save('k', ['p2'], 60_000)
  await state.close()
  t.ok(closed)
  t.same(await store.idempotency.peek('SMx'), { state: 'done', answer: '<a/>' }, 'written before closing')
  t.equal(await store.pages.next('k'), 'p2')

  // Answers the store refuses while it answers are dropped alone (the ping says it is up).
  const { log, records } = captureLog()
  const refusing = { ...store, check: async () => await store.check(), writes: { ...store.writes, completeMany: async () => { throw new Error('disk I/O error') } } }
  const refused = restartSafeState({ pages: null as never, idempotency: null as never, choices: null as never, shared: undefined, close: async () => {} }, refusing, log, { timeoutMs: 300 })
  refused.idempotency.complete('SMy', '<b/>', 60_000)
  await refused.close()
  t.match(records(), [{ msg: 'idempotency records: the store refused rows; they were dropped', err: 'disk I/O error' }])
})

t.test('once the store holds no answer given before this process, new MessageSids are claimed without a lookup', async (t) => {
  const { log, records } = captureLog('debug')
  const counting = (liveMs: number) => {
    const fake = { calls: 0, peekNow: () => { fake.calls++; return undefined }, liveForMs: async () => liveMs }
    return fake
  }
  const fresh = counting(0)
  const a = new RestartSafeIdempotencyStore(fresh, noWrites, log, { lookupMs: 100 })
  t.same(a.claim('SM0', 1000), CLAIMED, 'looked up while the store has not said yet')
  await new Promise((resolve) => setImmediate(resolve))
  t.same(a.claim('SM1', 1000), CLAIMED)
  t.same(a.peek('SM2'), undefined)
  t.equal(fresh.calls, 1, 'a store with no live answers is not asked again')

  const recent = counting(60_000)
  const b = new RestartSafeIdempotencyStore(recent, noWrites, log, { lookupMs: 100 })
  await new Promise((resolve) => setImmediate(resolve))
  b.claim('SM1', 1000)
  b.claim('SM2', 1000)
  t.equal(recent.calls, 2, 'answers from before the restart still live: every new MessageSid is looked up')

  const failing = { calls: 0, peekNow: () => undefined, liveForMs: async () => { throw new Error('relation "idempotency" does not exist') } }
  const c = new RestartSafeIdempotencyStore(failing, noWrites, log, { lookupMs: 100 })
  await new Promise((resolve) => setImmediate(resolve))
  t.same(c.claim('SM1', 1000), CLAIMED)
  t.match(records().at(-1), { msg: 'idempotency: could not read when recorded answers lapse; every new message is looked up' })
})
