// What replies look like for states the local server cannot produce (replicas, a standby, hidden sessions), how
// errors are worded, and the usage reply. No database needed.
import t from 'tap'
import { classifyDbError, redact } from '../src/errors.js'
import {
  formatBytes, formatLocks, formatPool, formatReplication, formatSize, formatSlow, formatSummary, type SummaryData
} from '../src/format.js'
import { parseStatsDocument } from '../src/http-stats.js'
import { createTestOperator } from '@operator/core/testing'
import { operatorWith } from './helpers/postgres.js'

const ctx = { channel: 'sms' as const, budget: 459 }
const errors = { server: 'postgres', user: 'ops', database: 'app', connectTimeoutMs: 3000, statementTimeoutMs: 3000, secrets: ['hunter2'] }

t.test('db replication lists each replica with its state and lag', async (t) => {
  t.equal(formatReplication({
    standby: false,
    standbyLagS: undefined,
    replicas: [
      { name: 'replica-a', addr: '10.0.0.5', state: 'streaming', syncState: 'async', lagS: 0.2, lagBytes: 0 },
      { name: 'replica-b', addr: '10.0.0.6', state: 'catchup', syncState: 'async', lagS: 95, lagBytes: 48 * 1024 * 1024 },
      { name: '', addr: '', state: 'streaming', syncState: 'sync', lagS: undefined, lagBytes: undefined }
    ]
  }, ctx), [
    '3 replicas:',
    'replica-a 10.0.0.5 streaming async lag 200ms',
    'replica-b 10.0.0.6 catchup async lag 1m35s (48MB behind)',
    '(unnamed) streaming sync lag 0s'
  ].join('\n'))
  t.equal(formatReplication({ standby: true, standbyLagS: 3, replicas: [] }, ctx), 'this server is a standby, replay lag 3s')
  t.equal(formatReplication({ standby: true, standbyLagS: undefined, replicas: [] }, ctx), 'this server is a standby, replay lag unknown')
})

t.test('the summary: replicas lag, hidden sessions, and one line per part that failed', async (t) => {
  const data: SummaryData = {
    overview: { ok: true, value: { used: 25, ours: 2, max: 100, reserved: 3, active: 5, idle: 17, idleInTx: 1, hidden: 2, lockWaiting: 0, deadlocks: 2, rollbacks: 1200, resetAgeS: 3 * 86400 } },
    longest: { ok: true, value: { pid: 7, user: 'app', database: 'app', app: 'web', waitEventType: '', seconds: 125, query: 'SELECT * FROM orders JOIN customers USING (customer_id) WHERE status = $1' } },
    replication: { ok: true, value: { standby: false, standbyLagS: undefined, replicas: [{ name: 'r1', addr: '', state: 'streaming', syncState: 'async', lagS: 4, lagBytes: 10 }] } },
    pool: { ok: false, error: 'pgbouncer unreachable (connection refused)' }
  }
  t.equal(formatSummary(data, ctx), [
    'conn 25/100: 5 active, 17 idle, 1 idle in tx, 2 hidden (role lacks pg_monitor) (2 ours)',
    'longest 2m5s app: SELECT * FROM orders JOIN customers U...',
    '0 waiting on locks; 2 deadlocks, 1.2k rollbacks since reset 3d0h ago',
    '1 replica, lag 4s',
    'pgbouncer unreachable (connection refused)'
  ].join('\n').replace('3d0h', '3d'))
  const failed: SummaryData = {
    overview: { ok: false, error: 'postgres: permission denied for view pg_stat_activity' },
    longest: { ok: false, error: 'postgres: permission denied for view pg_stat_activity' },
    replication: { ok: true, value: { standby: true, standbyLagS: 1, replicas: [] } }
  }
  t.equal(formatSummary(failed, ctx), 'postgres: permission denied for view pg_stat_activity\nstandby, replay lag 1s', 'the same error once')
})

t.test('empty answers read as sentences', async (t) => {
  t.equal(formatSlow({ queries: [] }, ctx), 'no queries running')
  t.equal(formatLocks({ blocked: [] }, ctx), 'no lock waits')
  t.equal(formatSize({ databases: [] }, ctx), 'no databases visible')
  t.equal(formatSize({ databases: [{ name: 'secret_db', bytes: undefined }] }, ctx), 'largest databases:\nsecret_db size hidden')
  t.equal(formatPool({ label: 'pgbouncer', pools: [] }, ctx), 'pgbouncer: no pools')
})

t.test('long lists stay within the budget and say how many more', async (t) => {
  const queries = Array.from({ length: 10 }, (_, i) => ({ pid: 1000 + i, user: 'app', database: 'app', app: '', waitEventType: i === 0 ? 'Lock' : '', seconds: 100 - i, query: `UPDATE t SET v = v + 1 WHERE id = ${i} AND something_long_enough_to_matter` }))
  const reply = formatSlow({ queries }, { channel: 'sms', budget: 300 })
  t.ok(reply.length <= 300, `${reply.length} characters`)
  t.match(reply, /^10 running, longest first:\n1m40s pid 1000 app@app \[waiting on lock\] UPDATE/)
  t.match(reply, /\n\+\d+ more$/)
})

t.test('sizes in binary units', async (t) => {
  t.equal(formatBytes(512), '512B')
  t.equal(formatBytes(7708007), '7.35MB')
  t.equal(formatBytes(3 * 1024 ** 4), '3TB')
})

t.test('each failure is one plain line naming the server and the reason', async (t) => {
  const cases: Array<[object, string, string]> = [
    [{ code: '28P01', message: 'password authentication failed for user "ops"' }, 'OPR_ERR_DB_AUTH', 'postgres: wrong password for user "ops"'],
    [{ code: '08P01', message: 'password authentication failed' }, 'OPR_ERR_DB_AUTH', 'postgres: wrong password for user "ops"'],
    [new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string'), 'OPR_ERR_DB_AUTH', 'postgres: the server wants a password for user "ops", none is configured'],
    [{ code: '28000', message: 'no pg_hba.conf entry for host "10.0.0.9", user "ops", database "app", no encryption' }, 'OPR_ERR_DB_AUTH', 'postgres: login refused: no pg_hba.conf entry for host "10.0.0.9", user "ops", database "app", no encryption'],
    [{ code: '3D000', message: 'database "app" does not exist' }, 'OPR_ERR_DB_NO_DATABASE', 'postgres: database "app" does not exist'],
    [{ code: '08P01', message: 'no such database: app' }, 'OPR_ERR_DB_NO_DATABASE', 'postgres: database "app" does not exist'],
    [{ code: '53300', message: 'sorry, too many clients already' }, 'OPR_ERR_DB_UNREACHABLE', 'postgres refused: too many connections'],
    [{ code: '57P03', message: 'the database system is starting up' }, 'OPR_ERR_DB_UNREACHABLE', 'postgres not accepting connections: the database system is starting up'],
    [{ code: '57014', message: 'canceling statement due to statement timeout' }, 'OPR_ERR_DB_TIMEOUT', 'postgres: query timed out after 3s (statement_timeout)'],
    [new Error('Query read timeout'), 'OPR_ERR_DB_TIMEOUT', 'postgres: no answer within 3s'],
    [new Error('Connection terminated due to connection timeout'), 'OPR_ERR_DB_TIMEOUT', 'postgres: connect timed out after 3s'],
    [Object.assign(new Error('connect ETIMEDOUT 10.0.0.1:5432'), { code: 'ETIMEDOUT' }), 'OPR_ERR_DB_TIMEOUT', 'postgres: connect timed out'],
    [Object.assign(new Error('getaddrinfo ENOTFOUND db.internal'), { code: 'ENOTFOUND', hostname: 'db.internal' }), 'OPR_ERR_DB_UNREACHABLE', 'postgres unreachable (unknown host db.internal)'],
    [Object.assign(new Error('connect EHOSTUNREACH'), { code: 'EHOSTUNREACH' }), 'OPR_ERR_DB_UNREACHABLE', 'postgres unreachable (no route to host)'],
    [new Error('Connection terminated unexpectedly'), 'OPR_ERR_DB_UNREACHABLE', 'postgres closed the connection'],
    [{ code: '42P01', message: 'relation "x" does not exist' }, 'OPR_ERR_DB_QUERY', 'postgres: relation "x" does not exist']
  ]
  for (const [err, code, message] of cases) {
    const e = classifyDbError(err, errors)
    t.equal(e.message, message)
    t.equal(e.code, code)
  }
  const leaky = classifyDbError(new Error('weird: postgres://ops:hunter2@db/app said hunter2'), errors)
  t.equal(leaky.message, 'postgres: weird: postgres://ops:***@db/app said ***', 'passwords are masked even in the server\'s own words')
  t.equal(redact('x postgresql://u:p%40ss@h/d', []), 'x postgresql://u:***@h/d')
})

t.test('a stats document must have a pools list of objects', async (t) => {
  t.throws(() => parseStatsDocument([]), { code: 'OPR_ERR_DB_STATS_ANSWER' })
  t.throws(() => parseStatsDocument({ pools: [1] }), { code: 'OPR_ERR_DB_STATS_ANSWER' })
  t.same(parseStatsDocument({ pools: [], connections: { used: 9, active: 1 } }).connections, { used: 9, max: undefined, active: 1, idle: 0, idleInTx: 0 })
})

t.test('an unknown subcommand gets a usage reply listing them; nothing is run', async (t) => {
  const op = await operatorWith(t, { url: 'postgres://ops@127.0.0.1:1/app' })
  const expected = "db: unknown '%s'. Use: db, db connections, db slow, db locks, db replication, db size, db pool"
  t.equal(await op.exec('db drop'), expected.replace('%s', 'drop'))
  t.equal(await op.exec("db slow'; DROP TABLE users; --"), expected.replace('%s', "slow'; DROP TABLE users; --"))
  t.equal(await op.exec('db pool'), 'db pool needs DB_STATS_URL', 'the reason already names the command: not said twice')
})

t.test('config: one of DB_URL or DB_STATS_URL is required, and env names map as documented', async (t) => {
  await t.rejects(operatorWith(t, {}), /db/)
  await t.rejects(operatorWith(t, { url: 'mysql://x@y/z' }), /url/)
  const op = await operatorWith(t, {}, { DB_TYPE: 'postgres', DB_URL: 'postgres://ops:pw-55@127.0.0.1:1/app', DB_POOL_SIZE: '3' })
  t.equal(await op.exec('db'), 'db: postgres unreachable (connection refused)')
  // With an empty config file the installed first-party package is found and enabled because DB_URL is set.
  const daemon = await createTestOperator({ config: { plugins: [] }, env: { DB_URL: 'postgres://ops:pw-55@127.0.0.1:1/app' } })
  t.teardown(() => daemon.close())
  t.equal(await daemon.exec('db slow'), 'db: postgres unreachable (connection refused)')
  t.match(await daemon.exec('help db'), /db/)
})
