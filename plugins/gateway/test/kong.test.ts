import t, { type Test } from 'tap'
import { fakeKong, type FakeKong } from '@operator/test-support'
import { gatewayOperator, sms } from './fixtures/helpers.js'

const TOKEN = 'kong-secret-token-7f3a'

async function seededKong (t: Test): Promise<FakeKong> {
  const kong = await fakeKong({ adminToken: TOKEN })
  t.teardown(async () => { await kong.close() })
  kong.seedServices(Array.from({ length: 12 }, (_, i) => ({ name: `svc-${i}` })))
  kong.seedRoutes(Array.from({ length: 30 }, (_, i) => ({ name: `route-${i}` })))
  kong.seedUpstreamHealth('api-up', [
    { target: '10.0.0.7:8080', health: 'UNHEALTHY' },
    { target: '10.0.0.8:8080', health: 'HEALTHY' }
  ])
  kong.seedUpstreamHealth('auth-up', [
    { target: 'auth.internal:443', health: 'DNS_ERROR' },
    { target: '10.0.1.1:443', health: 'HEALTHY' },
    { target: '10.0.1.2:443', health: 'HEALTHCHECKS_OFF' }
  ])
  kong.seedUpstreamHealth('web-up', [{ target: '10.0.2.1:80', health: 'HEALTHY' }])
  return kong
}

t.test('gateway summarises the kong node: db, connections, targets, counts, unhealthy targets by name', async (t) => {
  const kong = await seededKong(t)
  const op = await gatewayOperator(t, { type: 'kong', url: kong.url, adminKey: TOKEN })
  const reply = await sms(t, op, 'gateway')
  t.equal(reply.split('\n')[0], 'gateway DEGRADED 2 unhealthy, 17 conns, 3/5 targets healthy, health checks off for 1 target')
  t.match(reply, /12 services, 30 routes, 3 upstreams/)
  t.match(reply, /unhealthy: api-up 10\.0\.0\.7:8080, auth-up auth\.internal:443/)
  t.ok(kong.requests.length > 0)
  for (const r of kong.requests) t.equal(r.headers['kong-admin-token'], TOKEN, `${r.path} carried the admin token`)
  t.notMatch(reply, TOKEN)
})

t.test('gateway status details the node: version, db, connections, requests, counts', async (t) => {
  const kong = await seededKong(t)
  const op = await gatewayOperator(t, { type: 'kong', url: kong.url, adminKey: TOKEN })
  const reply = await sms(t, op, 'gateway status')
  t.equal(reply, [
    'kong 3.9.0: db reachable',
    'conns 17 active, 0 reading, 1 writing, 16 waiting',
    'requests 918k, accepted 4.24k, handled 4.24k',
    '12 services, 30 routes, 3 upstreams'
  ].join('\n'))
})

t.test('gateway upstreams lists targets that are not healthy first, and counts the healthy ones per upstream', async (t) => {
  const kong = await seededKong(t)
  const op = await gatewayOperator(t, { type: 'kong', url: kong.url, adminKey: TOKEN })
  const reply = await sms(t, op, 'gateway upstreams')
  t.equal(reply, [
    '3/5 targets healthy, 2 unhealthy, 1 with health checks off in 3 upstreams',
    'api-up 10.0.0.7:8080 UNHEALTHY',
    'auth-up auth.internal:443 DNS ERROR',
    'auth-up 10.0.1.2:443 health checks off',
    'healthy: api-up 1/2, auth-up 1/3, web-up 1/1'
  ].join('\n'))
  t.same(kong.requestsTo(/\/health$/).map((r) => r.path).sort(),
    ['/upstreams/api-up/health', '/upstreams/auth-up/health', '/upstreams/web-up/health'])
})

t.test('counts follow kong offset pagination', async (t) => {
  const kong = await fakeKong({ adminToken: TOKEN })
  t.teardown(async () => { await kong.close() })
  kong.seedRoutes(Array.from({ length: 2345 }, (_, i) => ({ name: `r${i}` })))
  const op = await gatewayOperator(t, { type: 'kong', url: kong.url, adminKey: TOKEN })
  const reply = await sms(t, op, 'gateway status')
  t.match(reply, /0 services, 2\.35k routes, 0 upstreams/)
  const pages = kong.requestsTo('/routes')
  t.equal(pages.length, 3, 'three pages of 1000')
  t.equal(pages[0]!.query.get('offset'), null)
  t.ok(pages[1]!.query.get('offset'), 'the second page asks for the offset kong gave')
})

t.test('a very large install is counted up to a bound and says so', async (t) => {
  const kong = await fakeKong()
  t.teardown(async () => { await kong.close() })
  kong.seedServices(Array.from({ length: 5001 }, (_, i) => ({ name: `s${i}` })))
  const op = await gatewayOperator(t, { type: 'kong', url: kong.url })
  t.match(await sms(t, op, 'gateway status'), /5k\+ services/)
  t.equal(kong.requestsTo('/services').length, 5)
})

t.test('health gateway and status show one line for the kong gateway', async (t) => {
  const kong = await seededKong(t)
  const op = await gatewayOperator(t, { type: 'kong', url: kong.url, adminKey: TOKEN })
  t.match(await op.exec('health gateway'), /^gateway DEGRADED 2 unhealthy, 17 conns, 3\/5 targets healthy, health checks off for 1 target \(\d+ms\)$/)
  t.equal(await op.statusLine('gateway'), 'gateway DEGRADED 2 unhealthy, 17 conns, 3/5 targets healthy, health checks off for 1 target')
  t.match(await op.exec('status'), /(: |; )gateway DEGRADED 2 unhealthy, 17 conns, 3\/5 targets healthy, health checks off for 1 target[.;]/, 'status leads with it')
})

t.test('a healthy kong node is ok; an unreachable database degrades it', async (t) => {
  const kong = await fakeKong({ adminToken: TOKEN })
  t.teardown(async () => { await kong.close() })
  kong.seedUpstreamHealth('web-up', [{ target: '10.0.2.1:80', health: 'HEALTHY' }])
  const op = await gatewayOperator(t, { type: 'kong', url: kong.url, adminKey: TOKEN })
  t.match(await op.exec('health gateway'), /^gateway ok 17 conns, 1\/1 targets healthy/)
  kong.setStatus({ database: { reachable: false } })
  t.match(await op.exec('health gateway'), /^gateway DEGRADED db unreachable, 17 conns, 1\/1 targets healthy/)
  t.match(await op.exec('gateway status'), /^kong 3\.9\.0: db UNREACHABLE/)
})

t.test('every target unhealthy means traffic is not getting through: DOWN', async (t) => {
  const kong = await fakeKong()
  t.teardown(async () => { await kong.close() })
  kong.seedUpstreamHealth('api-up', [{ target: '10.0.0.7:8080', health: 'UNHEALTHY' }])
  const op = await gatewayOperator(t, { type: 'kong', url: kong.url })
  t.equal(await op.statusLine('gateway'), 'gateway DOWN 1 unhealthy, 17 conns, 0/1 targets healthy')
})

t.test('a kong without upstreams says so', async (t) => {
  const kong = await fakeKong()
  t.teardown(async () => { await kong.close() })
  const op = await gatewayOperator(t, { type: 'kong', url: kong.url })
  t.equal(await op.exec('gateway upstreams'), 'kong has no upstreams')
  t.match(await op.exec('gateway'), /^gateway ok 17 conns, no upstreams/)
})

t.test('an unknown gateway view gets a usage line', async (t) => {
  const kong = await fakeKong()
  t.teardown(async () => { await kong.close() })
  const op = await gatewayOperator(t, { type: 'kong', url: kong.url })
  t.equal(await op.exec('gateway routes'), "Unknown gateway view 'routes'. Try: gateway, gateway status, gateway upstreams")
  t.equal(kong.requests.length, 0, 'nothing was asked of kong')
})

t.test('HEALTHCHECKS_OFF is reported as health checks off on its own, never counted as healthy', async (t) => {
  const kong = await fakeKong()
  t.teardown(async () => { await kong.close() })
  kong.seedUpstreamHealth('legacy-up', [
    { target: '10.0.3.1:80', health: 'HEALTHCHECKS_OFF' },
    { target: '10.0.3.2:80', health: 'HEALTHCHECKS_OFF' }
  ])
  const op = await gatewayOperator(t, { type: 'kong', url: kong.url })
  t.equal(await op.statusLine('gateway'), 'gateway ok 17 conns, health checks off for 2 targets', 'no "2/2 targets healthy": nobody checked them')
  t.equal(await op.exec('gateway upstreams'), '2 with health checks off in 1 upstreams\nlegacy-up 10.0.3.1:80 health checks off\nlegacy-up 10.0.3.2:80 health checks off')

  kong.seedUpstreamHealth('api-up', [{ target: '10.0.0.7:8080', health: 'UNHEALTHY' }])
  t.equal(await op.statusLine('gateway'), 'gateway DEGRADED 1 unhealthy, 17 conns, 0/1 targets healthy, health checks off for 2 targets',
    'the only checked target is down, but Kong still sends traffic to the unchecked ones: DEGRADED, not DOWN')
})

t.test('many targets that are not healthy: the first reply says +N more, and more sends the rest', async (t) => {
  const kong = await fakeKong()
  t.teardown(async () => { await kong.close() })
  kong.seedUpstreamHealth('big-up', Array.from({ length: 40 }, (_, i) => ({ target: `10.9.0.${i + 1}:8080`, health: i < 38 ? 'UNHEALTHY' : 'HEALTHY' })))
  const op = await gatewayOperator(t, { type: 'kong', url: kong.url })
  const reply = await sms(t, op, 'gateway upstreams')
  const lines = reply.split('\n')
  t.equal(lines[0], '2/40 targets healthy, 38 unhealthy in 1 upstreams')
  t.match(lines.at(-1), /^\+\d+ more: text MORE$/)
  const first = await op.exec('more', { channel: 'sms' })
  t.match(first, /^big-up 10\.9\.0\.\d+:8080 UNHEALTHY\n/, 'more goes on with the targets left out')
  let rest = first
  for (let page = first; !/\n\((\d+)\/\1\)$/.test(page) && /MORE$/.test(page);) rest += `\n${page = await op.exec('more', { channel: 'sms' })}`
  t.match(rest, /\nhealthy: big-up 2\/40(\n|$)/, 'down to the healthy count')
  t.equal(rest.match(/ UNHEALTHY/g)!.length + lines.length - 2, 38, 'every unhealthy target once')
})
