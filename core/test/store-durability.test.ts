import t, { type Test } from 'tap'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { clock, makePlace, pgSkip } from './fixtures/store-engines.js'
import { MIGRATIONS } from '../src/store/migrations.js'
import { storeSettings } from '../src/store/settings.js'
import { openStore } from '../src/store/open.js'
import { quietLog } from './fixtures/store-engines.js'
import type { StoreEngine } from '../src/store/types.js'

const WRITER = fileURLToPath(new URL('./fixtures/store-writer.mjs', import.meta.url))
const MIGRATOR = fileURLToPath(new URL('./fixtures/store-migrate.mjs', import.meta.url))
const builtSkip = existsSync(fileURLToPath(new URL('../dist/store/index.js', import.meta.url))) ? false : 'core is not built (npm run build)'
const LATEST = MIGRATIONS.map((m) => m.version)

t.test('a SQLite store reopened (a restart) keeps its messages and idempotency answers', async (t) => {
  const place = await makePlace('sqlite')
  t.teardown(place.remove)
  const time = clock()
  const first = await place.open(time.now)
  await first.migrate()
  const ids = await first.messages.insert([
    { direction: 'in', channel: 'sms', number: '+15550000001', text: 'status', command: 'status', outcome: 'answered', segments: 1 }
  ])
  await first.idempotency.complete('SMbefore', '<Response>before</Response>', 86_400_000)
  await first.close()
  await first.close() // twice is harmless: shutdown paths may both close it

  t.ok(existsSync(join(place.settings.dataDir, 'operator.db')))
  const second = await place.open(time.now)
  t.teardown(async () => { await second.close() })
  t.same((await second.check()).pending, [], 'nothing pending after the restart')
  t.same((await second.migrate()).applied, [])
  t.same((await second.messages.query()).items.map((r) => r.id), ids)
  t.same(await second.idempotency.claim('SMbefore', 1000, 'after'), { state: 'done', answer: '<Response>before</Response>' },
    'a replayed MessageSid gets the first answer')
})

t.test('kill -9 while writing: every batch the child reported committed is there after reopening', { skip: builtSkip }, async (t) => {
  const place = await makePlace('sqlite')
  t.teardown(place.remove)
  const child = spawn(process.execPath, [WRITER, place.settings.dataDir], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  const committed: Array<{ n: number, first: number, last: number }> = []
  await new Promise<void>((resolve, reject) => {
    let buffer = ''
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString()
      let nl
      while ((nl = buffer.indexOf('\n')) !== -1) {
        const line = buffer.slice(0, nl)
        buffer = buffer.slice(nl + 1)
        const m = /^committed (\d+) (\d+) (\d+)$/.exec(line)
        if (m !== null) committed.push({ n: Number(m[1]), first: Number(m[2]), last: Number(m[3]) })
        // Killed mid-stream, while it is writing as fast as it can.
        if (committed.length === 200 && child.exitCode === null) child.kill('SIGKILL')
      }
    })
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve()
      else reject(new Error(`writer exited ${String(code)} before the kill: ${stderr}`))
    })
  })
  t.ok(committed.length >= 200)

  const store = await place.open()
  t.teardown(async () => { await store.close() })
  const rows = []
  let cursor: string | undefined
  do {
    const page = await store.messages.query({ limit: 1000, ...(cursor !== undefined ? { cursor } : {}) })
    rows.push(...page.items)
    cursor = page.next
  } while (cursor !== undefined)
  const present = new Set(rows.map((r) => r.id))
  const missing = committed.flatMap((c) => Array.from({ length: c.last - c.first + 1 }, (_, i) => c.first + i)).filter((id) => !present.has(id))
  t.same(missing, [], 'no committed message is lost')
  t.ok(rows.length >= committed.length * 10, 'at most the batch in flight is extra')
  t.equal(rows.length % 10, 0, 'a batch is all there or not at all')
  const last = committed[committed.length - 1]!
  t.same(await store.idempotency.peek(`SMkill${last.n}`), { state: 'done', answer: `answer ${last.n}` })
})

async function raceMigrations (t: Test, engine: StoreEngine): Promise<void> {
  const place = await makePlace(engine)
  t.teardown(place.remove)
  const stores = await Promise.all([place.open(), place.open(), place.open()])
  t.teardown(async () => { await Promise.all(stores.map(async (s) => { await s.close() })) })
  const results = await Promise.all(stores.map(async (s) => await s.migrate()))
  const applied = results.map((r) => r.applied)
  t.equal(applied.filter((a) => a.length > 0).length, 1, 'one of them applied the migrations')
  t.same(applied.find((a) => a.length > 0), LATEST)
  for (const s of stores) t.same((await s.check()).pending, [])
  // Each version recorded once, and the tables work from every store.
  const [a, b] = stores
  await a!.messages.insert([{ direction: 'in', channel: 'sms', number: '+15550000001', outcome: 'answered' }])
  t.equal((await b!.messages.query()).items.length, 1)
}

// SQLite's rival is another process on the same file (a second daemon on one data directory): better-sqlite3 waits
// for a lock synchronously, so rivals inside one process would block each other's thread.
t.test('processes starting together on one fresh SQLite file migrate it once, all succeeding', { skip: builtSkip }, async (t) => {
  const place = await makePlace('sqlite')
  t.teardown(place.remove)
  const children = Array.from({ length: 3 }, () => spawn(process.execPath, [MIGRATOR, place.settings.dataDir], { stdio: ['pipe', 'pipe', 'inherit'] }))
  const output = children.map(async (child) => await new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (d: Buffer) => { out += d.toString() })
    child.on('exit', (code) => { code === 0 ? resolve(out) : reject(new Error(`migrator exited ${String(code)}`)) })
  }))
  // All ready (modules loaded), then all at once.
  await Promise.all(children.map(async (child) => await new Promise((resolve) => child.stdout.once('data', resolve))))
  for (const child of children) child.stdin.end('go\n')
  const results = (await Promise.all(output)).map((out) => JSON.parse(out.split('\n')[1]!) as { applied: string[], pending: string[] })
  t.equal(results.filter((r) => r.applied.length > 0).length, 1, 'one of them applied the migrations')
  t.same(results.find((r) => r.applied.length > 0)?.applied, LATEST)
  t.ok(results.every((r) => r.pending.length === 0), 'none pending for any')
})

t.test('replicas starting together on one fresh PostgreSQL schema migrate it once under the advisory lock, all succeeding',
  { skip: await pgSkip() }, async (t) => { await raceMigrations(t, 'postgres') })

t.test('settings: OPERATOR_DATA_DIR and DATABASE_URL choose the engine; a bad URL is a clear error', async (t) => {
  t.same(storeSettings({}, '/srv/ops'), { engine: 'sqlite', dataDir: '/srv/ops/data', databaseUrl: '' })
  t.same(storeSettings({ OPERATOR_DATA_DIR: 'state', DATABASE_URL: '' }, '/srv/ops'), { engine: 'sqlite', dataDir: '/srv/ops/state', databaseUrl: '' })
  t.same(storeSettings({ OPERATOR_DATA_DIR: '/var/lib/operator' }, '/srv/ops').dataDir, '/var/lib/operator')
  t.equal(storeSettings({ DATABASE_URL: 'postgresql://u:p@db/ops' }, '/x').engine, 'postgres')
  t.throws(() => storeSettings({ DATABASE_URL: 'mysql://u:secret@db/ops' }, '/x'), { code: 'OPR_ERR_STORE_SETTINGS' })
  try {
    storeSettings({ DATABASE_URL: 'mysql://u:secret@db/ops' }, '/x')
  } catch (err) {
    t.notMatch((err as Error).message, /secret/, 'the URL is not repeated')
  }
})

t.test('a data directory that cannot be created is a clear error naming it', async (t) => {
  const place = await makePlace('sqlite')
  t.teardown(place.remove)
  // A file where the directory should be.
  const blocker = join(place.settings.dataDir, 'file')
  const { writeFileSync } = await import('node:fs')
  writeFileSync(blocker, 'x')
  await t.rejects(openStore({ engine: 'sqlite', dataDir: join(blocker, 'data'), databaseUrl: '' }, quietLog),
    { code: 'OPR_ERR_STORE_OPEN', message: new RegExp(`${blocker}/data/operator.db`) })
})

t.test('an unreachable PostgreSQL: open succeeds, check says down with a one-line reason and no password', async (t) => {
  const store = await openStore({ engine: 'postgres', dataDir: '', databaseUrl: 'postgres://operator:s3cret@127.0.0.1:1/ops' }, quietLog)
  t.teardown(async () => { await store.close() })
  const check = await store.check()
  t.equal(check.status, 'down')
  t.equal(check.engine, 'postgres')
  t.match(check.location, /^postgres:\/\/operator:.*@127\.0\.0\.1:1\/ops$/)
  t.notMatch(check.location, /s3cret/)
  t.notMatch(check.error ?? '', /s3cret/)
  t.ok((check.error ?? '').length > 0 && !(check.error ?? '').includes('\n'))
  await t.rejects(openStore({ engine: 'postgres', dataDir: '', databaseUrl: 'postgres://x@127.0.0.1/y', schema: 'bad;name' }, quietLog),
    { code: 'OPR_ERR_STORE_SETTINGS' })
})
