import t from 'tap'
import { MemoryIdempotencyStore } from '../src/state/idempotency.js'
import { MemoryPageStore } from '../src/state/pages.js'
import { stateSettings, createState } from '../src/state/select.js'
import { FallbackIdempotencyStore, FallbackPageStore } from '../src/state/fallback.js'
import { createRequire } from 'node:module'
import pino from 'pino'

const quiet = pino({ level: 'silent' })

t.test('the memory idempotency store claims once, reports pending, then the answer until it expires', async (t) => {
  let now = 1_000
  const store = new MemoryIdempotencyStore(100, () => now)
  t.same(await store.claim('SM1', 1000), { state: 'claimed' })
  t.same(await store.claim('SM1', 1000), { state: 'pending' })
  t.same(await store.peek('SM1'), { state: 'pending' })
  await store.complete('SM1', '<Response/>', 86_400_000)
  t.same(await store.claim('SM1', 1000), { state: 'done', answer: '<Response/>' })
  t.same(await store.peek('SM1'), { state: 'done', answer: '<Response/>' })
  t.equal(await store.peek('SM2'), undefined)
  now += 86_400_000
  t.equal(await store.peek('SM1'), undefined, 'gone after 24 h')
  t.same(await store.claim('SM1', 1000), { state: 'claimed' })
})

t.test('a pending claim whose run died expires, so a later retry can run', async (t) => {
  let now = 0
  const store = new MemoryIdempotencyStore(100, () => now)
  await store.claim('SM1', 120_000)
  now = 120_001
  t.same(await store.claim('SM1', 120_000), { state: 'claimed' })
})

t.test('a pending claim is a lease: renewed while its run goes on, it lapses once renewals stop', async (t) => {
  let now = 0
  const store = new MemoryIdempotencyStore(100, () => now)
  t.same(store.claim('SM1', 3000), { state: 'claimed' })
  for (let i = 0; i < 5; i++) {
    now += 2000
    store.renew('SM1', 3000)
    t.same(store.peek('SM1'), { state: 'pending' }, 'still held after its first lease would have lapsed')
  }
  now += 3001
  t.equal(store.peek('SM1'), undefined, 'lapsed: a retry may take it over')
  store.complete('SM2', '<a/>', 60_000)
  store.renew('SM2', 1)
  now += 10
  t.same(store.peek('SM2'), { state: 'done', answer: '<a/>' }, 'renewing an answer does not shorten it')
})

t.test('the memory idempotency store stays bounded, dropping the oldest first', async (t) => {
  const store = new MemoryIdempotencyStore(3)
  for (const k of ['a', 'b', 'c', 'd']) await store.complete(k, k, 60_000)
  t.equal(await store.peek('a'), undefined)
  t.same(await store.peek('d'), { state: 'done', answer: 'd' })
})

t.test('a full store keeps its bound under churn: claims and completions of many messages, the newest kept', async (t) => {
  let now = 0
  const store = new MemoryIdempotencyStore(1000, () => now)
  let claimed = 0
  for (let i = 0; i < 5000; i++) {
    now += 1
    if ((await store.claim(`SM${i}`, 120_000)).state === 'claimed') claimed++
    await store.complete(`SM${i}`, `answer ${i}`, 86_400_000)
  }
  t.equal(claimed, 5000, 'every new message is claimed once')
  t.equal(store.size, 1000, 'never more than maxKeys')
  t.same(await store.peek('SM4999'), { state: 'done', answer: 'answer 4999' })
  t.same(await store.peek('SM4000'), { state: 'done', answer: 'answer 4000' }, 'the newest thousand are all there')
  t.equal(await store.peek('SM3999'), undefined, 'older ones were dropped')
  // A completed message re-claimed (a retry) is answered, not run again, and does not grow the store.
  t.same(await store.claim('SM4500', 120_000), { state: 'done', answer: 'answer 4500' })
  t.equal(store.size, 1000)
})

t.test('STATE_STORE and REDIS_URL pick the store; memory is the default and never loads ioredis', async (t) => {
  t.same(stateSettings({}), { kind: 'memory', redisUrl: 'redis://127.0.0.1:6379', budgetMs: 300 })
  t.same(stateSettings({ STATE_STORE: 'redis', STATE_BUDGET_MS: 150 }), { kind: 'redis', redisUrl: 'redis://127.0.0.1:6379', budgetMs: 150 })
  t.same(stateSettings({ REDIS_URL: 'redis://cache:6380/2' }).kind, 'redis')
  t.same(stateSettings({ STATE_STORE: 'memory', REDIS_URL: 'redis://cache:6380' }).kind, 'memory')
  const memory = await createState(stateSettings({}), quiet)
  t.type(memory.pages, MemoryPageStore)
  t.type(memory.idempotency, MemoryIdempotencyStore)
  t.equal(memory.shared, undefined)
  const loaded = (): string[] => Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('/node_modules/ioredis/'))
  t.same(loaded(), [], 'the memory state did not load ioredis')
  const redis = await createState(stateSettings({ STATE_STORE: 'redis', REDIS_URL: 'redis://127.0.0.1:1' }), quiet)
  t.type(redis.pages, FallbackPageStore)
  t.type(redis.idempotency, FallbackIdempotencyStore)
  t.ok(redis.shared, 'one shared connection with its breaker')
  t.ok(loaded().length > 0, 'ioredis is loaded once Redis is in use')
  await redis.close() // never connected: closing must not wait for a server
})
