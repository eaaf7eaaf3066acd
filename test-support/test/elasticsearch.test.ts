import t from 'tap';
import { fakeElasticsearch } from '../src/index.js';

const basic = { username: 'elastic', password: 'changeme' };
const apiKey = { id: 'key-id', key: 'key-secret' };
const basicHeader = `Basic ${Buffer.from('elastic:changeme').toString('base64')}`;
const apiKeyHeader = `ApiKey ${Buffer.from('key-id:key-secret').toString('base64')}`;

async function seeded(t: { teardown(fn: () => unknown): void }) {
  const fake = await fakeElasticsearch({ auth: { basic, apiKey } });
  t.teardown(() => fake.close());
  fake.seedDocuments('logs-2026.11.24', [
    { _id: 'a1', '@timestamp': '2026-11-24T19:20:01.123Z', message: 'payment failed: card declined', log: { level: 'error' }, service: { name: 'checkout' } },
    { _id: 'a2', '@timestamp': '2026-11-24T19:21:00.000Z', message: 'Payment FAILED again', log: { level: 'error' }, service: { name: 'checkout' } },
    { _id: 'a3', '@timestamp': '2026-11-24T19:19:00.000Z', message: 'order placed', log: { level: 'info' }, service: { name: 'checkout' } },
  ]);
  fake.seedDocuments('logs-2026.11.23', [
    { _id: 'b1', '@timestamp': '2026-11-23T10:00:00.000Z', message: 'payment failed: timeout', log: { level: 'error' }, service: { name: 'billing' } },
  ]);
  return fake;
}

function search(url: string, index: string, body: unknown, auth = basicHeader) {
  return fetch(`${url}/${index}/_search`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

t.test('match_phrase matches analysed words in order, sorted by the sort field, with hits.total', async (t) => {
  const fake = await seeded(t);
  const query = { size: 10, sort: [{ '@timestamp': { order: 'desc' } }], query: { bool: { must: [{ match_phrase: { message: 'payment failed' } }] } } };
  const res = await search(fake.url, 'logs-*', query);
  t.equal(res.status, 200);
  t.equal(res.headers.get('x-elastic-product'), 'Elasticsearch');
  const body = (await res.json()) as { hits: { total: unknown; hits: Array<{ _id: string; _index: string; sort: number[] }> } };
  t.same(body.hits.total, { value: 3, relation: 'eq' });
  t.same(body.hits.hits.map((h) => h._id), ['a2', 'a1', 'b1']);
  t.equal(body.hits.hits[1]?._index, 'logs-2026.11.24');
  t.same(body.hits.hits[1]?.sort, [Date.parse('2026-11-24T19:20:01.123Z')]);
  t.same(fake.searches, [query], 'the query body is recorded for assertions');
});

t.test('bool filters: term, terms, range with date math, must_not, should, exists, multi_match; size and from', async (t) => {
  const fake = await seeded(t);
  const ids = async (body: unknown, index = 'logs-*') =>
    ((await (await search(fake.url, index, body)).json()) as { hits: { hits: Array<{ _id: string }> } }).hits.hits.map((h) => h._id);
  t.same(await ids({ query: { bool: { filter: [{ term: { 'service.name': 'billing' } }] } } }), ['b1']);
  t.same(await ids({ query: { terms: { 'log.level': ['info'] } } }), ['a3']);
  t.same(
    await ids({ query: { bool: { filter: [{ range: { '@timestamp': { gte: '2026-11-24T19:20:00Z', lt: Date.parse('2026-11-24T19:21:00Z') } } }] } } }),
    ['a1'],
  );
  t.same(await ids({ query: { range: { '@timestamp': { gte: 'now-15m' } } } }), [], 'date math relative to now');
  t.same(await ids({ query: { range: { '@timestamp': { lte: 'now' } } } }), ['a2', 'a1', 'a3', 'b1']);
  t.same(await ids({ query: { bool: { must: { match: { message: { query: 'payment' } } }, must_not: [{ match: { message: 'timeout' } }] } } }), ['a2', 'a1']);
  t.same(await ids({ query: { bool: { should: [{ match: { message: 'order' } }, { match: { message: 'timeout' } }] } } }), ['a3', 'b1']);
  t.same(await ids({ query: { exists: { field: 'log.level' } } }), ['a2', 'a1', 'a3', 'b1']);
  t.same(await ids({ query: { multi_match: { query: 'checkout', fields: ['service.name'] } } }), ['a2', 'a1', 'a3']);
  t.same(await ids({ query: { match_all: {} }, size: 2, from: 1 }), ['a1', 'a3']);
  t.same(await ids({ query: { query_string: { query: 'anything:at AND all' } } }), ['a2', 'a1', 'a3', 'b1'], 'query_string is not interpreted');
  t.same(await ids({}, 'logs-2026.11.23,logs-2026.11.24'), ['a2', 'a1', 'a3', 'b1']);
  t.same(await ids({}, 'nomatch-*'), [], 'a wildcard matching nothing is empty, not 404');
});

t.test('errors: 404 index_not_found, 400 parsing_exception, 400 scripted search failure', async (t) => {
  const fake = await seeded(t);
  const missing = await search(fake.url, 'nope', {});
  t.equal(missing.status, 404);
  t.match(await missing.json(), { error: { root_cause: [{ type: 'index_not_found_exception', reason: 'no such index [nope]' }], type: 'index_not_found_exception' }, status: 404 });
  const unknown = await search(fake.url, 'logs-*', { query: { fuzzy_thing: { message: 'x' } } });
  t.equal(unknown.status, 400);
  t.match(await unknown.json(), { error: { type: 'parsing_exception', reason: 'unknown query [fuzzy_thing]' }, status: 400 });
  const malformed = await search(fake.url, 'logs-*', { query: { match: {} } });
  t.equal(malformed.status, 400);
  const twoKeys = await search(fake.url, 'logs-*', { query: { match: { message: 'a' }, term: { x: 'y' } } });
  t.equal(twoKeys.status, 400);
  const notJson = await fetch(`${fake.url}/logs-*/_search`, { method: 'POST', headers: { authorization: basicHeader, 'content-type': 'application/json' }, body: '{' });
  t.match(await notJson.json(), { error: { type: 'x_content_parse_exception' } });
  fake.failNextSearch('Failed to parse query [level:]');
  const failed = await search(fake.url, 'logs-*', { query: { match_all: {} } });
  t.equal(failed.status, 400);
  t.match(await failed.json(), {
    error: { root_cause: [{ type: 'query_shard_exception', reason: 'Failed to parse query [level:]' }], type: 'search_phase_execution_exception' },
    status: 400,
  });
  t.equal((await search(fake.url, 'logs-*', {})).status, 200, 'only the next search fails');
  const unknownRoute = await fetch(`${fake.url}/_cat/indices`, { headers: { authorization: basicHeader } });
  t.equal(unknownRoute.status, 400);
});

t.test('auth: Basic and ApiKey accepted; missing or wrong credentials are 401 security_exception', async (t) => {
  const fake = await seeded(t);
  t.equal((await search(fake.url, 'logs-*', {}, apiKeyHeader)).status, 200);
  const wrongBasic = await search(fake.url, 'logs-*', {}, `Basic ${Buffer.from('elastic:nope').toString('base64')}`);
  t.equal(wrongBasic.status, 401);
  t.match(wrongBasic.headers.get('www-authenticate'), /Basic realm="security"/);
  t.match(await wrongBasic.json(), { error: { type: 'security_exception', reason: /unable to authenticate user \[elastic\]/ }, status: 401 });
  const wrongKey = await search(fake.url, 'logs-*', {}, `ApiKey ${Buffer.from('key-id:nope').toString('base64')}`);
  t.equal(wrongKey.status, 401);
  const none = await fetch(`${fake.url}/_cluster/health`);
  t.equal(none.status, 401);
  t.match(await none.json(), { error: { type: 'security_exception', reason: /missing authentication credentials/ } });
});

t.test('cluster health and root info, seedable; no auth configured means anonymous access', async (t) => {
  const fake = await fakeElasticsearch();
  t.teardown(() => fake.close());
  const health = await fetch(`${fake.url}/_cluster/health`);
  t.match(await health.json(), { cluster_name: 'fake-cluster', status: 'green', number_of_nodes: 3, unassigned_shards: 0 });
  fake.setClusterHealth({ status: 'red', unassigned_shards: 4 });
  t.match(await (await fetch(`${fake.url}/_cluster/health`)).json(), { status: 'red', unassigned_shards: 4 });
  t.match(await (await fetch(`${fake.url}/`)).json(), { version: { number: String }, tagline: 'You Know, for Search' });
  fake.seedDocuments('idx', [{ message: 'no id', '@timestamp': 1764012001123 }, { message: 'bad time', '@timestamp': 'yesterday' }]);
  const res = await fetch(`${fake.url}/idx/_search`);
  t.match(await res.json(), { hits: { total: { value: 2 }, hits: [{ _id: '1' }, { _id: '2' }] } });
});

t.test('text fields are analysed like the standard analyzer: whole lower-cased words, never substrings', async (t) => {
  const fake = await seeded(t);
  const ids = async (query: unknown) =>
    ((await (await search(fake.url, 'logs-*', { query })).json()) as { hits: { hits: Array<{ _id: string }> } }).hits.hits.map((h) => h._id);
  t.same(await ids({ match_phrase: { message: 'PAYMENT   Failed' } }), ['a2', 'a1', 'b1'], 'case and spacing do not matter');
  t.same(await ids({ match_phrase: { message: 'paym' } }), [], 'a part of a word matches nothing');
  t.same(await ids({ match_phrase: { message: 'failed payment' } }), [], 'a phrase keeps its order');
  t.same(await ids({ match_phrase: { message: '!!! ...' } }), [], 'text with no words matches nothing');
  t.same(await ids({ match: { message: '!!!' } }), []);
  t.same(await ids({ match: { message: { query: 'card timeout', operator: 'and' } } }), []);
  t.same(await ids({ match: { message: 'card timeout' } }), ['a1', 'b1'], 'match is any word by default');
  t.same(await ids({ match_phrase_prefix: { message: 'card decl' } }), ['a1']);
  t.same(await ids({ terms: { 'log.level': ['ERROR'] } }), [], 'a term is not analysed: ERROR is not the indexed token error');
  t.same(await ids({ term: { 'service.name.keyword': 'checkout' } }), ['a2', 'a1', 'a3'], 'the .keyword sub-field holds the whole value');
  t.same(await ids({ match_phrase: { 'service.name.keyword': 'check' } }), [], 'a keyword field matches whole values only');
  t.same(await ids({ match_phrase: { nothere: 'x' } }), [], 'an unmapped field matches nothing');
});

t.test('a terms aggregation on a text field fails as in Elasticsearch; on its keyword sub-field it works', async (t) => {
  const fake = await seeded(t);
  const text = await search(fake.url, 'logs-*', { size: 0, aggs: { s: { terms: { field: 'service.name' } } } });
  t.equal(text.status, 400);
  t.match(await text.json(), {
    error: { type: 'search_phase_execution_exception', root_cause: [{ type: 'illegal_argument_exception', reason: /^Fielddata is disabled on \[service\.name\] in \[logs-2026\.11\.2[34]\]\. Text fields are not optimised/ }] },
    status: 400,
  });
  const keyword = await search(fake.url, 'logs-*', { size: 0, aggs: { s: { terms: { field: 'service.name.keyword' } } } });
  t.match(await keyword.json(), { aggregations: { s: { buckets: [{ key: 'checkout', doc_count: 3 }, { key: 'billing', doc_count: 1 }] } } });
  const unmapped = await search(fake.url, 'logs-*', { size: 0, aggs: { s: { terms: { field: 'nothere', missing: '(none)' } } } });
  t.match(await unmapped.json(), { aggregations: { s: { buckets: [{ key: '(none)', doc_count: 4 }] } } });
  const sortText = await search(fake.url, 'logs-*', { sort: ['message'] });
  t.equal(sortText.status, 400, 'sorting on a text field fails the same way');
  const sortUnmapped = await search(fake.url, 'logs-*', { sort: [{ nothere: 'asc' }] });
  t.match(await sortUnmapped.json(), { error: { root_cause: [{ reason: 'No mapping found for [nothere] in order to sort on' }] } });
  const malformed = await search(fake.url, 'logs-*', { sort: [42] });
  t.equal(malformed.status, 400);
  t.equal((await search(fake.url, 'logs-*', { sort: [{}] })).status, 400);
});

t.test('_field_caps tells text from keyword fields, per index when they differ', async (t) => {
  const fake = await seeded(t);
  fake.setMapping('logs-ecs', { 'service.name': 'keyword', '@timestamp': 'date' });
  fake.seedDocuments('logs-ecs', [{ '@timestamp': '2026-11-24T19:00:00Z', message: 'x', service: { name: 'cart' } }]);
  const caps = async (fields: string | undefined, index = 'logs-2026.*') => {
    const q = fields === undefined ? '' : `?fields=${encodeURIComponent(fields)}`;
    const res = await fetch(`${fake.url}/${index}/_field_caps${q}`, { headers: { authorization: basicHeader } });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const one = await caps('service.name*');
  t.same(one.body.indices, ['logs-2026.11.23', 'logs-2026.11.24']);
  t.same(one.body.fields, {
    'service.name': { text: { type: 'text', metadata_field: false, searchable: true, aggregatable: false } },
    'service.name.keyword': { keyword: { type: 'keyword', metadata_field: false, searchable: true, aggregatable: true } },
  });
  const mixed = await caps('service.name', 'logs-*');
  t.same(Object.keys(mixed.body.fields['service.name']).sort(), ['keyword', 'text']);
  t.same(mixed.body.fields['service.name'].keyword.indices, ['logs-ecs']);
  t.equal((await caps('@timestamp')).body.fields['@timestamp'].date.aggregatable, true);
  t.same((await caps('nothere')).body.fields, {});
  fake.seedDocuments('logs-2026.11.23', [{ '@timestamp': '2026-11-23T11:00:00Z', ok: true, gone: null, ratio: 0.5, count: 3 }]);
  const typed = (await caps('ok,gone,ratio,count')).body.fields;
  t.same(Object.keys(typed).sort(), ['count', 'ok', 'ratio'], 'a null value maps nothing');
  t.same([typed.ok.boolean.type, typed.ratio.double.type, typed.count.long.type], ['boolean', 'double', 'long']);
  t.equal((await caps(undefined)).status, 400);
  t.equal((await caps('x', 'missing-index')).status, 404);
});

t.test('date_nanos: sort values in nanoseconds, or formatted when the sort asks for a format', async (t) => {
  const fake = await fakeElasticsearch();
  t.teardown(() => fake.close());
  fake.setMapping('nanos', { '@timestamp': 'date_nanos', 'service.name': 'keyword' });
  fake.seedDocuments('nanos', [
    { _id: 'n1', '@timestamp': '2026-11-24T19:20:01.123456789Z', message: 'later' },
    { _id: 'n2', '@timestamp': '2026-11-24T19:20:01.123Z', message: 'earlier' },
    { _id: 'n3', message: 'no time' },
  ]);
  const sorted = async (sort: unknown) => {
    const res = await fetch(`${fake.url}/nanos/_search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sort }) });
    return ((await res.json()) as { hits: { hits: Array<{ _id: string; sort: unknown[] }> } }).hits.hits;
  };
  const plain = await sorted([{ '@timestamp': { order: 'desc' } }]);
  t.same(plain.map((h) => h._id), ['n1', 'n2', 'n3'], 'nanosecond order; a document without the field last');
  t.ok((plain[0]!.sort[0] as number) > 1e18, 'the sort value is nanoseconds since the epoch');
  const formatted = await sorted([{ '@timestamp': { order: 'desc', format: 'strict_date_optional_time_nanos' } }]);
  t.same(formatted.map((h) => h.sort[0]).slice(0, 2), ['2026-11-24T19:20:01.123456789Z', '2026-11-24T19:20:01.123000000Z']);
  const asc = await sorted([{ '@timestamp': 'asc' }]);
  t.same(asc.map((h) => h._id), ['n2', 'n1', 'n3']);
  t.same((await sorted(['message.keyword'])).map((h) => h.sort[0]).slice(0, 3), ['earlier', 'later', 'no time'], 'keyword values sort as text');
  fake.seedDocuments('nanos', [
    { _id: 'e1', '@timestamp': 1764012001000, message: 'epoch ms number' },
    { _id: 'e2', '@timestamp': '1764012002000', message: 'epoch ms text' },
    { _id: 'e3', '@timestamp': { bad: true }, message: 'not a date' },
  ]);
  const mixed = await sorted([{ '@timestamp': { order: 'asc' } }]);
  t.same(mixed.map((h) => h._id).slice(0, 3), ['e3', 'e1', 'e2'], 'epoch milliseconds as a number or text; an unreadable value sorts first as 0');
  t.equal(mixed.find((h) => h._id === 'e1')!.sort[0], 1764012001000 * 1e6);
  const ms = await sorted([{ ts: { order: 'desc', unmapped_type: 'date' } }]);
  t.equal(ms.length, 6, 'an unmapped sort field with unmapped_type sorts nothing away');
  const dates = await fakeElasticsearch();
  t.teardown(() => dates.close());
  dates.seedDocuments('d', [{ '@timestamp': '2026-11-24T19:20:01.123Z', n: 2 }, { '@timestamp': 1764012001000, n: 1.5 }]);
  const res = await fetch(`${dates.url}/d/_search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sort: [{ '@timestamp': { order: 'desc', format: 'strict_date_optional_time' } }] }) });
  t.match(await res.json(), { hits: { hits: [{ sort: ['2026-11-24T19:20:01.123Z'] }, { sort: ['2025-11-24T19:20:01.000Z'] }] } });
  const byNumber = await fetch(`${dates.url}/d/_search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sort: ['n'] }) });
  t.match(await byNumber.json(), { hits: { hits: [{ sort: [1.5] }, { sort: [2] }] } });
});

t.test('cluster health needs the monitor privilege; Serverless does not offer it', async (t) => {
  const fake = await fakeElasticsearch({
    auth: { apiKey: { id: 'reader', key: 'k', clusterPrivileges: [] }, basic: { username: 'ops', password: 'pw', clusterPrivileges: ['monitor'] } },
  });
  t.teardown(() => fake.close());
  fake.seedDocuments('logs-1', [{ '@timestamp': '2026-11-24T19:20:01Z', message: 'hello' }]);
  const key = `ApiKey ${Buffer.from('reader:k').toString('base64')}`;
  const denied = await fetch(`${fake.url}/_cluster/health`, { headers: { authorization: key } });
  t.equal(denied.status, 403);
  t.match(await denied.json(), {
    error: { type: 'security_exception', reason: 'action [cluster:monitor/health] is unauthorized for API key id [reader] of user [elastic], this action is granted by the cluster privileges [monitor,manage,all]' },
    status: 403,
  });
  t.equal((await search(fake.url, 'logs-*', {}, key)).status, 200, 'the same key searches');
  const monitorOnly = await fakeElasticsearch({ auth: { apiKey: { id: 'mon', key: 'k', clusterPrivileges: ['monitor'], indexPrivileges: ['view_index_metadata'] } } });
  t.teardown(() => monitorOnly.close());
  monitorOnly.seedDocuments('logs-1', [{ '@timestamp': '2026-11-24T19:20:01Z', message: 'hello' }]);
  const monKey = `ApiKey ${Buffer.from('mon:k').toString('base64')}`;
  const noRead = await search(monitorOnly.url, 'logs-*', {}, monKey);
  t.equal(noRead.status, 403);
  t.match(await noRead.json(), { error: { reason: 'action [indices:data/read/search] is unauthorized for API key id [mon] of user [elastic] on indices [logs-1], this action is granted by the index privileges [read,all]' } });
  const noCaps = await fetch(`${monitorOnly.url}/logs-*/_field_caps?fields=x`, { headers: { authorization: monKey } });
  t.match(await noCaps.json(), { error: { reason: /^action \[indices:data\/read\/field_caps\] is unauthorized/ } });
  t.equal((await fetch(`${fake.url}/_cluster/health`, { headers: { authorization: `Basic ${Buffer.from('ops:pw').toString('base64')}` } })).status, 200);
  const serverless = await fakeElasticsearch({ serverless: true });
  t.teardown(() => serverless.close());
  const gone = await fetch(`${serverless.url}/_cluster/health`);
  t.equal(gone.status, 410);
  t.match(await gone.json(), { error: { type: 'api_not_available_exception' } });
  t.match(await (await fetch(`${serverless.url}/`)).json(), { version: { build_flavor: 'serverless' } });
});

t.test('hits.total follows track_total_hits; from + size is bounded by the result window', async (t) => {
  const fake = await fakeElasticsearch();
  t.teardown(() => fake.close());
  fake.seedDocuments('many', Array.from({ length: 12 }, (_, i) => ({ '@timestamp': 1764012000000 + i, message: `m ${i}` })));
  const total = async (body: Record<string, unknown>) => {
    const res = await fetch(`${fake.url}/many/_search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ size: 0, ...body }) });
    return ((await res.json()) as { hits: { total?: unknown } }).hits.total;
  };
  t.same(await total({}), { value: 12, relation: 'eq' }, 'below the default 10,000 the count is exact');
  t.same(await total({ track_total_hits: 5 }), { value: 5, relation: 'gte' }, 'a number caps the count');
  t.same(await total({ track_total_hits: true }), { value: 12, relation: 'eq' });
  t.equal(await total({ track_total_hits: false }), undefined, 'false leaves the total out');
  const res = await fetch(`${fake.url}/many/_search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: 9995, size: 10 }) });
  t.equal(res.status, 400);
  t.match(await res.json(), { error: { type: 'illegal_argument_exception', reason: /^Result window is too large/ } });
});

t.test('an explicit text field with a named keyword sub-field; array values are each indexed', async (t) => {
  const fake = await fakeElasticsearch();
  t.teardown(() => fake.close());
  fake.setMapping('tags', { tag: 'text', 'tag.keyword': 'keyword', code: 'keyword' });
  fake.seedDocuments('tags', [
    { _id: 't1', '@timestamp': '2026-11-24T19:00:00Z', tag: ['Blue Green', 'red'], code: 'A-1', labels: [{ k: 'x' }] },
    { _id: 't2', '@timestamp': '2026-11-24T19:01:00Z', tag: 'yellow', code: null },
  ]);
  const ids = async (query: unknown) =>
    ((await (await search(fake.url, 'tags', { query })).json()) as { hits: { hits: Array<{ _id: string }> } }).hits.hits.map((h) => h._id);
  t.same(await ids({ term: { 'tag.keyword': 'red' } }), ['t1'], 'the keyword sub-field reads the text field\'s values');
  t.same(await ids({ match_phrase: { tag: 'green' } }), ['t1']);
  t.same(await ids({ term: { code: 'A-1' } }), ['t1']);
  t.same(await ids({ exists: { field: 'code' } }), ['t1'], 'null is no value');
  t.same(await ids({ exists: { field: 'labels.k' } }), ['t1'], 'objects in arrays are walked for the mapping');
  t.same(await ids({ exists: { field: 'labels.nothere' } }), []);
  t.same(await ids({ exists: { field: 'tag.deeper' } }), [], 'text values have no fields');
  const res = await search(fake.url, 'tags', { size: 0, aggs: { t: { terms: { field: 'tag.keyword' } } } });
  t.match(await res.json(), { aggregations: { t: { buckets: [{ key: 'Blue Green', doc_count: 1 }, { key: 'red', doc_count: 1 }, { key: 'yellow', doc_count: 1 }] } } });
});
