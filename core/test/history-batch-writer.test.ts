// How batched writes behave when the store is down, refuses a row, or the daemon stops: bounded, counted, logged once.
import t from 'tap'
import { waitUntil } from '@operator/test-support'
import { BatchWriter } from '../src/store/batch-writer.js'
import { captureLog } from './fixtures/log.js'

/** A store the test switches on and off; it refuses rows equal to `poison` while up. */
function fakeStore () {
  const written: number[] = []
  const batches: number[][] = []
  const state = { up: true, poison: -1, pingThrows: false }
  return {
    written,
    batches,
    state,
    write: async (batch: number[]) => {
      if (!state.up) throw new Error('connect ECONNREFUSED 127.0.0.1:5432\nstack')
      if (batch.includes(state.poison)) throw new Error('value too long')
      batches.push([...batch])
      written.push(...batch)
    },
    ping: async () => { if (state.pingThrows) throw new Error('no'); return state.up }
  }
}

t.test('while the store is down rows wait in memory, oldest dropped past the bound; one warning, one line when it is back', async (t) => {
  const store = fakeStore()
  const { log, records } = captureLog()
  const w = new BatchWriter<number>({ what: 'history', write: store.write, ping: store.ping, log, maxPending: 5, maxBatch: 3, retryMinMs: 5, retryMaxMs: 20 })
  store.state.up = false
  for (let i = 0; i < 4; i++) w.add(i)
  await w.flush()
  t.equal(w.pending, 4, 'kept for later')
  for (let i = 4; i < 9; i++) w.add(i)
  t.equal(w.pending, 5, 'bounded')
  t.equal(w.dropped, 4, 'the oldest were dropped and counted')
  await new Promise((resolve) => setTimeout(resolve, 60))
  store.state.up = true
  await waitUntil(async () => w.pending === 0, { timeoutMs: 5000, what: 'the retry' })
  t.same(store.written, [4, 5, 6, 7, 8], 'the newest five, in order')
  t.same(store.batches.map((b) => b.length), [3, 2], 'in batches of at most maxBatch')
  const lines = records().map((r) => [r.level, r.msg])
  t.same(lines, [
    [40, 'history: the store is not taking writes; rows wait in memory and are written when it answers'],
    [40, 'history: too many rows waiting for the store; dropping the oldest'],
    [30, 'history: the store takes writes again']
  ], 'one warning per kind, however many retries')
  t.match(records()[0], { err: 'connect ECONNREFUSED 127.0.0.1:5432' })
  t.match(records()[2], { dropped: 4 })
  t.same({ written: w.written, dropped: w.dropped }, { written: 5, dropped: 4 })
})

t.test('a row the store refuses while it answers is dropped alone; the rest are written', async (t) => {
  const store = fakeStore()
  store.state.poison = 2
  const { log, records } = captureLog()
  const w = new BatchWriter<number>({ what: 'history', write: store.write, ping: store.ping, log })
  for (let i = 0; i < 5; i++) w.add(i)
  await w.flush()
  t.same(store.written, [0, 1, 3, 4])
  t.equal(w.dropped, 1)
  t.match(records(), [{ level: 40, refused: 1, err: 'value too long', msg: 'history: the store refused rows; they were dropped' }])
  w.add(7)
  await w.flush()
  t.same(store.written, [0, 1, 3, 4, 7], 'and writing goes on')
})

t.test('a store that answers the ping but then refuses everything is treated as down', async (t) => {
  const store = fakeStore()
  const { log } = captureLog()
  let pings = 0
  const w = new BatchWriter<number>({
    what: 'idempotency records', write: store.write, log, retryMinMs: 10_000,
    ping: async () => { pings++; return pings === 1 }
  })
  store.state.up = false
  w.add(1)
  w.add(2)
  await w.flush()
  t.equal(w.pending, 2, 'kept for the retry')
  t.equal(w.dropped, 0)
  await w.close()
})

t.test('without a ping, or with one that throws, a failed write means the store is down', async (t) => {
  for (const withPing of [false, true]) {
    const store = fakeStore()
    store.state.up = false
    store.state.pingThrows = true
    const { log } = captureLog()
    const w = new BatchWriter<number>({ what: 'history', write: store.write, log, ...(withPing ? { ping: store.ping } : {}) })
    w.add(1)
    await w.flush()
    t.equal(w.pending, 1)
    await w.close()
  }
})

t.test('close writes what is queued; with the store down it stops at the first failure and counts the loss', async (t) => {
  const store = fakeStore()
  const { log, records } = captureLog()
  const w = new BatchWriter<number>({ what: 'history', write: store.write, ping: store.ping, log, maxBatch: 2 })
  for (let i = 0; i < 5; i++) w.add(i)
  await w.close()
  t.same(store.written, [0, 1, 2, 3, 4], 'everything written before stopping')

  const down = fakeStore()
  down.state.up = false
  const w2 = new BatchWriter<number>({ what: 'history', write: down.write, ping: down.ping, log, maxBatch: 2, retryMinMs: 10_000 })
  for (let i = 0; i < 5; i++) w2.add(i)
  await w2.flush()
  await w2.close()
  t.equal(w2.pending, 0)
  t.equal(w2.dropped, 5)
  t.match(records().at(-1), { level: 40, lost: 5, msg: 'history: the store is not taking writes; rows not written before stopping are lost' })
})

t.test('close waits for a write in progress', async (t) => {
  let release: () => void = () => {}
  const written: number[] = []
  const { log } = captureLog()
  const w = new BatchWriter<number>({
    what: 'history', log, write: async (b) => { await new Promise<void>((resolve) => { release = resolve }); written.push(...b) }
  })
  w.add(1)
  await new Promise((resolve) => setImmediate(resolve))
  w.add(2)
  const closing = w.close()
  release()
  await new Promise((resolve) => setImmediate(resolve))
  release()
  await closing
  t.same(written, [1, 2])
})
