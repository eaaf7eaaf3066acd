import t from 'tap';
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { canConnect, fakeJsonEndpoint, freePort, listen } from '../src/index.js';

t.test('freePort returns a port nothing listens on', async (t) => {
  const port = await freePort();
  t.ok(port > 0 && port < 65536);
  t.equal(await canConnect(port), false);
});

t.test('listen binds only to 127.0.0.1 and close ends keep-alive sockets', async (t) => {
  const server = createServer((_req, res) => res.end('hi'));
  const bound = await listen(server);
  t.match(bound.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  t.same(server.address(), { address: '127.0.0.1', family: 'IPv4', port: bound.port });
  const res = await fetch(bound.url);
  t.equal(await res.text(), 'hi');
  await bound.close();
  await bound.close(); // idempotent
  t.equal(await canConnect(bound.port), false);
});

t.test('records method, path, query, headers, raw body, JSON and form', async (t) => {
  const fake = await fakeJsonEndpoint({ ok: true });
  t.teardown(() => fake.close());
  await fetch(`${fake.url}/a/b?x=1&y=two`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-test': 'yes' },
    body: JSON.stringify({ hello: 'world' }),
  });
  await fetch(`${fake.url}/form`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'To=%2B15550001111&Body=hi+there',
  });
  await fetch(`${fake.url}/bad`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' });
  const [json, form, bad] = fake.requests;
  t.equal(json?.method, 'POST');
  t.equal(json?.path, '/a/b');
  t.equal(json?.query.get('y'), 'two');
  t.equal(json?.headers['x-test'], 'yes');
  t.equal(json?.body, '{"hello":"world"}');
  t.same(json?.json, { hello: 'world' });
  t.equal(json?.form, undefined);
  t.equal(form?.form?.get('To'), '+15550001111');
  t.equal(form?.form?.get('Body'), 'hi there');
  t.equal(bad?.json, undefined);
  t.equal(bad?.body, '{nope');
  t.equal(fake.requestsTo('/form').length, 1);
  t.equal(fake.requestsTo(/^\/(a|bad)/, 'post').length, 2);
});

t.test('status fault overrides the reply, for N times, by path, method+path, RegExp or predicate', async (t) => {
  const fake = await fakeJsonEndpoint({ ok: true });
  t.teardown(() => fake.close());
  fake.fault('/x', { status: 503, body: { error: 'down' }, headers: { 'retry-after': '1' } }, { times: 2 });
  fake.fault('DELETE /y', { status: 418, body: 'teapot' });
  fake.fault(/^\/z/, { status: 500 });
  fake.fault((r) => r.headers['x-fail'] === '1', { status: 502, body: 'bad gateway' });
  const first = await fetch(`${fake.url}/x`);
  t.equal(first.status, 503);
  t.equal(first.headers.get('retry-after'), '1');
  t.same(await first.json(), { error: 'down' });
  t.equal((await fetch(`${fake.url}/x`)).status, 503);
  const third = await fetch(`${fake.url}/x`);
  t.equal(third.status, 200, 'the fault expired after two calls');
  t.same(await third.json(), { ok: true });
  t.equal((await fetch(`${fake.url}/y`)).status, 200, 'method must match');
  const del = await fetch(`${fake.url}/y`, { method: 'DELETE' });
  t.equal(del.status, 418);
  t.equal(await del.text(), 'teapot');
  t.equal((await fetch(`${fake.url}/zeta`)).status, 500);
  t.equal((await fetch(`${fake.url}/other`, { headers: { 'x-fail': '1' } })).status, 502);
  fake.clearFaults();
  t.equal((await fetch(`${fake.url}/zeta`)).status, 200);
});

t.test('hang never answers, and close() still ends the socket', async (t) => {
  const fake = await fakeJsonEndpoint({ ok: true });
  fake.fault('/hang', 'hang');
  const pending = fetch(`${fake.url}/hang`).then(
    () => 'answered',
    () => 'failed',
  );
  while (fake.requests.length === 0) await sleep(10);
  await fake.close();
  t.equal(await pending, 'failed');
  t.equal(await canConnect(fake.port), false);
});

t.test('malformed-json answers 200 with JSON that does not parse', async (t) => {
  const fake = await fakeJsonEndpoint({ ok: true });
  t.teardown(() => fake.close());
  fake.fault('/', 'malformed-json');
  const res = await fetch(fake.url);
  t.equal(res.status, 200);
  t.match(res.headers.get('content-type'), /json/);
  await t.rejects(res.json());
});

t.test('hugeBodyBytes answers exactly that many bytes of valid JSON', async (t) => {
  const fake = await fakeJsonEndpoint({ ok: true });
  t.teardown(() => fake.close());
  const size = 3 * 1024 * 1024 + 17;
  fake.fault('/', { hugeBodyBytes: size });
  const res = await fetch(fake.url);
  t.equal(res.headers.get('content-length'), String(size));
  const text = await res.text();
  t.equal(Buffer.byteLength(text), size);
  t.match(JSON.parse(text), { pad: String });
});

t.test('hugeBodyBytes stops writing when the client goes away', async (t) => {
  const fake = await fakeJsonEndpoint({ ok: true });
  t.teardown(() => fake.close());
  fake.fault('/', { hugeBodyBytes: 200 * 1024 * 1024 });
  const controller = new AbortController();
  const res = await fetch(fake.url, { signal: controller.signal });
  const reader = res.body?.getReader();
  await reader?.read();
  controller.abort();
  t.pass('aborted mid-body without the fake crashing');
  fake.clearFaults();
  t.equal((await fetch(`${fake.url}/after`)).status, 200, 'the fake still answers');
});

t.test('slowBodyMs sends headers first and the body later', async (t) => {
  const fake = await fakeJsonEndpoint({ ok: true });
  t.teardown(() => fake.close());
  fake.fault('/', { slowBodyMs: 300 });
  const res = await fetch(fake.url);
  t.equal(res.status, 200, 'headers arrived');
  t.same(await res.json(), { ok: true }, 'the normal body followed');
});

t.test('close() ends a trickling body', async (t) => {
  const fake = await fakeJsonEndpoint({ ok: true });
  fake.fault('/', { slowBodyMs: 60_000 });
  const res = await fetch(fake.url);
  const body = res.text().then(
    () => 'complete',
    () => 'cut',
  );
  await fake.close();
  t.equal(await body, 'cut');
});

t.test('a fake is not usable before start', async (t) => {
  const { FakeJsonEndpoint } = await import('../src/index.js');
  const fake = new FakeJsonEndpoint({});
  t.throws(() => fake.url, /not started/);
  t.throws(() => fake.port, /not started/);
  await fake.close();
});

t.test('fakeJsonEndpoint serves one path when asked, and setBody changes the answer', async (t) => {
  const fake = await fakeJsonEndpoint({ status: 'ok' }, { path: '/health' });
  t.teardown(() => fake.close());
  t.same(await (await fetch(`${fake.url}/health`)).json(), { status: 'ok' });
  t.equal((await fetch(`${fake.url}/other`)).status, 404);
  fake.setBody({ status: 'degraded' }, 503);
  const res = await fetch(`${fake.url}/health`);
  t.equal(res.status, 503);
  t.same(await res.json(), { status: 'degraded' });
});
