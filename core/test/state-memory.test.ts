import t from 'tap'
import { MemoryIdempotencyStore } from '../src/state/idempotency.js'
import { MemoryPageStore } from '../src/state/pages.js'
import { stateSettings, createPageStore, createIdempotencyStore } from '../src/state/select.js'
import { RedisPageStore } from '../src/state/redis-pages.js'
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

t.test('STATE_STORE and REDIS_URL pick the store; memory is the default', async (t) => {
  t.same(stateSettings({}), { kind: 'memory', redisUrl: 'redis://127.0.0.1:6379' })
  t.same(stateSettings({ STATE_STORE: 'redis' }), { kind: 'redis', redisUrl: 'redis://127.0.0.1:6379' })
  t.same(stateSettings({ REDIS_URL: 'redis://cache:6380/2' }), { kind: 'redis', redisUrl: 'redis://cache:6380/2' })
  t.same(stateSettings({ STATE_STORE: 'memory', REDIS_URL: 'redis://cache:6380' }).kind, 'memory')
  t.type(createPageStore(stateSettings({}), quiet), MemoryPageStore)
  t.type(createIdempotencyStore(stateSettings({}), undefined), MemoryIdempotencyStore)
  const redisPages = createPageStore(stateSettings({ STATE_STORE: 'redis', REDIS_URL: 'redis://127.0.0.1:1' }), quiet)
  t.type(redisPages, RedisPageStore)
  await redisPages.close!() // never connected: closing must not wait for a server
})
