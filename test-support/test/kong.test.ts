import t from 'tap';
import { fakeKong } from '../src/index.js';

t.test('a configured admin token is required: 401 with the documented message', async (t) => {
  const fake = await fakeKong({ adminToken: 's3cret' });
  t.teardown(() => fake.close());
  const attempts: Array<Record<string, string>> = [{}, { 'Kong-Admin-Token': 'wrong' }];
  for (const headers of attempts) {
    const res = await fetch(`${fake.url}/status`, { headers });
    t.equal(res.status, 401);
    t.same(await res.json(), { message: 'Invalid credentials. Token or User credentials required' });
  }
  const ok = await fetch(`${fake.url}/status`, { headers: { 'Kong-Admin-Token': 's3cret' } });
  t.equal(ok.status, 200);
  t.match(await ok.json(), { database: { reachable: true }, server: { connections_active: 17, total_requests: 918273 } });
});

t.test('status is seedable; / answers node info; unknown paths 404; writes 405', async (t) => {
  const fake = await fakeKong();
  t.teardown(() => fake.close());
  fake.setStatus({ database: { reachable: false } });
  t.match(await (await fetch(`${fake.url}/status`)).json(), { database: { reachable: false } });
  t.match(await (await fetch(`${fake.url}/`)).json(), { version: String });
  const missing = await fetch(`${fake.url}/plugins/x`);
  t.equal(missing.status, 404);
  t.same(await missing.json(), { message: 'Not found' });
  t.equal((await fetch(`${fake.url}/services`, { method: 'POST' })).status, 405);
});

t.test('collections page with size and offset until next is null', async (t) => {
  const fake = await fakeKong();
  t.teardown(() => fake.close());
  fake.seedServices(Array.from({ length: 5 }, (_, i) => ({ name: `svc-${i}`, host: `svc-${i}.internal`, port: 8080 })));
  fake.seedRoutes([{ name: 'r1', paths: ['/checkout'] }]);
  const names: string[] = [];
  let next: string | null = '/services?size=2';
  let pages = 0;
  while (next !== null) {
    const body = (await (await fetch(`${fake.url}${next}`)).json()) as { data: Array<{ name: string; id: string }>; next: string | null; offset?: string };
    names.push(...body.data.map((s) => s.name));
    t.ok(body.data.every((s) => typeof s.id === 'string'));
    if (body.next !== null) t.type(body.offset, 'string');
    next = body.next;
    pages += 1;
  }
  t.equal(pages, 3);
  t.same(names, ['svc-0', 'svc-1', 'svc-2', 'svc-3', 'svc-4']);
  const all = (await (await fetch(`${fake.url}/services`)).json()) as { data: unknown[]; next: null };
  t.equal(all.data.length, 5);
  t.equal(all.next, null);
  t.match(await (await fetch(`${fake.url}/routes`)).json(), { data: [{ name: 'r1', paths: ['/checkout'] }], next: null });
  t.equal((await fetch(`${fake.url}/services?offset=garbage`)).status, 400);
  t.equal((await fetch(`${fake.url}/services?size=0`)).status, 400);
});

t.test('upstream health by name or id; unknown upstream 404', async (t) => {
  const fake = await fakeKong();
  t.teardown(() => fake.close());
  fake.seedUpstreams([{ id: 'up-1', name: 'checkout-upstream' }, { name: 'empty' }]);
  fake.seedUpstreamHealth('checkout-upstream', [
    { target: '10.0.0.7:8080', health: 'UNHEALTHY' },
    { target: '10.0.0.8:8080', health: 'HEALTHY', weight: 50 },
  ]);
  fake.seedUpstreamHealth('implicit', [{ target: '10.0.0.9:80', health: 'DNS_ERROR' }]);
  for (const key of ['checkout-upstream', 'up-1']) {
    const body = await (await fetch(`${fake.url}/upstreams/${key}/health`)).json();
    t.match(body, {
      node_id: String,
      data: [
        { target: '10.0.0.7:8080', health: 'UNHEALTHY', weight: 100, upstream: { id: 'up-1' } },
        { target: '10.0.0.8:8080', health: 'HEALTHY', weight: 50 },
      ],
      next: null,
    });
  }
  t.match(await (await fetch(`${fake.url}/upstreams/empty/health`)).json(), { data: [] });
  t.match(await (await fetch(`${fake.url}/upstreams/implicit/health`)).json(), { data: [{ health: 'DNS_ERROR' }] });
  t.equal((await fetch(`${fake.url}/upstreams/nope/health`)).status, 404);
  const list = (await (await fetch(`${fake.url}/upstreams`)).json()) as { data: unknown[] };
  t.equal(list.data.length, 3);
});
