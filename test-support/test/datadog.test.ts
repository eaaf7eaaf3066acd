import t from 'tap';
import { fakeDatadog } from '../src/index.js';

const keys = { apiKey: 'api-key-1', appKey: 'app-key-1' };
const headers = { 'DD-API-KEY': keys.apiKey, 'DD-APPLICATION-KEY': keys.appKey };

t.test('validate checks the API key only', async (t) => {
  const fake = await fakeDatadog(keys);
  t.teardown(() => fake.close());
  const ok = await fetch(`${fake.url}/api/v1/validate`, { headers: { 'DD-API-KEY': keys.apiKey } });
  t.equal(ok.status, 200);
  t.same(await ok.json(), { valid: true });
  const bad = await fetch(`${fake.url}/api/v1/validate`, { headers: { 'DD-API-KEY': 'nope' } });
  t.equal(bad.status, 403);
  t.same(await bad.json(), { errors: ['Forbidden'] });
});

t.test('query returns the seeded series in the documented shape', async (t) => {
  const fake = await fakeDatadog(keys);
  t.teardown(() => fake.close());
  const query = 'avg:system.cpu.user{*}by{host}';
  fake.seedQuery(query, [
    {
      metric: 'system.cpu.user',
      scope: 'host:web-1',
      pointlist: [
        [1764010500000, 12.5],
        [1764010560000, 13.1],
      ],
      unit: [{ family: 'percentage', name: 'percent', short_name: '%' }, null],
      aggr: 'avg',
    },
  ]);
  const url = `${fake.url}/api/v1/query?from=1764010500&to=1764010800&query=${encodeURIComponent(query)}`;
  const res = await fetch(url, { headers });
  t.equal(res.status, 200);
  const body = (await res.json()) as Record<string, unknown>;
  t.match(body, {
    status: 'ok',
    res_type: 'time_series',
    from_date: 1764010500000,
    to_date: 1764010800000,
    query,
    series: [
      {
        metric: 'system.cpu.user',
        display_name: 'system.cpu.user',
        scope: 'host:web-1',
        tag_set: ['host:web-1'],
        expression: query,
        pointlist: [
          [1764010500000, 12.5],
          [1764010560000, 13.1],
        ],
        length: 2,
        interval: 60,
        aggr: 'avg',
      },
    ],
  });
  t.equal(fake.requestsTo('/api/v1/query')[0]?.query.get('query'), query);
  const other = (await (await fetch(`${fake.url}/api/v1/query?from=1&to=2&query=sum:x{*}`, { headers })).json()) as { series: unknown[] };
  t.same(other.series, [], 'an unseeded query has no series');
});

t.test('query needs both keys and its parameters; a marked query is a 400 parse error', async (t) => {
  const fake = await fakeDatadog(keys);
  t.teardown(() => fake.close());
  fake.markBadQuery('avg:bad{');
  const noApp = await fetch(`${fake.url}/api/v1/query?from=1&to=2&query=x`, { headers: { 'DD-API-KEY': keys.apiKey } });
  t.equal(noApp.status, 403);
  t.same(await noApp.json(), { errors: ['Forbidden'] });
  const missing = await fetch(`${fake.url}/api/v1/query?from=1&to=2`, { headers });
  t.equal(missing.status, 400);
  const badTime = await fetch(`${fake.url}/api/v1/query?from=abc&to=2&query=x`, { headers });
  t.equal(badTime.status, 400);
  const bad = await fetch(`${fake.url}/api/v1/query?from=1&to=2&query=${encodeURIComponent('avg:bad{')}`, { headers });
  t.equal(bad.status, 400);
  const body = (await bad.json()) as { errors: string[] };
  t.match(body.errors[0], /^Error parsing query: /);
  t.equal((await fetch(`${fake.url}/api/v1/other`, { headers })).status, 404);
  t.equal((await fetch(`${fake.url}/api/v1/query`, { method: 'POST', headers })).status, 405);
});

t.test('monitors: group_states adds state.groups limited to those states; it does not filter monitors', async (t) => {
  const fake = await fakeDatadog(keys);
  t.teardown(() => fake.close());
  fake.seedMonitors([
    {
      id: 1,
      name: 'High CPU on web',
      overall_state: 'Alert',
      priority: 1,
      tags: ['service:web'],
      groups: { 'host:web-1': { status: 'Alert', last_triggered_ts: 1764010500 }, 'host:web-2': { status: 'OK' } },
    },
    { id: 2, name: 'Disk space', overall_state: 'OK', type: 'query alert' },
  ]);
  const res = await fetch(`${fake.url}/api/v1/monitor?group_states=alert,warn`, { headers });
  t.equal(res.status, 200);
  const list = (await res.json()) as Array<Record<string, unknown>>;
  t.equal(list.length, 2);
  t.match(list[0], {
    id: 1,
    name: 'High CPU on web',
    overall_state: 'Alert',
    type: 'metric alert',
    priority: 1,
    state: { groups: { 'host:web-1': { status: 'Alert', last_triggered_ts: 1764010500 } } },
  });
  t.notOk('host:web-2' in ((list[0]?.state as { groups: object }).groups), 'OK groups are left out');
  const plain = (await (await fetch(`${fake.url}/api/v1/monitor`, { headers })).json()) as Array<Record<string, unknown>>;
  t.same(plain[0]?.state, {});
  const all = (await (await fetch(`${fake.url}/api/v1/monitor?group_states=all`, { headers })).json()) as Array<{ state: { groups: object } }>;
  t.equal(Object.keys(all[0]?.state.groups ?? {}).length, 2);
  const byName = (await (await fetch(`${fake.url}/api/v1/monitor?name=disk`, { headers })).json()) as unknown[];
  t.equal(byName.length, 1);
  const byTag = (await (await fetch(`${fake.url}/api/v1/monitor?monitor_tags=service:web`, { headers })).json()) as unknown[];
  t.equal(byTag.length, 1);
  t.equal((await fetch(`${fake.url}/api/v1/monitor`, { headers: { 'DD-API-KEY': 'x', 'DD-APPLICATION-KEY': 'y' } })).status, 403);
});

t.test('rateLimit answers 429 with the X-RateLimit headers, then recovers', async (t) => {
  const fake = await fakeDatadog(keys);
  t.teardown(() => fake.close());
  fake.rateLimit({ limit: 100, period: 10, reset: 7 });
  const limited = await fetch(`${fake.url}/api/v1/validate`, { headers });
  t.equal(limited.status, 429);
  t.equal(limited.headers.get('x-ratelimit-limit'), '100');
  t.equal(limited.headers.get('x-ratelimit-period'), '10');
  t.equal(limited.headers.get('x-ratelimit-remaining'), '0');
  t.equal(limited.headers.get('x-ratelimit-reset'), '7');
  t.match(await limited.json(), { errors: [String] });
  t.equal((await fetch(`${fake.url}/api/v1/validate`, { headers })).status, 200);
  fake.rateLimit();
  t.equal((await fetch(`${fake.url}/api/v1/validate`, { headers })).headers.get('x-ratelimit-limit'), '1000');
});

t.test('monitors: without page every monitor in one answer; page and page_size page it, as the API does', async (t) => {
  const fake = await fakeDatadog(keys);
  t.teardown(() => fake.close());
  fake.seedMonitors(Array.from({ length: 250 }, (_, i) => ({ id: i + 1, name: `m${i + 1}`, overall_state: 'OK' as const })));
  const get = async (q: string) => {
    const res = await fetch(`${fake.url}/api/v1/monitor${q}`, { headers });
    return { status: res.status, body: (await res.json()) as Array<{ id: number; matching_downtimes?: unknown }> & { errors?: string[] } };
  };
  t.equal((await get('')).body.length, 250, 'no page: everything');
  t.equal((await get('?page_size=10')).body.length, 250, 'page_size alone does not page');
  const first = await get('?page=0');
  t.same([first.body.length, first.body[0]!.id], [100, 1], 'page alone: 100 per page');
  const third = await get('?page=2&page_size=100');
  t.same(third.body.map((m) => m.id), Array.from({ length: 50 }, (_, i) => 201 + i), 'the last page is short');
  t.same((await get('?page=3&page_size=100')).body, [], 'past the end: empty');
  t.same((await get('?page=1&page_size=1000')).body, []);
  t.equal((await get('?page=0&page_size=1001')).status, 400, 'at most 1000 per page');
  t.equal((await get('?page=-1')).status, 400);
  t.equal((await get('?page=0&page_size=0')).status, 400);
  t.same(first.body[0]!.matching_downtimes, [], 'with_downtimes defaults to true');
  t.notOk('matching_downtimes' in (await get('?page=0&with_downtimes=false')).body[0]!);
});
