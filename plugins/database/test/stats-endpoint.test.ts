// DB_STATS_URL as an http(s) JSON document (the original guide's form), read through core's HTTP client.
import t from 'tap'
import { fakeJsonEndpoint } from '@operator/test-support'
import { operatorWith } from './helpers/postgres.js'

const DOC = {
  connections: { active: 12, idle: 30, idle_in_transaction: 2, max: 200 },
  pools: [
    { database: 'app', user: 'web', cl_active: 40, cl_waiting: 0, sv_active: 10, sv_idle: 5, sv_used: 0, maxwait: 0, maxwait_us: 0, pool_mode: 'transaction' },
    { database: 'app', user: 'worker', cl_active: 8, cl_waiting: 3, sv_active: 4, sv_idle: 0, sv_used: 0, maxwait: 7, maxwait_us: 250000, pool_mode: 'transaction' }
  ]
}

t.test('db pool and db read the documented JSON shape, waiting pools first', async (t) => {
  const endpoint = await fakeJsonEndpoint(DOC, { path: '/stats' })
  t.teardown(() => endpoint.close())
  const op = await operatorWith(t, { statsUrl: `${endpoint.url}/stats` })
  t.equal(await op.exec('db pool'), [
    'stats endpoint: 2 pools, 48 clients active, 3 waiting (longest 7s)',
    'app/worker: cl_active 8, cl_waiting 3, sv_active 4, sv_idle 0, maxwait 7s',
    'app/web: cl_active 40, cl_waiting 0, sv_active 10, sv_idle 5, maxwait 0ms'
  ].join('\n'))
  t.equal(await op.exec('db'), 'conn 44/200: 12 active, 30 idle, 2 idle in tx\npgbouncer: 3 clients waiting, longest 7s')
  const status = await op.statusLine('db')
  t.equal(status, 'db DEGRADED 44/200 conn, pgbouncer 3 waiting', 'a client waiting 7s (over 5s) degrades the status')
  t.match(await op.exec('health db'), /^db ok stats endpoint ok \(\d+ms\)$/)
  t.ok(endpoint.requests.every((r) => r.method === 'GET' && r.path === '/stats'), 'only GET /stats was asked for')
})

t.test('a JSON answer without a pools list, or an HTTP error, is one line', async (t) => {
  const endpoint = await fakeJsonEndpoint({ status: 'fine' })
  t.teardown(() => endpoint.close())
  const op = await operatorWith(t, { statsUrl: `${endpoint.url}/stats` })
  t.equal(await op.exec('db pool'), 'db: stats endpoint sent no "pools" list')
  endpoint.setBody({ error: 'boom' }, 500)
  t.equal(await op.exec('db pool'), 'db: stats endpoint answered HTTP 500')
  t.match(await op.exec('health db'), /^db DOWN stats endpoint answered HTTP 500 \(\d+ms\)$/)
  t.equal(await op.statusLine('db'), 'db DOWN stats endpoint answered HTTP 500')
})

t.test('basic auth in the stats URL is sent as a header and never shown', async (t) => {
  const endpoint = await fakeJsonEndpoint(DOC)
  t.teardown(() => endpoint.close())
  const url = endpoint.url.replace('http://', 'http://ops:stats-pass-991@')
  const op = await operatorWith(t, { statsUrl: `${url}/stats` })
  const reply = await op.exec('db pool')
  t.match(reply, /^stats endpoint: 2 pools/)
  t.equal(endpoint.requests[0]?.headers.authorization, `Basic ${Buffer.from('ops:stats-pass-991').toString('base64')}`)
  t.equal(endpoint.requests[0]?.path, '/stats', 'the credentials are not in the request line')
  await endpoint.close()
  const down = await op.exec('db pool')
  t.equal(down, 'db: stats endpoint unreachable (connection refused)')
  t.notOk(`${reply}${down}`.includes('stats-pass-991'))
})
