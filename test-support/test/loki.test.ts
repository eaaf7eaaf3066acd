import t from 'tap';
import { fakeLoki, parseLogQuery } from '../src/index.js';

const base = 1_764_012_000_000n * 1_000_000n; // ns

function qr(url: string, params: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(`${url}/loki/api/v1/query_range?${new URLSearchParams(params).toString()}`, { headers });
}

async function seeded(t: { teardown(fn: () => unknown): void }, options = {}) {
  const fake = await fakeLoki(options);
  t.teardown(() => fake.close());
  fake.seedStreams([
    {
      stream: { app: 'checkout', level: 'error' },
      values: [
        [(base + 1n).toString(), 'payment "failed" for order 1'],
        [(base + 3n).toString(), 'payment failed for order 2'],
      ],
    },
    { stream: { app: 'checkout', level: 'info' }, values: [[(base + 2n).toString(), 'order placed']] },
    { stream: { app: 'billing', level: 'error' }, values: [[(base + 4n).toString(), 'invoice failed']] },
  ]);
  return fake;
}

t.test('query_range filters by selector, line filter and time, newest first, grouped into streams', async (t) => {
  const fake = await seeded(t);
  const query = '{app="checkout"} |= "failed"';
  const res = await qr(fake.url, { query, start: base.toString(), end: (base + 10n).toString(), limit: '100', direction: 'backward' });
  t.equal(res.status, 200);
  const body = (await res.json()) as { status: string; data: { resultType: string; result: Array<{ stream: object; values: string[][] }> } };
  t.equal(body.status, 'success');
  t.equal(body.data.resultType, 'streams');
  t.same(body.data.result, [
    {
      stream: { app: 'checkout', level: 'error' },
      values: [
        [(base + 3n).toString(), 'payment failed for order 2'],
        [(base + 1n).toString(), 'payment "failed" for order 1'],
      ],
    },
  ]);
  t.same(fake.queries[0], { query, start: base, end: base + 10n, limit: 100, direction: 'backward', orgId: undefined });
});

t.test('limit, direction forward, exclusive end, regex matchers and filters, escapes', async (t) => {
  const fake = await seeded(t);
  const lines = async (params: Record<string, string>) => {
    const body = (await (await qr(fake.url, { start: base.toString(), end: (base + 10n).toString(), ...params })).json()) as {
      data: { result: Array<{ values: string[][] }> };
    };
    return body.data.result.flatMap((s) => s.values.map((v) => v[1]));
  };
  t.same(await lines({ query: '{app=~"check.*"}', limit: '2', direction: 'forward' }), ['payment "failed" for order 1', 'order placed']);
  t.same(await lines({ query: '{app="checkout"}', end: (base + 3n).toString() }), ['order placed', 'payment "failed" for order 1'], 'end is exclusive');
  t.same(await lines({ query: '{app="checkout"} |= "\\"failed\\""' }), ['payment "failed" for order 1'], 'Go escapes in double quotes');
  t.same(await lines({ query: '{app="checkout"} |= `"failed"`' }), ['payment "failed" for order 1'], 'back-quoted literal');
  t.same(await lines({ query: '{level="error", app!="billing"} != "order 2"' }), ['payment "failed" for order 1']);
  t.same(await lines({ query: '{app=~".+", app!~"check.*"} |~ "inv.ice" !~ "zzz"' }), ['invoice failed']);
  t.same(await lines({ query: '{app="checkout"} |= "failed" | json' }).then((l) => l.length), 2, 'parser stages are ignored');
  t.same(await lines({ query: '{app="checkout"}', start: '2026-01-01T00:00:00Z', end: '2026-01-02T00:00:00Z' }), [], 'RFC3339 times');
  t.same(await lines({ query: '{app="checkout"}', start: '1764011999', end: '1764012001.5' }), ['payment failed for order 2', 'payment "failed" for order 1', 'order placed'], 'seconds; grouped by stream');
  t.same(await lines({ query: '{app="checkout"}', start: '', end: '' }), [], 'defaults to the last hour');
});

t.test('parse errors are plain-text 400s, as are scripted ones', async (t) => {
  const fake = await seeded(t);
  fake.rejectQuery('{app="checkout"} |= "x"');
  const cases = [
    'app="checkout"',
    '{app="checkout"',
    '{app=~".*"}',
    '{}',
    '{app="checkout"} |= failed',
    '{app="checkout"} |= "unterminated',
    '{app="checkout"} |~ "("',
    'rate({app="x"}[5m])',
    '{app}',
    '{1app="x"}',
    '{app="checkout"} |= "\\q"',
    '{app="checkout"} xyz',
    '{app="checkout"} |= `open',
    '{app="checkout"} |= "x"',
  ];
  for (const query of cases) {
    const res = await qr(fake.url, { query });
    t.equal(res.status, 400, query);
    t.match(res.headers.get('content-type'), /text\/plain/);
    t.match(await res.text(), /parse error/, query);
  }
  t.equal((await qr(fake.url, { query: '' })).status, 400);
  t.equal((await qr(fake.url, { query: '{app="x"}', start: 'garbage' })).status, 400);
  t.equal((await qr(fake.url, { query: '{app="x"}', limit: '0' })).status, 400);
  t.equal((await qr(fake.url, { query: '{app="x"}', direction: 'sideways' })).status, 400);
  t.equal((await qr(fake.url, { query: '{app="x"}', start: '20', end: '10' })).status, 400);
  t.throws(() => parseLogQuery('{app="x"} |= "a\\'), /parse error/);
});

t.test('GET /ready; 404 elsewhere', async (t) => {
  const fake = await fakeLoki();
  t.teardown(() => fake.close());
  const ready = await fetch(`${fake.url}/ready`);
  t.equal(ready.status, 200);
  t.equal(await ready.text(), 'ready\n');
  t.equal((await fetch(`${fake.url}/loki/api/v1/labels`)).status, 404);
});

t.test('orgId: missing header is 401 no org id; another tenant sees nothing', async (t) => {
  const fake = await seeded(t, { orgId: 'tenant-a' });
  fake.addLine({ app: 'checkout' }, new Date(Number(base / 1_000_000n)), 'from a Date');
  fake.addLine({ app: 'checkout' }, Number(base / 1_000_000n), 'from millis');
  fake.addLine({ app: 'checkout' }, base + 5n, 'from ns');
  const params = { query: '{app="checkout"}', start: base.toString(), end: (base + 10n).toString() };
  const none = await qr(fake.url, params);
  t.equal(none.status, 401);
  t.equal(await none.text(), 'no org id\n');
  const other = (await (await qr(fake.url, params, { 'X-Scope-OrgID': 'tenant-b' })).json()) as { data: { result: unknown[] } };
  t.same(other.data.result, []);
  const mine = (await (await qr(fake.url, params, { 'X-Scope-OrgID': 'tenant-a' })).json()) as { data: { result: Array<{ values: unknown[] }> } };
  t.equal(mine.data.result.flatMap((s) => s.values).length, 6);
  t.equal(fake.queries.at(-1)?.orgId, 'tenant-a');
});

t.test('basicAuth: wrong or missing credentials are 401', async (t) => {
  const fake = await seeded(t, { basicAuth: { username: 'loki', password: 'pw' } });
  const params = { query: '{app="checkout"}' };
  t.equal((await qr(fake.url, params)).status, 401);
  t.equal((await qr(fake.url, params, { authorization: `Basic ${Buffer.from('loki:bad').toString('base64')}` })).status, 401);
  t.equal((await qr(fake.url, params, { authorization: `Basic ${Buffer.from('loki:pw').toString('base64')}` })).status, 200);
});

t.test('Loki 3 structured metadata: a selector cannot match it, a label filter after the selector can', async (t) => {
  const fake = await fakeLoki();
  t.teardown(() => fake.close());
  fake.addLine({ service_name: 'checkout' }, base + 1n, 'payment failed', { detected_level: 'error', trace_id: 'abc' });
  fake.addLine({ service_name: 'checkout' }, base + 2n, 'order placed', { detected_level: 'info' });
  fake.addLine({ service_name: 'cart', level: 'ERROR' }, base + 3n, 'redis down');
  const ask = async (query: string) => {
    const res = await qr(fake.url, { query, start: base.toString(), end: (base + 10n).toString() });
    return { status: res.status, body: res.status === 200 ? ((await res.json()) as { data: { result: Array<{ stream: Record<string, string>; values: string[][] }> } }) : await res.text() };
  };
  const lines = async (query: string) => {
    const { body } = await ask(query);
    return typeof body === 'string' ? body : body.data.result.flatMap((s) => s.values.map((v) => v[1]));
  };
  t.same(await lines('{service_name=~".+", detected_level=~"error"}'), [], 'metadata is not an indexed label: the selector matches nothing');
  t.same(await lines('{service_name=~".+"} | detected_level=~"error"'), ['payment failed']);
  t.same(await lines('{service_name=~".+"} | detected_level="error" or level=~"ERROR|error"'), ['redis down', 'payment failed'], 'or across label and metadata');
  t.same(await lines('{service_name=~".+"} | detected_level="info" and trace_id="abc"'), []);
  t.same(await lines('{service_name=~".+"} | detected_level="error" and trace_id="abc" |= "payment"'), ['payment failed']);
  t.same(await lines('{service_name=~".+"} | detected_level!~"error|info"'), ['redis down'], 'a missing label is empty');
  const { body } = await ask('{service_name="checkout"} | detected_level=~"error"');
  t.same(typeof body === 'string' ? body : body.data.result[0]!.stream, { service_name: 'checkout', detected_level: 'error', trace_id: 'abc' }, 'metadata comes back merged into the stream labels');
  const bad = await ask('{service_name=~".+"} | level="x" or');
  t.equal(bad.status, 400);
  t.match(bad.body, /parse error/);
  t.equal((await ask('{service_name=~".+"} | level=~"("')).status, 400);
});

t.test('an overloaded Loki answers 429 too many outstanding requests', async (t) => {
  const fake = await seeded(t);
  fake.overload();
  const res = await qr(fake.url, { query: '{app="checkout"}' });
  t.equal(res.status, 429);
  t.equal(await res.text(), 'too many outstanding requests\n');
  t.equal((await qr(fake.url, { query: '{app="checkout"}' })).status, 200, 'only the next query');
});

t.test('Loki default limits: at most 5000 entries per query and 721h per range', async (t) => {
  const fake = await seeded(t);
  const tooMany = await qr(fake.url, { query: '{app="checkout"}', limit: '5001' });
  t.equal(tooMany.status, 400);
  t.equal(await tooMany.text(), 'max entries limit per query exceeded, limit > max_entries_limit_per_query (5001 > 5000)\n');
  t.equal((await qr(fake.url, { query: '{app="checkout"}', limit: '5000' })).status, 200);
  const tooLong = await qr(fake.url, { query: '{app="checkout"}', start: (base - 722n * 3_600_000_000_000n).toString(), end: base.toString() });
  t.equal(tooLong.status, 400);
  t.match(await tooLong.text(), /^the query time range exceeds the limit \(query length: 722h, limit: 721h\)/);
});
