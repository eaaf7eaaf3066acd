import t from 'tap';
import { CloudWatchLogsClient, DescribeLogGroupsCommand, FilterLogEventsCommand, paginateFilterLogEvents } from '@aws-sdk/client-cloudwatch-logs';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { fakeAws } from '../src/index.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };
const T0 = Date.parse('2026-11-24T19:00:00Z');

async function setup(t: { teardown(fn: () => unknown): void }) {
  const fake = await fakeAws({ accessKeyId: 'AKIDTEST' });
  t.teardown(() => fake.close());
  const config = { endpoint: fake.url, region: 'us-east-1', credentials, maxAttempts: 1 };
  const logs = new CloudWatchLogsClient(config);
  const cw = new CloudWatchClient(config);
  t.teardown(() => {
    logs.destroy();
    cw.destroy();
  });
  fake.seedLogEvents('/app/prod', [
    { timestamp: T0 + 1000, message: 'GET /checkout 200', logStreamName: 'i-0abc' },
    { timestamp: T0 + 2000, message: 'error: payment declined', logStreamName: 'i-0abc' },
    { timestamp: T0 + 3000, message: 'error: "quoted" failure', logStreamName: 'i-0def' },
    { timestamp: T0 + 4000, message: 'ERROR upper case', logStreamName: 'i-0def' },
    { timestamp: T0 + 5000, message: 'error: late', logStreamName: 'i-0abc' },
  ]);
  return { fake, logs, cw };
}

t.test('FilterLogEvents through the real SDK: time window, quoted filter pattern, what was sent', async (t) => {
  const { fake, logs } = await setup(t);
  const out = await logs.send(
    new FilterLogEventsCommand({ logGroupName: '/app/prod', startTime: T0 + 1500, endTime: T0 + 4500, filterPattern: '"error"', limit: 50 }),
  );
  t.same(out.events?.map((e) => e.message), ['error: payment declined', 'error: "quoted" failure']);
  t.match(out.events?.[0], { logStreamName: 'i-0abc', timestamp: T0 + 2000, ingestionTime: T0 + 2500, eventId: String });
  t.equal(out.nextToken, undefined);
  const [req] = fake.requests;
  t.equal(req?.headers['x-amz-target'], 'Logs_20140328.FilterLogEvents');
  t.equal(req?.headers['content-type'], 'application/x-amz-json-1.1');
  t.match(req?.headers.authorization, /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/us-east-1\/logs\/aws4_request/);
  t.same(fake.calls('FilterLogEvents'), [{ logGroupName: '/app/prod', startTime: T0 + 1500, endTime: T0 + 4500, filterPattern: '"error"', limit: 50 }]);
});

t.test('filter patterns: whole-word and quoted terms, no escapes, exclusions, stream names; JSON patterns rejected', async (t) => {
  const { logs } = await setup(t);
  const messages = async (input: Record<string, unknown>) =>
    (await logs.send(new FilterLogEventsCommand({ logGroupName: '/app/prod', ...input }))).events?.map((e) => e.message);
  t.same(await messages({ filterPattern: '"quoted"' }), ['error: "quoted" failure'], 'a quoted term matches its text anywhere');
  t.same(await messages({ filterPattern: 'err' }), [], 'a bare term matches whole words only');
  t.same(await messages({ filterPattern: '"err"' }), ['error: payment declined', 'error: "quoted" failure', 'error: late']);
  await t.rejects(logs.send(new FilterLogEventsCommand({ logGroupName: '/app/prod', filterPattern: '"say \\"hi"' })), {
    name: 'InvalidParameterException',
  }, 'no escape for a quote: \\" ends the term, and the quotes do not pair up');
  t.same(await messages({ filterPattern: '"error: " "quoted"' }), ['error: "quoted" failure'], 'quoted terms are all required');
  t.same(await messages({ filterPattern: 'error -late -payment' }), ['error: "quoted" failure']);
  t.same(await messages({ filterPattern: 'ERROR' }), ['ERROR upper case'], 'case-sensitive');
  t.same(await messages({ logStreamNames: ['i-0def'] }), ['error: "quoted" failure', 'ERROR upper case']);
  t.same(await messages({ logStreamNamePrefix: 'i-0d', filterPattern: 'upper' }), ['ERROR upper case']);
  await t.rejects(logs.send(new FilterLogEventsCommand({ logGroupName: '/app/prod', filterPattern: '{ $.level = "error" }' })), {
    name: 'InvalidParameterException',
  });
  await t.rejects(logs.send(new FilterLogEventsCommand({ logGroupName: '/app/prod', limit: 0 })), { name: 'InvalidParameterException' });
  await t.rejects(logs.send(new FilterLogEventsCommand({ logGroupName: '/app/prod', nextToken: 'bogus' })), { name: 'InvalidParameterException' });
  await t.rejects(logs.send(new FilterLogEventsCommand({})), { name: 'InvalidParameterException' });
});

t.test('limit and nextToken paginate, also through the SDK paginator', async (t) => {
  const { logs } = await setup(t);
  const first = await logs.send(new FilterLogEventsCommand({ logGroupName: '/app/prod', limit: 2 }));
  t.equal(first.events?.length, 2);
  t.type(first.nextToken, 'string');
  const all: string[] = [];
  for await (const page of paginateFilterLogEvents({ client: logs, pageSize: 2 }, { logGroupName: '/app/prod' })) {
    all.push(...(page.events ?? []).map((e) => e.message ?? ''));
  }
  t.same(all, ['GET /checkout 200', 'error: payment declined', 'error: "quoted" failure', 'ERROR upper case', 'error: late']);
});

t.test('unknown log group is ResourceNotFoundException 400', async (t) => {
  const { logs, fake } = await setup(t);
  const err = await logs.send(new FilterLogEventsCommand({ logGroupName: '/nope' })).catch((e: unknown) => e);
  t.match(err, { name: 'ResourceNotFoundException', message: 'The specified log group does not exist.', $metadata: { httpStatusCode: 400 } });
  const raw = fake.requests.at(-1);
  t.ok(raw);
});

t.test('DescribeLogGroups with prefix and pagination', async (t) => {
  const { fake, logs } = await setup(t);
  fake.seedLogEvents('/app/staging', []);
  fake.seedLogEvents('/other', []);
  const out = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/app/' }));
  t.same(out.logGroups?.map((g) => g.logGroupName), ['/app/prod', '/app/staging']);
  t.match(out.logGroups?.[0]?.arn, /^arn:aws:logs:us-east-1:\d+:log-group:\/app\/prod:\*$/);
  const page1 = await logs.send(new DescribeLogGroupsCommand({ limit: 2 }));
  t.equal(page1.logGroups?.length, 2);
  const page2 = await logs.send(new DescribeLogGroupsCommand({ limit: 2, nextToken: page1.nextToken }));
  t.same(page2.logGroups?.map((g) => g.logGroupName), ['/other']);
  t.equal(page2.nextToken, undefined);
});

t.test('GetMetricData through the real SDK (JSON 1.0, query-compatible)', async (t) => {
  const { fake, cw } = await setup(t);
  fake.seedMetric({
    namespace: 'AWS/ApiGateway',
    metricName: 'Count',
    dimensions: { ApiName: 'shop', Stage: 'prod' },
    stat: 'Sum',
    points: [
      { timestamp: new Date(T0), value: 120 },
      { timestamp: T0 + 60_000, value: 140 },
      { timestamp: T0 + 3_600_000, value: 999 },
    ],
  });
  const query = (id: string, metricName: string, dims: Record<string, string>, stat = 'Sum') => ({
    Id: id,
    MetricStat: {
      Metric: { Namespace: 'AWS/ApiGateway', MetricName: metricName, Dimensions: Object.entries(dims).map(([Name, Value]) => ({ Name, Value })) },
      Period: 60,
      Stat: stat,
    },
  });
  const out = await cw.send(
    new GetMetricDataCommand({
      StartTime: new Date(T0),
      EndTime: new Date(T0 + 600_000),
      MetricDataQueries: [
        query('count', 'Count', { Stage: 'prod', ApiName: 'shop' }),
        query('errors', '5XXError', { ApiName: 'shop', Stage: 'prod' }),
        query('avg', 'Count', { ApiName: 'shop', Stage: 'prod' }, 'Average'),
      ],
    }),
  );
  t.equal(out.MetricDataResults?.length, 3);
  const [count, errors, avg] = out.MetricDataResults ?? [];
  t.equal(count?.Id, 'count');
  t.equal(count?.Label, 'Count');
  t.equal(count?.StatusCode, 'Complete');
  t.same(count?.Values, [140, 120], 'newest first by default');
  t.same(count?.Timestamps?.map((d) => d.getTime()), [T0 + 60_000, T0]);
  t.same(errors?.Values, [], 'an unseeded metric has no values');
  t.same(avg?.Values, [], 'a seeded stat must match');
  const req = fake.requests[0];
  t.equal(req?.headers['x-amz-target'], 'GraniteServiceVersion20100801.GetMetricData');
  t.equal(req?.headers['content-type'], 'application/x-amz-json-1.0');
  t.match(req?.headers.authorization, /\/us-east-1\/monitoring\/aws4_request/);
  t.match(fake.calls('GetMetricData')[0], { StartTime: T0 / 1000, EndTime: T0 / 1000 + 600 });
  const asc = await cw.send(
    new GetMetricDataCommand({ StartTime: new Date(T0), EndTime: new Date(T0 + 600_000), ScanBy: 'TimestampAscending', MetricDataQueries: [query('c', 'Count', { ApiName: 'shop', Stage: 'prod' })] }),
  );
  t.same(asc.MetricDataResults?.[0]?.Values, [120, 140]);
});

t.test('GetMetricData errors come back with the query-compatible code', async (t) => {
  const { cw } = await setup(t);
  await t.rejects(cw.send(new GetMetricDataCommand({ StartTime: new Date(T0), EndTime: new Date(T0), MetricDataQueries: [{ Id: 'a', Expression: 'x' }] })), {
    name: 'InvalidParameterValueException',
    $metadata: { httpStatusCode: 400 },
  });
  const missing = await cw.send(new GetMetricDataCommand({ StartTime: new Date(T0), EndTime: new Date(T0 + 1000), MetricDataQueries: [] })).catch((e: unknown) => e);
  t.match(missing, { name: 'MissingRequiredParameterException', $metadata: { httpStatusCode: 400 } });
});

t.test('SigV4 is required: missing, malformed, wrong scope and unknown key are rejected', async (t) => {
  const { fake } = await setup(t);
  const post = (headers: Record<string, string>) =>
    fetch(fake.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Logs_20140328.DescribeLogGroups', 'x-amz-date': '20261124T190000Z', ...headers },
      body: '{}',
    });
  const sig = 'a'.repeat(64);
  const none = await post({});
  t.equal(none.status, 403);
  t.same(await none.json(), { __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' });
  t.equal((await post({ authorization: 'AWS4-HMAC-SHA256 garbage' })).status, 403);
  const wrongRegion = await post({ authorization: `AWS4-HMAC-SHA256 Credential=AKIDTEST/20261124/eu-west-1/logs/aws4_request, SignedHeaders=host, Signature=${sig}` });
  t.match(await wrongRegion.json(), { __type: 'InvalidSignatureException' });
  const wrongService = await post({ authorization: `AWS4-HMAC-SHA256 Credential=AKIDTEST/20261124/us-east-1/monitoring/aws4_request, SignedHeaders=host, Signature=${sig}` });
  t.equal(wrongService.status, 403);
  const unknownKey = await post({ authorization: `AWS4-HMAC-SHA256 Credential=AKIDOTHER/20261124/us-east-1/logs/aws4_request, SignedHeaders=host, Signature=${sig}` });
  t.equal(unknownKey.status, 400);
  t.match(await unknownKey.json(), { __type: 'UnrecognizedClientException' });
  const good = `AWS4-HMAC-SHA256 Credential=AKIDTEST/20261124/us-east-1/logs/aws4_request, SignedHeaders=host, Signature=${sig}`;
  t.equal((await post({ authorization: good })).status, 200);
  const unknownOp = await post({ authorization: good, 'x-amz-target': 'Logs_20140328.StartQuery' });
  t.match(await unknownOp.json(), { __type: 'UnknownOperationException' });
  const notJson = await fetch(fake.url, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Logs_20140328.DescribeLogGroups', 'x-amz-date': '20261124T190000Z', authorization: good }, body: 'nope' });
  t.match(await notJson.json(), { __type: 'SerializationException' });
  const noTarget = await post({ authorization: good, 'x-amz-target': 'Other.Thing' });
  t.match(await noTarget.json(), { __type: 'UnknownOperationException' });
  t.equal((await fetch(`${fake.url}/elsewhere`)).status, 404);
  const cwOp = await fetch(fake.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'GraniteServiceVersion20100801.ListMetrics',
      'x-amz-date': '20261124T190000Z',
      authorization: good.replace('/logs/', '/monitoring/'),
    },
    body: '{}',
  });
  t.equal(cwOp.headers.get('x-amzn-query-error'), 'InvalidAction;Sender');
  t.match(await cwOp.json(), { __type: 'com.amazonaws.cloudwatch#UnknownOperationException' });
});

t.test('FilterLogEvents searches a bounded stretch per call: partial and empty pages still carry a nextToken', async (t) => {
  const fake = await fakeAws({ eventsScannedPerCall: 4 });
  t.teardown(() => fake.close());
  const logs = new CloudWatchLogsClient({ endpoint: fake.url, region: 'us-east-1', credentials, maxAttempts: 1 });
  t.teardown(() => logs.destroy());
  const noise = Array.from({ length: 10 }, (_, i) => ({ timestamp: T0 + i * 1000, message: `GET /health ${i}` }));
  fake.seedLogEvents('/app/busy', [...noise, { timestamp: T0 + 20_000, message: 'error: one' }, { timestamp: T0 + 21_000, message: 'error: two' }]);
  const pages: Array<{ events: string[]; next: boolean }> = [];
  let nextToken: string | undefined;
  do {
    const out = await logs.send(new FilterLogEventsCommand({ logGroupName: '/app/busy', filterPattern: '"error"', startTime: T0, nextToken }));
    pages.push({ events: (out.events ?? []).map((e) => e.message ?? ''), next: out.nextToken !== undefined });
    nextToken = out.nextToken;
  } while (nextToken !== undefined);
  t.same(pages, [
    { events: [], next: true },
    { events: [], next: true },
    { events: ['error: one', 'error: two'], next: false },
  ], 'two empty pages, each with a nextToken, before the matches');

  const newest = await logs.send(new FilterLogEventsCommand({ logGroupName: '/app/busy', startTime: T0, startFromHead: false, limit: 3 }));
  t.same(newest.events?.map((e) => e.message), ['error: two', 'error: one', 'GET /health 9'], 'startFromHead false: newest first');
  t.type(newest.nextToken, 'string');
  await t.rejects(logs.send(new FilterLogEventsCommand({ logGroupName: '/app/busy', startTime: Date.UTC(2023, 11, 31), startFromHead: false })), {
    name: 'InvalidParameterException',
  }, 'newest first only for start times from 2024 on');
  await t.rejects(logs.send(new FilterLogEventsCommand({ logGroupName: '/app/busy', startFromHead: false })), { name: 'InvalidParameterException' });
});

t.test('throttling is HTTP 400 ThrottlingException, as the service sends it', async (t) => {
  const { fake, logs } = await setup(t);
  fake.throttle();
  const err = await logs.send(new FilterLogEventsCommand({ logGroupName: '/app/prod' })).catch((e: unknown) => e);
  t.match(err, { name: 'ThrottlingException', message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });
  t.ok((await logs.send(new FilterLogEventsCommand({ logGroupName: '/app/prod' }))).events, 'only the next call');
});
