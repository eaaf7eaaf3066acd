// Against the real PostgreSQL: conditions made by the test (idle sessions, a sleeping query, a lock) and the numbers
// Operator reports about them.
import t from 'tap'
import { formatBytes } from '../src/format.js'
import { operatorWith, pgUrl, pidOf, requirePostgres, session, unique, until } from './helpers/postgres.js'

const skip = await requirePostgres()

t.test('db connections shows N extra idle sessions under their application_name', { skip }, async (t) => {
  const app = unique('opr_idle')
  for (let i = 0; i < 4; i++) await session(t, { applicationName: app })
  const admin = await session(t)
  const max = Number((await admin.query('SHOW max_connections')).rows[0].max_connections)
  const op = await operatorWith(t, { url: pgUrl() })

  const reply = await op.exec('db connections')
  const lines = reply.split('\n')
  t.match(lines[0], new RegExp(`^conn \\d+/${max}: \\d+ active, \\d+ idle, \\d+ idle in tx \\(\\d+ ours\\)$`), 'first line: used/max by state, Operator\'s own apart')
  t.ok(lines.includes(`4 idle postgres@test ${app}`), `a line counts the 4 idle sessions of ${app}:\n${reply}`)
  const used = Number(/^conn (\d+)\//.exec(lines[0]!)![1])
  t.ok(used >= 5, 'the total includes them (and the admin session)')
})

t.test('db slow shows a running pg_sleep with how long it has run, and db shows it as the longest', { skip }, async (t) => {
  const tag = unique('opr_slow')
  const sleeper = await session(t, { applicationName: tag })
  const admin = await session(t)
  const pid = pidOf(sleeper)
  const sleeping = sleeper.query(`SELECT pg_sleep(30) /* ${tag} */`).catch((err: Error) => err)
  t.teardown(async () => {
    await admin.query('SELECT pg_cancel_backend($1)', [pid])
    await sleeping
  })
  await until('the sleep to have run 2s', async () => {
    const r = await admin.query(`SELECT extract(epoch FROM clock_timestamp() - query_start) AS s FROM pg_stat_activity
      WHERE pid = $1 AND state = 'active'`, [pid])
    return r.rows.length === 1 && Number(r.rows[0].s) >= 2
  })
  const op = await operatorWith(t, { url: pgUrl() })

  const reply = await op.exec('db slow')
  const line = reply.split('\n').find((l) => l.includes(`pid ${pid} `))
  t.ok(line, `db slow lists pid ${pid}:\n${reply}`)
  const m = /^(\d+)s pid (\d+) postgres@test SELECT pg_sleep\(30\) \/\* opr_slow_[0-9a-f]+ \*\/$/.exec(line ?? '')
  t.ok(m, `the line gives duration, pid, user@database and the query: ${line}`)
  const seconds = Number(m?.[1])
  t.ok(seconds >= 2 && seconds < 30, `its duration is how long it has slept (${seconds}s)`)
  t.notOk(reply.includes('pg_stat_activity'), "Operator's own statistics queries are left out")

  const summary = await op.exec('db')
  t.match(summary, /^conn \d+\/\d+: \d+ active, \d+ idle, \d+ idle in tx \(\d+ ours\)\nlongest \d+s \S+: /, 'the summary names the longest query')
})

t.test('db locks shows the blocked and the blocking pid with how long', { skip }, async (t) => {
  const table = unique('opr_lock')
  const admin = await session(t)
  await admin.query(`CREATE TABLE ${table} (id int)`)
  t.teardown(async () => { await admin.query(`DROP TABLE IF EXISTS ${table}`) })
  const holder = await session(t, { applicationName: `${table}_holder` })
  const waiter = await session(t, { applicationName: `${table}_waiter` })
  await holder.query('BEGIN')
  await holder.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`)
  const waiting = waiter.query(`SELECT count(*) FROM ${table}`).catch((err: Error) => err)
  t.teardown(async () => {
    await holder.query('ROLLBACK')
    await waiting
  })
  await until('the waiter to wait on the lock', async () => {
    const r = await admin.query("SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'", [pidOf(waiter)])
    return r.rows.length === 1
  })
  const op = await operatorWith(t, { url: pgUrl() })

  const reply = await op.exec('db locks')
  const line = reply.split('\n').find((l) => l.startsWith(`pid ${pidOf(waiter)} `))
  t.ok(line, `db locks lists the waiting pid ${pidOf(waiter)}:\n${reply}`)
  t.match(line, new RegExp(`^pid ${pidOf(waiter)} postgres waits \\d+(ms|s) for pid ${pidOf(holder)} postgres ` +
    `\\(idle in transaction \\d+(ms|s)\\) on ${table} AccessShareLock: SELECT count\\(\\*\\) FROM ${table}$`),
  'blocked pid, blocking pid, how long each, the table and the lock mode')
  t.match(reply, /^\d+ blocked:/, 'a header counts the blocked sessions')

  const summary = await op.exec('db')
  const waits = Number(/(\d+) waiting on locks/.exec(summary)?.[1])
  t.ok(waits >= 1, `the summary counts the lock wait: ${summary}`)
})

t.test('db replication, db size, health db and status on a server without replicas', { skip }, async (t) => {
  const admin = await session(t)
  const replicas = Number((await admin.query('SELECT count(*) AS n FROM pg_stat_replication')).rows[0].n)
  const size = Number((await admin.query('SELECT pg_database_size(current_database()) AS b')).rows[0].b)
  const op = await operatorWith(t, { url: pgUrl() })

  const replication = await op.exec('db replication')
  if (replicas === 0) t.equal(replication, 'no replicas')
  else t.match(replication, new RegExp(`^${replicas} replicas?:`))

  const sizes = await op.exec('db size')
  t.match(sizes, /^largest databases:\n/)
  const test = sizes.split('\n').find((l) => l.startsWith('test '))
  t.ok(test, `db size lists the test database:\n${sizes}`)
  const expected = formatBytes(size)
  t.match(test, /^test \d+(\.\d+)?(kB|MB|GB)$/, `in binary units (${expected} now)`)
  t.notMatch(sizes, /template[01]/, 'template databases are left out')

  const health = await op.exec('health db')
  t.match(health, /^db ok SELECT 1 ok \(\d+ms\)$/, `health db: SELECT 1 answered, with its latency: ${health}`)

  const line = await op.statusLine('db')
  const lag = replicas > 0 ? ', lag \\d+(ms|s)' : ''
  t.match(line, new RegExp(`^db ok \\d+/\\d+ conn, \\d+ waiting${lag}$`), `status line: ${line}`)
  t.notMatch(await op.exec('status'), /\bdb (DEGRADED|DOWN)/, 'status counts db as ok')
})

t.test('a role with only pg_monitor (as the README recommends) sees other users\' queries', { skip }, async (t) => {
  const role = unique('opr_mon')
  const tag = unique('opr_seen')
  const admin = await session(t)
  await admin.query(`CREATE ROLE ${role} LOGIN IN ROLE pg_monitor`)
  const sleeper = await session(t, { applicationName: tag })
  const sleeping = sleeper.query(`SELECT pg_sleep(30) /* ${tag} */`).catch((err: Error) => err)
  t.teardown(async () => {
    await admin.query('SELECT pg_cancel_backend($1)', [pidOf(sleeper)])
    await sleeping
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '${role}'`)
    await admin.query(`DROP ROLE IF EXISTS ${role}`)
  })
  await until('the sleep to start', async () => (await admin.query("SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND state = 'active'", [pidOf(sleeper)])).rows.length === 1)
  const op = await operatorWith(t, { url: pgUrl({ user: role }) })
  t.teardown(() => op.close())

  const slow = await op.exec('db slow')
  t.ok(slow.includes(`pid ${pidOf(sleeper)} postgres@test SELECT pg_sleep(30) /* ${tag} */`), `the query text is visible:\n${slow}`)
  const conn = await op.exec('db connections')
  t.notOk(conn.includes('hidden'), 'no session state is hidden from it')
})

t.test('db and db connections count Operator\'s own pool sessions apart, by application_name and user', { skip }, async (t) => {
  // A role of this test's own, so that other runs' Operators on the same server are not counted as ours.
  const role = unique('opr_self')
  const admin = await session(t)
  await admin.query(`CREATE ROLE ${role} LOGIN IN ROLE pg_monitor`)
  t.teardown(async () => {
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '${role}'`)
    await admin.query(`DROP ROLE IF EXISTS ${role}`)
  })
  // Not ours: the same role under another application, and another user calling itself operator.
  const other = unique('opr_other')
  await session(t, { user: role, applicationName: other })
  await session(t, { applicationName: 'operator' })
  const op = await operatorWith(t, { url: pgUrl({ user: role }), poolSize: 2 })
  const ours = async (): Promise<number> => Number((await admin.query(
    "SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1 AND application_name = 'operator'", [role])).rows[0].n)

  const conn = await op.exec('db connections')
  const first = conn.split('\n')[0]!
  const counted = Number(/ \((\d+) ours\)$/.exec(first)?.[1])
  t.ok(counted >= 1 && counted <= 2, `its own sessions are counted apart: ${first}`)
  t.equal(counted, await ours(), 'as many as the pool holds on the server')
  t.notOk(conn.includes(`${role}@test operator`), `no line lists Operator's own sessions:\n${conn}`)
  t.ok(conn.includes(`1 idle ${role}@test ${other}`), 'the same role under another application is listed')
  t.match(conn, /\n\d+ idle postgres@test operator(\n|$)/, 'and so is another user that calls itself operator')

  // The state counts leave ours out: the same numbers as pg_stat_activity without them, read right after.
  const summary = (await op.exec('db')).split('\n')[0]!
  const m = /^conn (\d+)\/\d+: (\d+) active, (\d+) idle, (\d+) idle in tx \((\d+) ours\)$/.exec(summary)
  t.ok(m, `db shows ours apart: ${summary}`)
  const [used, active, idle, idleInTx, own] = m!.slice(1).map(Number)
  t.ok(used! >= active! + idle! + idleInTx! + own!, 'ours are in the slots used, not in the states')
  t.equal(own, await ours())
})
