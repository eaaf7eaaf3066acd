import t, { type Test } from 'tap'
import { fakeElasticsearch, type FakeElasticsearch } from '@operator/test-support'
import { operatorWith, sms, coreHttp, fullConfig, lastMinutes, HOSTILE, MINUTE } from './fixtures/harness.js'
import { createElasticsearchDriver, searchableWords } from '../src/drivers/elasticsearch.js'


async function seeded (t: Test, options: Parameters<typeof fakeElasticsearch>[0] = {}): Promise<FakeElasticsearch> {
  const es = await fakeElasticsearch(options)
  t.teardown(() => es.close())
  const now = Date.now()
  const doc = (agoMin: number, service: string, level: string, message: string) => ({
    '@timestamp': new Date(now - agoMin * MINUTE).toISOString(),
    message,
    log: { level },
    service: { name: service }
  })
  es.seedDocuments('logs-2026.11.24', [
    doc(1, 'checkout', 'error', 'payment timeout talking to bank'),
    doc(2, 'checkout', 'warn', 'slow payment timeout retry'),
    doc(3, 'cart', 'error', 'redis timeout'),
    doc(5, 'cart', 'info', 'cart saved'),
    doc(40, 'checkout', 'error', 'old timeout outside the window'),
    ...Array.from({ length: 8 }, (_, i) => doc(6 + i, 'search', 'error', `query timeout number ${i}`))
  ])
  return es
}

t.test('logs <text> shows the count and the newest lines first, one line each', async (t) => {
  const es = await seeded(t)
  const op = await operatorWith(t, { type: 'elasticsearch', url: es.url })
  const reply = await sms(t, op, 'logs timeout')
  const lines = reply.split('\n')
  t.equal(lines[0], '11 matches in 15m, newest 5:')
  t.match(lines[1], /^\d\d:\d\d:\d\d \[checkout\/error\] payment timeout talking to bank$/)
  t.match(lines[2], /\[checkout\/warn\] slow payment timeout retry$/)
  t.match(lines[3], /\[cart\/error\] redis timeout$/)
  t.equal(lines.length, 6)
  t.notMatch(reply, /old timeout/, 'lines outside the window are not shown')

  const body = es.searches[0] as Record<string, any>
  t.equal(body.track_total_hits, true, 'asks for an exact total')
  t.equal(body.size, 5)
  t.same(body.sort, [{ '@timestamp': { order: 'desc', unmapped_type: 'date' } }], 'newest first by the timestamp field')
  const [range, phrase] = body.query.bool.filter
  t.same(phrase, { match_phrase: { message: { query: 'timeout' } } })
  t.equal(range.range['@timestamp'].lte - range.range['@timestamp'].gte, 15 * MINUTE, 'the range covers the 15m window')
  t.equal(es.requests[0]!.path, '/logs-*/_search', 'searches the default index pattern')
  t.equal(es.requests[0]!.method, 'POST')
})

t.test('logs <text> since 1h widens the window and says so', async (t) => {
  const es = await seeded(t)
  const op = await operatorWith(t, { type: 'elasticsearch', url: es.url })
  const reply = await sms(t, op, 'logs old timeout since 1h')
  t.equal(reply.split('\n')[0], '1 match in 1h, newest 1:')
  t.match(reply, /old timeout outside the window/)
  const range = (es.searches[0] as any).query.bool.filter[0].range['@timestamp']
  t.equal(range.lte - range.gte, 60 * MINUTE)
})

t.test('logs with no match says so plainly', async (t) => {
  const es = await seeded(t)
  const op = await operatorWith(t, { type: 'elasticsearch', url: es.url })
  t.equal(await sms(t, op, 'logs nothing-like-this'), 'No log lines matching "nothing-like-this" in the last 15m (whole words only).')
})

t.test('hostile text reaches Elasticsearch only as a match_phrase value, never as query syntax', async (t) => {
  const es = await seeded(t)
  const driver = createElasticsearchDriver(fullConfig({ url: es.url }), await coreHttp(t))
  const window = lastMinutes(15)
  for (const text of HOSTILE) {
    const before = es.searches.length
    if (searchableWords(text).length === 0) {
      await t.rejects(driver.search(text, window, 5, AbortSignal.timeout(3000)), { code: 'OPR_ERR_COMMAND_USAGE' }, `${JSON.stringify(text)} has no words: not sent`)
      t.equal(es.searches.length, before)
      continue
    }
    const result = await driver.search(text, window, 5, AbortSignal.timeout(3000))
    t.equal(result.total, 0, `${JSON.stringify(text)} matches nothing`)
    const body = es.searches.at(-1) as any
    t.same(body.query.bool.filter[1], { match_phrase: { message: { query: text } } }, `${JSON.stringify(text)} is the phrase, verbatim`)
    t.notMatch(JSON.stringify(body), /query_string/, 'no query_string anywhere')
  }
})

t.test('hostile text through the command is still one phrase', async (t) => {
  const es = await seeded(t)
  const op = await operatorWith(t, { type: 'elasticsearch', url: es.url })
  t.equal(await sms(t, op, 'logs message:* OR service.name:cart'), 'No log lines matching "message:* OR service.name:cart" in the last 15m (whole words only).')
  t.same((es.searches[0] as any).query.bool.filter[1], { match_phrase: { message: { query: 'message:* OR service.name:cart' } } })
})

t.test('configured index and field names are used', async (t) => {
  const es = await fakeElasticsearch()
  t.teardown(() => es.close())
  es.seedDocuments('app-prod', [{ ts: Date.now() - MINUTE, msg: 'disk full on node-3', lvl: 'crit', svc: 'storage' }])
  const op = await operatorWith(t, {
    type: 'elasticsearch', url: es.url, index: 'app-*', timestampField: 'ts', messageField: 'msg', levelField: 'lvl', serviceField: 'svc'
  })
  const reply = await sms(t, op, 'logs disk full')
  t.match(reply, /^1 match in 15m, newest 1:\n\d\d:\d\d:\d\d \[storage\/crit\] disk full on node-3$/)
  t.equal(es.requests[0]!.path, '/app-*/_search')
  t.same((es.searches[0] as any).sort, [{ ts: { order: 'desc', unmapped_type: 'date' } }])
})

t.test('basic auth and API keys are sent, and never appear in a reply', async (t) => {
  const es = await seeded(t, { auth: { basic: { username: 'operator', password: 's3cret-pw' }, apiKey: { id: 'kid', key: 'k3y-secret' } } })
  const basic = await operatorWith(t, { type: 'elasticsearch', url: es.url, username: 'operator', password: 's3cret-pw' })
  t.match(await sms(t, basic, 'logs redis'), /^1 match in 15m/)
  t.equal(es.requests.at(-1)!.headers.authorization, `Basic ${Buffer.from('operator:s3cret-pw').toString('base64')}`)

  const keyed = await operatorWith(t, { type: 'elasticsearch', url: es.url, apiKey: 'kid:k3y-secret' })
  t.match(await sms(t, keyed, 'logs redis'), /^1 match in 15m/)
  t.equal(es.requests.at(-1)!.headers.authorization, `ApiKey ${Buffer.from('kid:k3y-secret').toString('base64')}`)

  const encoded = await operatorWith(t, { type: 'elasticsearch', url: es.url, apiKey: Buffer.from('kid:k3y-secret').toString('base64') })
  t.match(await sms(t, encoded, 'logs redis'), /^1 match in 15m/, 'an already encoded key is sent as given')

  const wrong = await operatorWith(t, { type: 'elasticsearch', url: es.url, username: 'operator', password: 'wrong-s3cret' })
  const reply = await sms(t, wrong, 'logs redis')
  t.equal(reply, 'logs: elasticsearch refused the credentials (HTTP 401)')
  const health = await sms(t, wrong, 'health logs')
  t.match(health, /^logs DOWN elasticsearch refused the credentials \(HTTP 401\)/)
  for (const r of [reply, health]) t.notMatch(r, /s3cret|k3y-secret/)
})

t.test('errors from Elasticsearch become one line with its own reason', async (t) => {
  const es = await seeded(t)
  const op = await operatorWith(t, { type: 'elasticsearch', url: es.url })

  es.failNextSearch('failed to create query: field [message] of type [keyword] does not support phrase queries')
  t.equal(await sms(t, op, 'logs timeout'),
    'logs: elasticsearch rejected the query: failed to create query: field [message] of type [keyword] does not support phrase queries')

  es.fault('/logs-*/_search', { status: 503, body: { error: { root_cause: [{ type: 'x', reason: 'all shards failed' }] }, status: 503 } }, { times: 1 })
  t.equal(await sms(t, op, 'logs timeout'), 'logs: elasticsearch failed (HTTP 503): all shards failed')

  es.fault('/logs-*/_search', 'malformed-json', { times: 1 })
  t.equal(await sms(t, op, 'logs timeout'), 'logs: elasticsearch sent a non-JSON answer')

  const missing = await operatorWith(t, { type: 'elasticsearch', url: es.url, index: 'nope' })
  t.equal(await sms(t, missing, 'logs timeout'), 'logs: elasticsearch rejected the query: no such index [nope]')
})

t.test('an unreachable or hanging Elasticsearch is one line within the deadline', async (t) => {
  const es = await seeded(t)
  const url = es.url
  const hanging = await operatorWith(t, { type: 'elasticsearch', url, requestTimeoutMs: 300 })
  es.fault('/logs-*/_search', 'hang')
  t.equal(await sms(t, hanging, 'logs timeout'), 'logs: elasticsearch timed out (no answer in 300ms)')
  await es.close()
  const reply = await sms(t, hanging, 'logs timeout')
  t.equal(reply, 'logs: elasticsearch unreachable (connection refused)')
})

t.test('health and status read _cluster/health: green ok, yellow degraded, red down', async (t) => {
  const es = await seeded(t)
  const op = await operatorWith(t, { type: 'elasticsearch', url: es.url })
  t.match(await sms(t, op, 'health logs'), /^logs ok green, 3 nodes \(\d+ms\)$/)
  t.equal(await op.statusLine('logs'), 'logs ok green, 3 nodes, 10 errors in 15m')
  es.setClusterHealth({ status: 'yellow', unassigned_shards: 4 })
  t.match(await sms(t, op, 'health logs'), /^logs DEGRADED yellow, 3 nodes, 4 unassigned shards/)
  es.setClusterHealth({ status: 'red', number_of_nodes: 1, unassigned_shards: 1 })
  t.match(await sms(t, op, 'status'), /(: |; )logs DOWN red, 1 node, 1 unassigned shard/)
  t.ok(es.requestsTo('/_cluster/health', 'GET').length >= 4)
})

t.test('logs errors counts error lines per service with a terms aggregation', async (t) => {
  const es = await seeded(t)
  const op = await operatorWith(t, { type: 'elasticsearch', url: es.url })
  const reply = await sms(t, op, 'logs errors')
  t.equal(reply, '10 error lines in 15m:\nsearch 8\ncart 1\ncheckout 1')
  const body = es.searches.at(-1) as any
  t.equal(body.size, 0)
  t.same(body.aggs.services.terms.field, 'service.name.keyword', 'service.name is text under dynamic mapping: its keyword sub-field aggregates')
  t.ok(body.query.bool.filter[1].terms['log.level'].includes('ERROR'), 'level variants in upper case too')
  t.equal(await sms(t, op, 'logs errors since 1h'), '11 error lines in 1h:\nsearch 8\ncheckout 2\ncart 1')
})


t.test('status is DEGRADED, with the error count unknown, when the cluster answers but searches fail', async (t) => {
  const es = await seeded(t)
  const op = await operatorWith(t, { type: 'elasticsearch', url: es.url })
  es.fault(/\/_search$/, { status: 500, body: 'boom' })
  t.match(await sms(t, op, 'status'), /(: |; )logs DEGRADED green, 3 nodes, errors unknown \(elasticsearch failed \(HTTP 500\)\)[.;]/)
  t.match(await sms(t, op, 'health logs'), /^logs ok green, 3 nodes/, 'the health check reads the cluster, which answers')
})

t.test('a search-only API key: health and status fall back to a search and name the missing monitor privilege', async (t) => {
  const es = await seeded(t, { auth: { apiKey: { id: 'reader', key: 'r3ad-only', clusterPrivileges: [] } } })
  const op = await operatorWith(t, { type: 'elasticsearch', url: es.url, apiKey: 'reader:r3ad-only' })
  t.match(await sms(t, op, 'health logs'), /^logs ok search ok, no monitor privilege for cluster health \(\d+ms\)$/)
  t.match(await op.statusLine('logs'), /^logs ok search ok, no monitor privilege for cluster health, 10 errors in 15m$/)
  t.match(await sms(t, op, 'logs redis'), /^1 match in 15m/, 'searches work with the same key')
  t.equal(es.requestsTo('/_cluster/health').length, 2, 'cluster health was asked, and refused')
  const fallback = es.searches.find((b: any) => b.size === 0 && b.aggs === undefined) as any
  t.same(fallback, { size: 0, track_total_hits: false, query: { match_all: {} } }, 'the fallback is the cheapest search')

  es.fault('/logs-*/_search', { status: 403, body: { error: { root_cause: [{ type: 'security_exception', reason: 'denied' }] }, status: 403 } })
  t.match(await sms(t, op, 'health logs'), /^logs DOWN elasticsearch refused the credentials \(HTTP 403\)/, 'a key that cannot search either is DOWN')

  const noRead = await seeded(t, { auth: { apiKey: { id: 'mon', key: 'm0nitor', clusterPrivileges: ['monitor'], indexPrivileges: [] } } })
  const monitorOnly = await operatorWith(t, { type: 'elasticsearch', url: noRead.url, apiKey: 'mon:m0nitor' })
  t.equal(await sms(t, monitorOnly, 'logs redis'), 'logs: elasticsearch denied indices:data/read/search: the key needs the read index privilege')
  t.match(await sms(t, monitorOnly, 'status'), /(: |; )logs DEGRADED green, 3 nodes, errors unknown \(elasticsearch denied indices:data\/read\/search/m)
})

t.test('on Serverless, where cluster health is not offered, health is a search', async (t) => {
  const es = await seeded(t, { serverless: true })
  const op = await operatorWith(t, { type: 'elasticsearch', url: es.url })
  t.match(await sms(t, op, 'health logs'), /^logs ok search ok, no cluster health API here/)
})

t.test('match_phrase matches whole words: a part of a word finds nothing, and text without words is not sent', async (t) => {
  const es = await seeded(t)
  es.seedDocuments('logs-2026.11.24', [{ '@timestamp': new Date().toISOString(), message: 'upstream connect error: Connection REFUSED', log: { level: 'error' }, service: { name: 'edge' } }])
  const op = await operatorWith(t, { type: 'elasticsearch', url: es.url })
  t.equal(await sms(t, op, 'logs refus'), 'No log lines matching "refus" in the last 15m (whole words only).')
  t.match(await sms(t, op, 'logs connection refused'), /^1 match in 15m, newest 1:\n.*\[edge\/error\] upstream connect error: Connection REFUSED$/, 'whole words, any case')
  const searches = es.searches.length
  t.equal(await sms(t, op, 'logs !!!'), 'Nothing to search for in "!!!": Elasticsearch matches whole words (letters or digits), e.g. logs timeout.')
  t.equal(es.searches.length, searches, 'nothing was sent')
})

t.test('logs errors aggregates on a keyword field: _field_caps decides, asked once', async (t) => {
  const now = Date.now()
  const ecs = await fakeElasticsearch()
  t.teardown(() => ecs.close())
  ecs.setMapping('logs-ecs', { 'service.name': 'keyword', 'log.level': 'keyword' })
  ecs.seedDocuments('logs-ecs', [
    { '@timestamp': new Date(now - MINUTE).toISOString(), message: 'a', log: { level: 'ERROR' }, service: { name: 'checkout' } },
    { '@timestamp': new Date(now - MINUTE).toISOString(), message: 'b', log: { level: 'info' }, service: { name: 'cart' } }
  ])
  const op = await operatorWith(t, { type: 'elasticsearch', url: ecs.url })
  t.equal(await sms(t, op, 'logs errors'), '1 error line in 15m:\ncheckout 1')
  t.equal(await sms(t, op, 'logs errors since 1h'), '1 error line in 1h:\ncheckout 1')
  t.equal((ecs.searches.at(-1) as any).aggs.services.terms.field, 'service.name', 'a keyword field aggregates as it is')
  const caps = ecs.requestsTo('/logs-*/_field_caps')
  t.equal(caps.length, 1, 'the field is looked up once')
  t.equal(caps[0]!.query.get('fields'), 'service.name,service.name.keyword')

  const textOnly = await fakeElasticsearch()
  t.teardown(() => textOnly.close())
  textOnly.setMapping('logs-x', { 'service.name': 'text', 'log.level': 'keyword' })
  textOnly.seedDocuments('logs-x', [{ '@timestamp': new Date(now).toISOString(), message: 'a', log: { level: 'error' }, service: { name: 'checkout' } }])
  const bad = await operatorWith(t, { type: 'elasticsearch', url: textOnly.url })
  t.equal(await sms(t, bad, 'logs errors'),
    'logs: elasticsearch cannot count per service: service.name is a text field without a keyword sub-field (set LOGS_SERVICE_FIELD to a keyword field)')
})

t.test('when _field_caps cannot be asked, logs errors assumes the .keyword sub-field and asks again next time', async (t) => {
  const es = await seeded(t)
  const op = await operatorWith(t, { type: 'elasticsearch', url: es.url })
  es.fault('/logs-*/_field_caps', { status: 403, body: { error: { type: 'security_exception', reason: 'no' }, status: 403 } }, { times: 1 })
  t.equal(await sms(t, op, 'logs errors'), '10 error lines in 15m:\nsearch 8\ncart 1\ncheckout 1')
  t.equal((es.searches.at(-1) as any).aggs.services.terms.field, 'service.name.keyword')
  t.equal(await sms(t, op, 'logs errors'), '10 error lines in 15m:\nsearch 8\ncart 1\ncheckout 1')
  t.equal(es.requestsTo('/logs-*/_field_caps').length, 2, 'a failed lookup is not remembered')

  const missing = await operatorWith(t, { type: 'elasticsearch', url: es.url, index: 'nope' })
  t.equal(await sms(t, missing, 'logs errors'), 'logs: elasticsearch rejected the query: no such index [nope]')
})

t.test('a date_nanos timestamp reads as the right time (sort values are nanoseconds)', async (t) => {
  const es = await fakeElasticsearch()
  t.teardown(() => es.close())
  es.setMapping('logs-nanos', { '@timestamp': 'date_nanos' })
  const at = new Date(Date.now() - 2 * MINUTE)
  const iso = at.toISOString().replace('Z', '123456Z')
  es.seedDocuments('logs-nanos', [{ '@timestamp': iso, message: 'nanosecond line', log: { level: 'error' }, service: { name: 'edge' } }])
  const op = await operatorWith(t, { type: 'elasticsearch', url: es.url })
  const reply = await sms(t, op, 'logs nanosecond')
  t.equal(reply, `1 match in 15m, newest 1:\n${at.toISOString().slice(11, 19)} [edge/error] nanosecond line`)
  t.ok(((es.searches[0] as any).sort[0]['@timestamp'].order) === 'desc')
})

t.test('without sort values, times come from _source: ISO text with any fraction, epoch ms or ns, as text or numbers', async (t) => {
  const es = await seeded(t)
  const op = await operatorWith(t, { type: 'elasticsearch', url: es.url })
  const at = Date.now() - MINUTE
  const hit = (ts: unknown, extra: Record<string, unknown> = {}) => ({ _index: 'x', _id: String(ts), _score: null, _source: { '@timestamp': ts, message: `at ${typeof ts}`, ...extra } })
  es.fault('/logs-*/_search', {
    status: 200,
    body: {
      hits: {
        total: 6,
        hits: [
          hit(new Date(at).toISOString().replace('Z', '987654Z'), { service: { name: ['edge', 'other'] }, log: { level: 3 } }),
          hit(String(at)),
          hit(String(BigInt(at) * 1_000_000n)),
          hit(at * 1_000_000, { log: { level: true } }),
          hit('not a time'),
          hit(null)
        ]
      }
    }
  }, { times: 1 })
  const lines = (await sms(t, op, 'logs at')).split('\n')
  const clock = new Date(at).toISOString().slice(11, 19)
  t.equal(lines[0], '6 matches in 15m, newest 6:', 'a bare number total is read too')
  t.equal(lines[1], `${clock} [edge/3] at string`, 'ISO with nanoseconds; the first of an array; a number as text')
  t.equal(lines[2], `${clock} at string`, 'epoch milliseconds as text')
  t.equal(lines[3], `${clock} at string`, 'epoch nanoseconds as text')
  t.equal(lines[4], `${clock} [true] at number`, 'epoch nanoseconds as a number')
  t.equal(lines[5], '00:00:00 at string', 'an unreadable time shows as the epoch rather than failing the reply')
  t.equal(lines[6], '00:00:00 at object', 'so does a missing one')
})
