// Each way the database can fail gives a one-line reason, made for real: an unknown database, a refused port, a server
// that never answers, a statement_timeout, a permission denied on a view, a wrong password.
import net from 'node:net'
import { Writable } from 'node:stream'
import t from 'tap'
import pg from 'pg'
import { buildApp } from '@operator/core'
import { freePort, requireBinary, startPgBouncer } from '@operator/test-support'
import db from '../src/index.js'
import { PG, operatorWith, pgUrl, requirePostgres, session, unique, until } from './helpers/postgres.js'

const skip = await requirePostgres()

t.test('an unknown database is named in a one-line reply, and health says DOWN', { skip }, async (t) => {
  const name = unique('opr_no_such_db')
  const op = await operatorWith(t, { url: pgUrl({ database: name }) })
  t.equal(await op.exec('db'), `db: postgres: database "${name}" does not exist`)
  t.equal(await op.exec('db slow'), `db: postgres: database "${name}" does not exist`)
  t.match(await op.exec('health db'), new RegExp(`^db DOWN postgres: database "${name}" does not exist \\(\\d+ms\\)$`))
  const status = await op.statusLine('db')
  t.equal(status, `db DOWN postgres: database "${name}" does not exist`)
})

t.test('a port where nothing listens: connection refused', async (t) => {
  const port = await freePort()
  const op = await operatorWith(t, { url: pgUrl({ port }) })
  t.equal(await op.exec('db'), 'db: postgres unreachable (connection refused)')
  t.equal(await op.exec('db locks'), 'db: postgres unreachable (connection refused)')
})

t.test('a PgBouncer admin console where nothing listens: connection refused, one line', async (t) => {
  // Also the first use of pg by the console: it is imported here, not when the plugin is.
  const port = await freePort()
  const op = await operatorWith(t, { statsUrl: `postgres://pgbouncer@127.0.0.1:${port}/pgbouncer` })
  t.equal(await op.exec('db pool'), 'db: pgbouncer unreachable (connection refused)')
})

t.test('a server that accepts but never answers: connect timed out after connectTimeoutMs', async (t) => {
  const sockets: net.Socket[] = []
  const silent = net.createServer((s) => { sockets.push(s) })
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { for (const s of sockets) s.destroy(); silent.close() })
  const port = (silent.address() as net.AddressInfo).port
  const op = await operatorWith(t, { url: pgUrl({ port }), connectTimeoutMs: 300 })
  t.equal(await op.exec('db size'), 'db: postgres: connect timed out after 300ms')
  t.ok(sockets.length >= 1, 'it did connect at TCP level')
  t.match(await op.exec('health db'), /^db DOWN postgres: connect timed out after 300ms \(\d+ms\)$/)
})

t.test('in a throwaway database', { skip }, async (t) => {
  const dbName = unique('opr_db')
  const admin = await session(t)
  await admin.query(`CREATE DATABASE ${dbName}`)
  const nomon = unique('opr_nomon')
  const mon = unique('opr_mon')
  await admin.query(`CREATE ROLE ${nomon} LOGIN`)
  await admin.query(`CREATE ROLE ${mon} LOGIN IN ROLE pg_monitor`)
  t.teardown(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)
    await admin.query(`DROP ROLE IF EXISTS ${nomon}`)
    await admin.query(`DROP ROLE IF EXISTS ${mon}`)
  })

  t.test('a lock on pg_stat_activity makes the query hit statement_timeout', async (t) => {
    const op = await operatorWith(t, { url: pgUrl({ database: dbName }), poolSize: 1, statementTimeoutMs: 500 })
    t.equal(await op.exec('db slow'), 'no queries running', 'the pooled connection is open before the lock')
    const locker = await session(t, { database: dbName })
    await locker.query('BEGIN')
    await locker.query('LOCK TABLE pg_catalog.pg_stat_activity IN ACCESS EXCLUSIVE MODE')
    t.equal(await op.exec('db slow'), 'db: postgres: query timed out after 500ms (statement_timeout)')
    await locker.query('ROLLBACK')
    t.equal(await op.exec('db slow'), 'no queries running', 'the next query works again')
  })

  t.test('a role without pg_monitor where pg_stat_activity is restricted: permission denied, one line', async (t) => {
    const owner = await session(t, { database: dbName })
    // A hardened database: only pg_monitor may read pg_stat_activity (here only, not in the rest of the cluster).
    await owner.query('REVOKE SELECT ON pg_catalog.pg_stat_activity FROM PUBLIC')
    await owner.query('GRANT SELECT ON pg_catalog.pg_stat_activity TO pg_monitor')
    const op = await operatorWith(t, { url: pgUrl({ user: nomon, database: dbName }) })
    const denied = 'postgres: permission denied for view pg_stat_activity (grant pg_monitor to the role)'
    t.equal(await op.exec('db slow'), `db: ${denied}`)
    t.equal(await op.exec('db connections'), `db: ${denied}`)
    t.equal(await op.exec('db'), denied, 'the summary keeps what it could read (no replicas: nothing) and says why the rest is missing')
    t.match(await op.exec('health db'), /^db ok/, 'connecting still works')

    const monitor = await operatorWith(t, { url: pgUrl({ user: mon, database: dbName }) })
    t.match(await monitor.exec('db connections'), /^conn \d+\/\d+: /, 'the recommended pg_monitor role reads it')
  })
})

/** With trust auth for 127.0.0.1 (as on these machines) any password is accepted: then this test has nothing to show. */
async function trustSkip (): Promise<string | false> {
  if (skip !== false) return skip
  const role = unique('opr_probe')
  const admin = new pg.Client({ connectionString: pgUrl() })
  await admin.connect()
  try {
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'right-horse-battery'`)
    const probe = new pg.Client({ connectionString: pgUrl({ user: role, password: 'wrong-staple' }) })
    probe.on('error', () => {})
    const accepted = await probe.connect().then(() => true, () => false)
    await probe.end().catch(() => {})
    return accepted
      ? `${PG.host}:${PG.port} uses trust auth and accepts any password; the wrong-password reply is tested against PgBouncer (auth_type md5) below`
      : false
  } finally {
    await admin.query(`DROP ROLE IF EXISTS ${role}`)
    await admin.end()
  }
}

t.test('a wrong password straight to PostgreSQL', { skip: await trustSkip() }, async (t) => {
  const role = unique('opr_pw')
  const admin = await session(t)
  await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'right-horse-battery'`)
  t.teardown(async () => {
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '${role}'`)
    await admin.query(`DROP ROLE IF EXISTS ${role}`)
  })
  const op = await operatorWith(t, { url: pgUrl({ user: role, password: 'wrong-staple' }) })
  const reply = await op.exec('db')
  t.equal(reply, `db: postgres: wrong password for user "${role}"`)
  t.notOk(reply.includes('wrong-staple'))
})

t.test('PgBouncer with md5 auth', { skip: skip || requireBinary('pgbouncer') }, async (t) => {
  const secret = 'opr-right-pw-7781'
  const wrong = 'opr-wrong-pw-3312'
  const bouncer = await startPgBouncer({ pgHost: PG.host, pgPort: PG.port, authType: 'md5', passwords: { postgres: secret } })
  t.teardown(() => bouncer.stop())
  const console = (password: string): string => `postgres://postgres:${password}@${bouncer.host}:${bouncer.port}/pgbouncer`

  t.test('a wrong password for the admin console: one line, the password nowhere in replies or the log', async (t) => {
    const logged: string[] = []
    const stream = new Writable({ write (chunk, _enc, done) { logged.push(String(chunk)); done() } })
    const app = await buildApp({
      env: { COMMAND_DEADLINE_MS: '5000', HEALTH_DEADLINE_MS: '3000' },
      config: { plugins: [] },
      plugins: [{ plugin: db, config: { url: pgUrl({ password: secret }), statsUrl: console(wrong) } }],
      logger: { level: 'trace', stream }
    })
    t.teardown(() => app.close())
    await app.ready()
    const sender = { id: '+15550100', role: 'admin' as const, channel: 'sms' as const }
    const run = async (text: string): Promise<string> => (await app.operator.dispatcher.dispatch(text, sender)).reply

    const pool = await run('db pool')
    t.equal(pool, 'db: pgbouncer: wrong password for user "postgres"')
    const summary = await run('db')
    t.match(summary, /^conn \d+\/\d+: /, 'the summary still shows PostgreSQL')
    t.match(summary, /\npgbouncer: wrong password for user "postgres"$/, 'and one line for PgBouncer')
    const health = await run('health db')
    t.match(health, /^db DEGRADED SELECT 1 ok; pgbouncer: wrong password for user "postgres" \(\d+ms\)$/)
    const status = await run('status')
    t.match(status, /db DEGRADED \d+\/\d+ conn, \d+ waiting, pgbouncer: wrong password for user "postgres"/)

    const everything = [pool, summary, health, status, logged.join('')].join('\n')
    t.ok(logged.join('').includes('command failed'), 'the failure was logged')
    for (const s of [secret, wrong]) t.notOk(everything.includes(s), `${s.slice(0, 8)}... appears in no reply and no log line`)
  })

  t.test('the right password reads the pools', async (t) => {
    const op = await operatorWith(t, { statsUrl: console(secret) })
    t.match(await op.exec('db pool'), /^pgbouncer: (no pools|\d+ pools?, \d+ clients? active, 0 waiting)/)
  })

  t.test('DB_URL pointed at PgBouncer: it refuses statement_timeout, and the reply says what to do', async (t) => {
    const op = await operatorWith(t, { url: `postgres://postgres:${secret}@${bouncer.host}:${bouncer.port}/test` })
    t.equal(await op.exec('db slow'),
      'db: postgres: unsupported startup parameter: statement_timeout (point DB_URL at PostgreSQL, not PgBouncer)')
  })
})

t.test('a PostgreSQL that closes idle connections does not take the daemon down', { skip }, async (t) => {
  const role = unique('opr_idle_kill')
  const admin = await session(t)
  await admin.query(`CREATE ROLE ${role} LOGIN IN ROLE pg_monitor`)
  t.teardown(async () => {
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '${role}'`)
    await admin.query(`DROP ROLE IF EXISTS ${role}`)
  })
  const op = await operatorWith(t, { url: pgUrl({ user: role }) })
  t.equal(await op.exec('db replication'), 'no replicas')
  await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '${role}'`)
  await until('the idle connection to be gone', async () =>
    (await admin.query('SELECT 1 FROM pg_stat_activity WHERE usename = $1', [role])).rows.length === 0)
  t.match(await op.exec('db connections'), /^conn \d+\/\d+: /, 'the pool opens a new connection and answers')
})
