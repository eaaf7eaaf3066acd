import t from 'tap';
import { fakeNewRelic, NERDGRAPH_CONCURRENCY_LIMIT, type NewRelicIssueSeed } from '../src/index.js';

const apiKey = 'NRAK-TEST';
const NRQL_QUERY = 'query($id: Int!, $nrql: Nrql!) { actor { account(id: $id) { nrql(query: $nrql, timeout: 10) { results } } } }';

function graphql(url: string, body: unknown, key: string | null = apiKey) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key !== null) headers['API-Key'] = key;
  return fetch(`${url}/graphql`, { method: 'POST', headers, body: JSON.stringify(body) });
}

t.test('NRQL results are seeded per query; the fake records whether the NRQL came as a variable', async (t) => {
  const fake = await fakeNewRelic({ apiKey, accountId: 1234567 });
  t.teardown(() => fake.close());
  const nrql = 'SELECT count(*) FROM Transaction WHERE name = "checkout" SINCE 5 minutes ago';
  fake.seedNrql(nrql, [{ count: 52341 }]);
  const res = await graphql(fake.url, { query: NRQL_QUERY, variables: { id: 1234567, nrql } });
  t.equal(res.status, 200);
  t.same(await res.json(), { data: { actor: { account: { nrql: { results: [{ count: 52341 }] } } } } });
  // The real API accepts a literal too; the fake answers it and says so, so a client test can refuse it.
  const literal = `{ actor { account(id: 1234567) { nrql(query: ${JSON.stringify(nrql)}) { results } } } }`;
  t.match(await (await graphql(fake.url, { query: literal })).json(), { data: { actor: { account: { nrql: { results: [{ count: 52341 }] } } } } });
  t.same(fake.nrqlCalls, [
    { accountId: 1234567, nrql, viaVariable: true },
    { accountId: 1234567, nrql, viaVariable: false },
  ]);
  const unseeded = await graphql(fake.url, { query: NRQL_QUERY, variables: { id: 1234567, nrql: 'SELECT 1' } });
  t.same(await unseeded.json(), { data: { actor: { account: { nrql: { results: [] } } } } });
  const user = await graphql(fake.url, { query: '{ actor { user { name email } account(id: 1234567) { id name } } }' });
  t.same(await user.json(), { data: { actor: { user: { name: 'Operator Test', email: 'operator@example.com' }, account: { id: 1234567, name: 'Account 1234567' } } } });
});

t.test('GraphQL errors arrive with HTTP 200, as NerdGraph sends them', async (t) => {
  const fake = await fakeNewRelic({ apiKey, accountId: 1 });
  t.teardown(() => fake.close());
  fake.failNrql('SELECT bogus', 'NRQL Syntax Error: Error at line 1 position 8');
  const failed = await graphql(fake.url, { query: NRQL_QUERY, variables: { id: 1, nrql: 'SELECT bogus' } });
  t.equal(failed.status, 200);
  t.match(await failed.json(), {
    errors: [{ message: /NRQL Syntax Error/, path: ['actor', 'account', 'nrql'], extensions: { errorClass: 'INVALID_INPUT' } }],
    data: { actor: { account: { nrql: null } } },
  });
  const otherAccount = await graphql(fake.url, { query: NRQL_QUERY, variables: { id: 2, nrql: 'SELECT 1' } });
  t.equal(otherAccount.status, 200);
  t.match(await otherAccount.json(), { errors: [{ message: 'Account 2 not found or not authorized' }], data: { actor: { account: null } } });

  // What the schema refuses before anything runs: no data at all.
  const refused: Array<[string, unknown, RegExp]> = [
    ['{ actor { account(id: 1) { nrql(query: $nrql) { results } } } }', { nrql: 'SELECT 1' }, /Variable "\$nrql" is not defined/],
    [NRQL_QUERY, { id: '1', nrql: 'SELECT 1' }, /Int cannot represent non-integer value/],
    [NRQL_QUERY, { id: 1 }, /Variable "\$nrql" of required type "Nrql!" was not provided/],
    ['{ actor { account(id: 1) { nrql { results } } } }', {}, /argument "query" of type "Nrql!" is required/],
    ['{ actor { account(id: 1) { nrql(query: "SELECT 1") { rows } } } }', {}, /Cannot query field "rows"/],
    ['{ actor { account(id: 1) { nrql(query: "SELECT 1") { results } }', {}, /Syntax Error/],
  ];
  for (const [query, variables, message] of refused) {
    const res = await graphql(fake.url, { query, variables });
    t.equal(res.status, 200, String(message));
    const body = (await res.json()) as { errors: Array<{ message: string }>; data?: unknown };
    t.match(body.errors[0]?.message, message);
    t.equal(body.data, undefined);
  }
  const notString = await graphql(fake.url, { query: NRQL_QUERY, variables: { id: 1, nrql: 42 } });
  t.match(await notString.json(), { errors: [{ message: 'Nrql must be a string' }], data: { actor: { account: { nrql: null } } } });
  t.equal(fake.nrqlCalls.length, 1, 'only the NRQL that reached NRDB is recorded');
});

t.test('HTTP-level refusals: no query, bad variables, a bad key, the wrong method or path', async (t) => {
  const fake = await fakeNewRelic({ apiKey });
  t.teardown(() => fake.close());
  t.equal((await graphql(fake.url, { variables: {} })).status, 400);
  const badVariables = await graphql(fake.url, { query: NRQL_QUERY, variables: [1] });
  t.equal(badVariables.status, 400);
  t.match(await badVariables.json(), { errors: [{ message: 'Variables must be provided as an Object.' }] });
  for (const key of [null, 'NRAK-WRONG']) {
    const res = await graphql(fake.url, { query: '{ actor { user { id } } }' }, key);
    t.equal(res.status, 401);
    t.match(await res.json(), { errors: [{ message: 'Bad API Key or no API Key provided', extensions: { error_code: 'BAD_API_KEY' } }] });
  }
  t.equal((await fetch(`${fake.url}/graphql`, { headers: { 'API-Key': apiKey } })).status, 405);
  t.equal((await fetch(`${fake.url}/other`)).status, 404);
  const anyAccount = await graphql(fake.url, { query: NRQL_QUERY, variables: { id: 99, nrql: 'SELECT 1' } });
  t.match(await anyAccount.json(), { data: { actor: { account: { nrql: { results: [] } } } } }, 'no accountId option: every account answers');
});

const ISSUES = `query($id: Int!, $cursor: String, $window: TimeWindowInput) { actor { account(id: $id) { aiIssues {
  issues(filter: { states: [ACTIVATED] }, cursor: $cursor, timeWindow: $window) {
    issues { issueId title priority state activatedAt entityNames totalIncidents sources updatedAt } nextCursor } } } } }`;

function issue(n: number, overrides: Partial<NewRelicIssueSeed> = {}): NewRelicIssueSeed {
  return { issueId: `issue-${n}`, title: [`Problem ${n}`], priority: 'HIGH', state: 'ACTIVATED', createdAt: Date.now() - n * 60_000, ...overrides };
}

interface IssuesPage {
  data: { actor: { account: { aiIssues: { issues: { issues: Array<Record<string, unknown>>; nextCursor: string | null } } } } };
}

t.test('open issues: filtered by state, paged with nextCursor, the last 24 hours unless a time window is given', async (t) => {
  const fake = await fakeNewRelic({ apiKey, accountId: 7 });
  t.teardown(() => fake.close());
  const many = Array.from({ length: 30 }, (_, i) => issue(i + 1));
  fake.seedIssues([
    ...many,
    issue(100, { state: 'CLOSED' }),
    issue(101, { createdAt: Date.now() - 3 * 86_400_000, activatedAt: 5, updatedAt: 6, entityNames: ['checkout'], totalIncidents: 4, sources: ['external'] }),
  ]);
  const first = (await (await graphql(fake.url, { query: ISSUES, variables: { id: 7 } })).json()) as IssuesPage;
  const page1 = first.data.actor.account.aiIssues.issues;
  t.equal(page1.issues.length, 25);
  t.match(page1.issues[0], { issueId: 'issue-1', title: ['Problem 1'], priority: 'HIGH', state: 'ACTIVATED', totalIncidents: 1, sources: ['newrelic'] });
  t.type(page1.nextCursor, 'string');
  const second = (await (await graphql(fake.url, { query: ISSUES, variables: { id: 7, cursor: page1.nextCursor } })).json()) as IssuesPage;
  t.same(second.data.actor.account.aiIssues.issues.issues.map((i) => i.issueId), many.slice(25).map((i) => i.issueId));
  t.equal(second.data.actor.account.aiIssues.issues.nextCursor, null);

  const week = { startTime: Date.now() - 7 * 86_400_000, endTime: Date.now() };
  const older = (await (await graphql(fake.url, { query: ISSUES, variables: { id: 7, window: week, cursor: 'MjU' } })).json()) as IssuesPage;
  t.match(older.data.actor.account.aiIssues.issues.issues, [{ issueId: 'issue-26' }, {}, {}, {}, {}, { issueId: 'issue-101', activatedAt: 5, entityNames: ['checkout'], totalIncidents: 4, sources: ['external'], updatedAt: 6 }]);

  const filtered = `{ actor { account(id: 7) { aiIssues { issues(filter: { priority: ["LOW"], ids: ["issue-1"] }, cursor: "") { issues { issueId } } } } } }`;
  t.same(await (await graphql(fake.url, { query: filtered })).json(), { data: { actor: { account: { aiIssues: { issues: { issues: [] } } } } } });
  const byId = `{ actor { account(id: 7) { aiIssues { issues(filter: { ids: ["issue-100"], priority: ["HIGH"] }) { issues { issueId state } } } } } }`;
  t.same(await (await graphql(fake.url, { query: byId })).json(), { data: { actor: { account: { aiIssues: { issues: { issues: [{ issueId: 'issue-100', state: 'CLOSED' }] } } } } } });
  const unfiltered = `{ actor { account(id: 7) { aiIssues { issues { issues { issueId } nextCursor } } } } }`;
  const all = (await (await graphql(fake.url, { query: unfiltered })).json()) as IssuesPage;
  t.equal(all.data.actor.account.aiIssues.issues.issues.length, 25, 'every state, the last 24 hours, one page');
  const badState = `{ actor { account(id: 7) { aiIssues { issues(filter: { states: [OPEN] }) { issues { issueId } } } } } }`;
  t.match(await (await graphql(fake.url, { query: badState })).json(), { errors: [{ message: /Value "OPEN" does not exist in "AiIssuesIssueState" enum/ }] });
  const badCursor = await graphql(fake.url, { query: ISSUES, variables: { id: 7, cursor: '!!' } });
  t.match(await badCursor.json(), { errors: [{ message: 'Invalid cursor' }] });
});

t.test(`more than ${NERDGRAPH_CONCURRENCY_LIMIT} requests in flight for one user get HTTP 429`, async (t) => {
  const fake = await fakeNewRelic({ apiKey });
  t.teardown(() => fake.close());
  fake.seedNrql('SELECT 1', [{ one: 1 }]);
  const release = fake.hold();
  const held = Array.from({ length: NERDGRAPH_CONCURRENCY_LIMIT }, () =>
    graphql(fake.url, { query: NRQL_QUERY, variables: { id: 1, nrql: 'SELECT 1' } }));
  while (fake.inFlight < NERDGRAPH_CONCURRENCY_LIMIT) await new Promise((resolve) => setTimeout(resolve, 5));
  const refused = await graphql(fake.url, { query: NRQL_QUERY, variables: { id: 1, nrql: 'SELECT 1' } });
  t.equal(refused.status, 429);
  t.match(await refused.json(), { errors: [{ message: /Too many concurrent requests/ }] });
  release();
  for (const res of await Promise.all(held)) t.equal(res.status, 200);
  t.equal(fake.inFlight, 0);
  const after = await graphql(fake.url, { query: NRQL_QUERY, variables: { id: 1, nrql: 'SELECT 1' } });
  t.equal(after.status, 200, 'answered again once the others finished');
});

t.test('close() lets held requests go', async (t) => {
  const fake = await fakeNewRelic({ apiKey });
  const stale = fake.hold();
  fake.hold();
  stale(); // releasing an older hold leaves the newer one in force
  const pending = graphql(fake.url, { query: '{ actor { user { id } } }' }).then((r) => r.status, () => 'closed');
  while (fake.inFlight < 1) await new Promise((resolve) => setTimeout(resolve, 5));
  await fake.close();
  t.ok(['closed', 200].includes(await pending));
  t.equal(fake.inFlight, 0);
});
