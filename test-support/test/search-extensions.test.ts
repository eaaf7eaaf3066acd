import t from 'tap';
import { fakeAws, fakeElasticsearch } from '../src/index.js';

t.test('elasticsearch answers a terms aggregation over the matching documents', async (t) => {
  const fake = await fakeElasticsearch();
  t.teardown(() => fake.close());
  fake.seedDocuments('logs-1', [
    { '@timestamp': 1, message: 'a', log: { level: 'error' }, service: { name: 'checkout' } },
    { '@timestamp': 2, message: 'b', log: { level: 'error' }, service: { name: 'checkout' } },
    { '@timestamp': 3, message: 'c', log: { level: 'error' }, service: { name: 'cart' } },
    { '@timestamp': 4, message: 'd', log: { level: 'error' } },
    { '@timestamp': 5, message: 'e', log: { level: 'info' }, service: { name: 'cart' } },
  ]);
  const res = await fetch(`${fake.url}/logs-*/_search`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      size: 0,
      query: { bool: { filter: [{ terms: { 'log.level': ['error'] } }] } },
      aggs: { services: { terms: { field: 'service.name.keyword', size: 1, missing: '(none)' } } },
    }),
  });
  const body = (await res.json()) as { hits: { total: { value: number } }; aggregations: unknown };
  t.equal(body.hits.total.value, 4);
  t.same(body.aggregations, {
    services: { doc_count_error_upper_bound: 0, sum_other_doc_count: 2, buckets: [{ key: 'checkout', doc_count: 2 }] },
  });

  const bad = await fetch(`${fake.url}/logs-*/_search`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ aggs: { x: { histogram: { field: 'n' } } } }),
  });
  t.equal(bad.status, 400, 'an aggregation type the fake does not know is a parsing_exception');
});

t.test('aws FilterLogEvents treats ?term terms as any-of', async (t) => {
  const fake = await fakeAws();
  t.teardown(() => fake.close());
  fake.seedLogEvents('/app', [
    { timestamp: 1, message: 'ERROR one' },
    { timestamp: 2, message: 'fatal two' },
    { timestamp: 3, message: 'info three' },
  ]);
  const res = await fetch(fake.url + '/', {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'Logs_20140328.FilterLogEvents',
      'x-amz-date': '20261124T190000Z',
      authorization: `AWS4-HMAC-SHA256 Credential=AKIDTEST/20261124/us-east-1/logs/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
    },
    body: JSON.stringify({ logGroupName: '/app', filterPattern: '?"ERROR" ?"fatal"' }),
  });
  const body = (await res.json()) as { events: Array<{ message: string }> };
  t.same(body.events.map((e) => e.message), ['ERROR one', 'fatal two']);
});
