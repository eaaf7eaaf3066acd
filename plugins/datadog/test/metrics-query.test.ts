import t from 'tap'
import { API_KEY, APP_KEY, points, setup } from './fixtures/setup.js'

const CPU = 'avg:system.cpu.user{*}by{host}'
const percent = { family: 'percentage', name: 'percent', short_name: '%' }

t.test('sends both keys as headers and the query over the last 5 minutes', async (t) => {
  const { fake, op } = await setup(t, {}, (f) => f.seedQuery(CPU, [
    { metric: 'system.cpu.user', scope: 'host:web-1', pointlist: points(10, 12.5) }
  ]))
  await op.exec(`metrics ${CPU}`)
  const [req] = fake.requestsTo('/api/v1/query')
  t.ok(req, 'the query reached Datadog')
  t.equal(req!.headers['dd-api-key'], API_KEY)
  t.equal(req!.headers['dd-application-key'], APP_KEY)
  t.equal(req!.query.get('query'), CPU)
  const from = Number(req!.query.get('from'))
  const to = Number(req!.query.get('to'))
  t.equal(to - from, 300, 'a 300 s window')
  t.ok(Math.abs(to - Date.now() / 1000) < 60, 'ending now, in epoch seconds')
})

t.test('one line per series, highest last value first, only the tags that tell series apart', async (t) => {
  const { op } = await setup(t, {}, (f) => f.seedQuery(CPU, [
    { metric: 'system.cpu.user', scope: 'env:prod,host:web-1', pointlist: points(10, 12.3456), unit: [percent, null] },
    { metric: 'system.cpu.user', scope: 'env:prod,host:web-2', pointlist: points(90, 87.654, null), unit: [percent, null] },
    { metric: 'system.cpu.user', scope: 'env:prod,host:web-3', pointlist: points(null, null) }
  ]))
  t.equal(await op.exec(`metrics ${CPU}`), 'web-2 87.7%\nweb-1 12.3%\nweb-3 no data')
})

t.test('a named query sends its Datadog query; config adds and overrides names', async (t) => {
  const { fake, op } = await setup(t, { queries: { checkout: 'sum:checkout.orders{*}', cpu: 'max:system.cpu.user{*}' } }, (f) => {
    f.seedQuery('sum:checkout.orders{*}', [{ metric: 'checkout.orders', pointlist: points(1234567) }])
    f.seedQuery('avg:system.load.1{*}by{host}', [{ metric: 'system.load.1', scope: 'host:db-1', pointlist: points(0.5) }])
  })
  t.equal(await op.exec('metrics checkout'), '1.23M', 'a single series with nothing to tell apart is its value alone')
  t.equal(await op.exec('metrics LOAD'), 'db-1 0.5', 'names are case-insensitive; a single series keeps its tags')
  await op.exec('metrics cpu')
  t.same(fake.requestsTo('/api/v1/query').map((r) => r.query.get('query')),
    ['sum:checkout.orders{*}', 'avg:system.load.1{*}by{host}', 'max:system.cpu.user{*}'])
})

t.test('metrics alone names the named queries on one line; more sends what each asks', async (t) => {
  const { fake, op } = await setup(t, { queries: { checkout: 'sum:checkout.orders{*}' } })
  t.equal(await op.exec('metrics'), 'Named queries: checkout, cpu, disk, errors, load, memory, up. Text metrics <name> [over 1h], or MORE for their queries.')
  t.equal(await op.exec('more'), [
    'checkout: sum:checkout.orders{*}',
    'cpu: avg:system.cpu.user{*}by{host}',
    'disk: max:system.disk.in_use{*}by{host}',
    'errors: sum:trace.http.request.errors{*}by{service}.as_count()',
    'load: avg:system.load.1{*}by{host}',
    'memory: avg:system.mem.used{*}by{host}',
    'up: avg:datadog.agent.running{*}by{host}'
  ].join('\n'))
  t.match((await op.dispatch('metrics', { channel: 'json' })).reply, /^Named queries: checkout, .*, up\. Text metrics <name> \[over 1h\]:\ncheckout: sum:checkout\.orders\{\*\}\n/, 'listed below it where there is no more')
  t.equal(fake.requests.length, 0, 'nothing asked of Datadog')
})

t.test('an unknown single word names the known queries instead of asking Datadog', async (t) => {
  const { fake, op } = await setup(t)
  t.match(await op.exec('metrics cpuu'), /^No query named 'cpuu'\. Named: cpu, disk, errors, load, memory, up\./)
  t.equal(fake.requests.length, 0)
})

t.test('over 1h asks for an hour and shows min / avg / max / last per series', async (t) => {
  const { fake, op } = await setup(t, {}, (f) => f.seedQuery(CPU, [
    { metric: 'system.cpu.user', scope: 'host:web-1', pointlist: points(1, 2, 3, null, 6), unit: [percent, null] },
    { metric: 'system.cpu.user', scope: 'host:web-2', pointlist: points(20, 40, 30) }
  ]))
  t.equal(await op.exec('metrics cpu over 1h'),
    'cpu over 1h, min/avg/max/last:\nweb-2 20/30/40/30\nweb-1 1/3/6/6%')
  const [req] = fake.requestsTo('/api/v1/query')
  t.equal(Number(req!.query.get('to')) - Number(req!.query.get('from')), 3600)
})

t.test('a bad range answers with how to write one', async (t) => {
  const { fake, op } = await setup(t)
  t.equal(await op.exec('metrics cpu over soon'), "'soon' is not a duration: try over 15m, over 1h or over 1d")
  t.equal(await op.exec('metrics cpu over 40d'), 'The range must be between 1m and 31d.')
  t.equal(fake.requests.length, 0)
})

t.test('no series says so, naming the query and the window', async (t) => {
  const { op } = await setup(t)
  t.equal(await op.exec('metrics cpu'), 'No series for cpu in the last 5m.')
  t.equal(await op.exec('metrics avg:nothing.here{*} over 2h'), 'No series for avg:nothing.here{*} over 2h.')
})

t.test('a query returning several metrics labels each line with its metric', async (t) => {
  const q = 'avg:system.load.1{*},avg:system.load.5{*}'
  const { op } = await setup(t, {}, (f) => f.seedQuery(q, [
    { metric: 'system.load.1', pointlist: points(2) },
    { metric: 'system.load.5', pointlist: points(1.5) }
  ]))
  t.equal(await op.exec(`metrics ${q}`), 'system.load.1 2\nsystem.load.5 1.5')
})

t.test('series of one metric and scope that differ only by aggregation are labelled with it: no bare values', async (t) => {
  const Q = 'avg:system.cpu.user{*},max:system.cpu.user{*}'
  const { op } = await setup(t, {}, (f) => f.seedQuery(Q, [
    { metric: 'system.cpu.user', aggr: 'avg', pointlist: points(10, 12) },
    { metric: 'system.cpu.user', aggr: 'max', pointlist: points(40, 55) }
  ]))
  t.equal(await op.exec(`metrics ${Q}`), 'max:system.cpu.user 55\navg:system.cpu.user 12')
})
