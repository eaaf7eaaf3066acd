import t from 'tap';
import { fakeNewRelic } from '../src/index.js';

const apiKey = 'NRAK-TEST';

function graphql(url: string, body: unknown, key: string | null = apiKey) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key !== null) headers['API-Key'] = key;
  return fetch(`${url}/graphql`, { method: 'POST', headers, body: JSON.stringify(body) });
}

t.test('NRQL results are seeded per query and found in literal or variable arguments', async (t) => {
  const fake = await fakeNewRelic({ apiKey, accountId: 1234567 });
  t.teardown(() => fake.close());
  const nrql = 'SELECT count(*) FROM Transaction WHERE name = "checkout" SINCE 5 minutes ago';
  fake.seedNrql(nrql, [{ count: 52341 }]);
  const literal = `{ actor { account(id: 1234567) { nrql(query: ${JSON.stringify(nrql)}) { results } } } }`;
  const res = await graphql(fake.url, { query: literal });
  t.equal(res.status, 200);
  t.same(await res.json(), { data: { actor: { account: { nrql: { results: [{ count: 52341 }] } } } } });
  const withVars = 'query($id: Int!, $nrql: Nrql!) { actor { account(id: $id) { nrql(query: $nrql) { results } } } }';
  const res2 = await graphql(fake.url, { query: withVars, variables: { id: 1234567, nrql } });
  t.match(await res2.json(), { data: { actor: { account: { nrql: { results: [{ count: 52341 }] } } } } });
  t.same(fake.nrqlCalls, [
    { accountId: 1234567, nrql },
    { accountId: 1234567, nrql },
  ]);
  const unseeded = await graphql(fake.url, { query: '{ actor { account(id: 1234567) { nrql(query: "SELECT 1") { results } } } }' });
  t.match(await unseeded.json(), { data: { actor: { account: { nrql: { results: [] } } } } });
});

t.test('errors arrive as 200 with errors; a bad key is 401', async (t) => {
  const fake = await fakeNewRelic({ apiKey, accountId: 1 });
  t.teardown(() => fake.close());
  fake.failNrql('SELECT bogus', 'NRQL Syntax Error: Error at line 1 position 8');
  const failed = await graphql(fake.url, { query: '{ actor { account(id: 1) { nrql(query: "SELECT bogus") { results } } } }' });
  t.equal(failed.status, 200);
  t.match(await failed.json(), { errors: [{ message: /NRQL Syntax Error/ }], data: { actor: { account: { nrql: null } } } });
  const otherAccount = await graphql(fake.url, { query: '{ actor { account(id: 2) { nrql(query: "SELECT 1") { results } } } }' });
  t.equal(otherAccount.status, 200);
  t.match(await otherAccount.json(), { errors: [{ message: /Account 2/ }] });
  const notNrql = await graphql(fake.url, { query: '{ actor { user { name } } }' });
  t.match(await notNrql.json(), { errors: [{ message: String }], data: null });
  const noQuery = await graphql(fake.url, { variables: {} });
  t.equal(noQuery.status, 400);
  for (const key of [null, 'NRAK-WRONG']) {
    const res = await graphql(fake.url, { query: '{}' }, key);
    t.equal(res.status, 401);
    t.match(await res.json(), { errors: [{ message: 'Bad API Key or no API Key provided', extensions: { error_code: 'BAD_API_KEY' } }] });
  }
  t.equal((await fetch(`${fake.url}/graphql`, { headers: { 'API-Key': apiKey } })).status, 405);
  t.equal((await fetch(`${fake.url}/other`)).status, 404);
});
