// Against a real PgBouncer in front of the real PostgreSQL: a pool of one server connection held by a sleeping query,
// with clients queued behind it, as `db pool`, `db`, health and status report it.
import t from 'tap'
import pg from 'pg'
import { freePort, requireBinary, startPgBouncer, type RunningPgBouncer } from '@operator/test-support'
import { PG, operatorWith, pgUrl, requirePostgres, session, unique, until, type Teardown } from './helpers/postgres.js'

const skip = (await requirePostgres()) || requireBinary('pgbouncer')

async function through (t: Teardown, bouncer: RunningPgBouncer, database: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: `postgres://${PG.user}@${bouncer.host}:${bouncer.port}/${database}` })
  client.on('error', () => {})
  await client.connect()
  t.teardown(async () => { await client.end().catch(() => {}) })
  return client
}

async function waitingIn (bouncer: RunningPgBouncer): Promise<number> {
  const c = new pg.Client({ connectionString: bouncer.adminUrl })
  await c.connect()
  try {
    const rows = (await c.query('SHOW POOLS')).rows as Array<{ database: string, cl_waiting: number }>
    return rows.find((r) => r.database === PG.database)?.cl_waiting ?? 0
  } finally {
    await c.end()
  }
}

t.test('clients queued behind a pool of one show as cl_waiting in db pool and as waiting in db', { skip }, async (t) => {
  const bouncer = await startPgBouncer({ pgHost: PG.host, pgPort: PG.port, databases: [PG.database], defaultPoolSize: 1 })
  t.teardown(() => bouncer.stop())
  const tag = unique('opr_pool')
  const holder = await through(t, bouncer, PG.database)
  const waiters = [await through(t, bouncer, PG.database), await through(t, bouncer, PG.database)]
  const admin = await session(t)
  const pending = [holder.query(`SELECT pg_sleep(30) /* ${tag} */`).catch((err: Error) => err)]
  await until('the sleep to hold the only server connection', async () =>
    (await admin.query("SELECT 1 FROM pg_stat_activity WHERE query LIKE $1 AND state = 'active'", [`%${tag} */`])).rows.length === 1)
  for (const w of waiters) pending.push(w.query('SELECT 1').catch((err: Error) => err))
  t.teardown(async () => {
    await admin.query('SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE query LIKE $1 AND pid <> pg_backend_pid()', [`%${tag} */`])
    await Promise.all(pending)
  })
  await until('two clients to wait in PgBouncer', async () => (await waitingIn(bouncer)) === 2)

  const op = await operatorWith(t, { url: pgUrl(), statsUrl: bouncer.adminUrl })
  const pool = await op.exec('db pool')
  const lines = pool.split('\n')
  t.match(lines[0], /^pgbouncer: 1 pool, 1 client active, 2 waiting \(longest \d+(ms|s)\)$/, `header: ${lines[0]}`)
  t.match(lines[1], new RegExp(`^${PG.database}/${PG.user}: cl_active 1, cl_waiting 2, sv_active 1, sv_idle 0, maxwait \\d+(ms|s)$`),
    `the pool line: ${lines[1]}`)
  t.equal(lines.length, 2, 'the admin console\'s own pseudo-pool is left out')

  const summary = await op.exec('db')
  t.match(summary, /^conn \d+\/\d+: /, 'the summary starts with PostgreSQL connections')
  t.match(summary, /\npgbouncer: 2 clients waiting, longest \d+(ms|s)$/, `and ends with the queue: ${summary}`)

  const status = await op.statusLine('db')
  t.match(status, /^db (ok|DEGRADED) \d+\/\d+ conn, \d+ waiting, pgbouncer 2 waiting$/, `status: ${status}`)
  t.match(await op.exec('health db'), /^db ok SELECT 1 ok; pgbouncer ok \(\d+ms\)$/)
})

t.test('PgBouncer down: PostgreSQL still answers, PgBouncer is one line, status DEGRADED', { skip: skip || false }, async (t) => {
  const port = await freePort()
  const op = await operatorWith(t, { url: pgUrl(), statsUrl: `postgres://${PG.user}@127.0.0.1:${port}/pgbouncer` })
  t.equal(await op.exec('db pool'), 'db: pgbouncer unreachable (connection refused)')
  const summary = await op.exec('db')
  t.match(summary, /^conn \d+\/\d+: [^\n]+\n(longest|no queries)/)
  t.match(summary, /\npgbouncer unreachable \(connection refused\)$/)
  t.match(await op.exec('health db'), /^db DEGRADED SELECT 1 ok; pgbouncer unreachable \(connection refused\) \(\d+ms\)$/)
  const status = await op.statusLine('db')
  t.match(status, /^db DEGRADED \d+\/\d+ conn, \d+ waiting, pgbouncer unreachable \(connection refused\)$/)
})

t.test('only DB_STATS_URL: db pool works, PostgreSQL commands say they need DB_URL', { skip }, async (t) => {
  const bouncer = await startPgBouncer({ pgHost: PG.host, pgPort: PG.port })
  t.teardown(() => bouncer.stop())
  const op = await operatorWith(t, { statsUrl: bouncer.adminUrl })
  t.match(await op.exec('db pool'), /^pgbouncer: (no pools|\d+ pools?, \d+ clients? active, 0 waiting)/)
  t.equal(await op.exec('db slow'), 'db slow needs DB_URL')
  t.equal(await op.exec('db'), 'pgbouncer: 0 clients waiting')
  t.match(await op.exec('health db'), /^db ok pgbouncer ok \(\d+ms\)$/)
  const status = await op.statusLine('db')
  t.equal(status, 'db ok pgbouncer 0 waiting')
})
