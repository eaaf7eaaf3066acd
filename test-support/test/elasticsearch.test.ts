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

t.test('match_phrase filters by substring, sorted by @timestamp desc, with hits.total', async (t) => {
  const fake = await seeded(t);
  const query = { size: 10, query: { bool: { must: [{ match_phrase: { message: 'payment failed' } }] } } };
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
