import t from 'tap'
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildApp } from '../src/app.js'
import { createTestOperator } from '../src/testing/index.js'
import { openStore } from '../src/store/open.js'
import { appDir, operator } from './fixtures/cli.js'
import { makePlace, pgSkip, PG_URL, quietLog } from './fixtures/store-engines.js'

function tempDir (): string {
  const dir = mkdtempSync(join(tmpdir(), 'operator-store-app-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

t.test('the daemon opens the store in OPERATOR_DATA_DIR at start, shows it in status and health, and closes it', async (t) => {
  const dir = tempDir()
  const data = join(dir, 'state')
  const op = await createTestOperator({ env: { OPERATOR_DATA_DIR: data }, cwd: dir })
  const store = op.app.operator.store!
  t.equal(store.engine, 'sqlite')
  t.ok(existsSync(join(data, 'operator.db')), 'the directory was created with the database in it')
  t.same((await store.check()).pending, [], 'migrations were applied at start')
  t.match(await op.statusLine('store'), /^store ok sqlite \d+(\.\d)?ms$/)
  t.match(await op.exec('status'), /\bstore\b|\d ok\.$/, 'status counts it with the others')
  t.match(await op.exec('health store'), /store.*ok/i)
  await op.close()
  t.equal((await store.check()).status, 'down', 'closed with the app')
})

t.test('a test or embedder that passes env without the store settings gets no store and no ./data', async (t) => {
  const dir = tempDir()
  const app = await buildApp({ env: {}, cwd: dir })
  await app.ready()
  t.equal(app.operator.store, undefined)
  await app.close()
  t.same(readdirSync(dir), [])
  // And `store: 'off'` wins over the settings.
  const off = await buildApp({ env: { OPERATOR_DATA_DIR: join(dir, 'd') }, cwd: dir, store: 'off' })
  t.equal(off.operator.store, undefined)
  await off.close()
  t.same(readdirSync(dir), [])
})

t.test('a store that cannot be opened or migrated stops the start with a one-line error', async (t) => {
  const dir = tempDir()
  writeFileSync(join(dir, 'file'), 'x')
  await t.rejects(buildApp({ env: { OPERATOR_DATA_DIR: join(dir, 'file', 'data') }, cwd: dir }), { code: 'OPR_ERR_STORE_OPEN' })
  await t.rejects(buildApp({ env: { DATABASE_URL: 'mysql://u:p@db/x' }, cwd: dir }), { code: 'OPR_ERR_STORE_SETTINGS' })
  const err = await buildApp({ env: { DATABASE_URL: 'postgres://operator:s3cret@127.0.0.1:1/ops' }, cwd: dir }).then(() => new Error('it started'), (e: unknown) => e as Error)
  t.match(err, { code: 'OPR_ERR_STORE_MIGRATE' })
  t.notMatch(err.message, /s3cret/)
  t.notOk(err.message.includes('\n'))
})

t.test('operator config check reports the store: where, and migrations pending until the daemon applies them', async (t) => {
  const dir = appDir(t)
  const fresh = await operator(['config', 'check'], dir)
  t.equal(fresh.code, 0, fresh.stderr)
  t.match(fresh.stdout, new RegExp(`Store: sqlite at ${join(dir, 'data', 'operator.db')} \\(directory writable\\); migrations pending \\(applied at start\\): 0001`))
  const store = await openStore({ engine: 'sqlite', dataDir: join(dir, 'data'), databaseUrl: '' }, quietLog)
  await store.migrate()
  await store.close()
  const after = await operator(['config', 'check'], dir)
  t.match(after.stdout, /Store: sqlite at .*operator\.db \(directory writable\); migrations applied/)

  const blocked = appDir(t, undefined, { file: 'x' })
  const bad = await operator(['config', 'check'], blocked, { OPERATOR_DATA_DIR: 'file/data' })
  t.equal(bad.code, 1)
  t.match(bad.stderr, /OPR_ERR_STORE_OPEN/)

  const down = await operator(['config', 'check'], dir, { DATABASE_URL: 'postgres://operator:s3cret@127.0.0.1:1/ops' })
  t.equal(down.code, 1)
  t.match(down.stdout, /Store: postgres at postgres:\/\/operator:.*@127\.0\.0\.1:1\/ops: DOWN/)
  t.notMatch(down.stdout + down.stderr, /s3cret/)
})

t.test('operator config check against PostgreSQL: reachable, pending, then applied', { skip: await pgSkip() }, async (t) => {
  const place = await makePlace('postgres')
  t.teardown(place.remove)
  // The schema rides in the URL (libpq's `options`), as an operator sharing one database would set it.
  const url = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${place.settings.schema!}`)}`
  const dir = appDir(t)
  const before = await operator(['config', 'check'], dir, { DATABASE_URL: url })
  t.equal(before.code, 0, before.stderr)
  t.match(before.stdout, /Store: postgres at postgres:\/\/postgres@127\.0\.0\.1:5432\/test\?options=.* \(reachable\); migrations pending/)
  const store = await place.open()
  await store.migrate()
  await store.close()
  const after = await operator(['config', 'check'], dir, { DATABASE_URL: url })
  t.match(after.stdout, /\(reachable\); migrations applied/)
})
