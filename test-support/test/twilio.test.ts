import t from 'tap';
import twilio from 'twilio';
import { countSegments, fakeTwilioApi } from '../src/index.js';

const accountSid = `AC${'a'.repeat(32)}`;
const authToken = 'test-auth-token';

async function setup(t: { teardown(fn: () => unknown): void }) {
  const fake = await fakeTwilioApi({ accountSid, authToken });
  t.teardown(() => fake.close());
  const client = twilio(accountSid, authToken);
  client.api.baseUrl = fake.url;
  return { fake, client };
}

t.test('the real twilio client sends a message and gets the documented 201 body', async (t) => {
  const { fake, client } = await setup(t);
  const message = await client.messages.create({ to: '+15550001111', from: '+15550002222', body: 'disk 91% on db-1' });
  t.match(message.sid, /^SM[0-9a-f]{32}$/);
  t.equal(message.status, 'queued');
  t.equal(message.to, '+15550001111');
  t.equal(message.from, '+15550002222');
  t.equal(message.numSegments, '1');
  t.equal(message.direction, 'outbound-api');
  t.equal(message.accountSid, accountSid);
  t.same(message.dateCreated instanceof Date, true);
  t.equal(fake.messages.length, 1);
  t.match(fake.messages[0], { to: '+15550001111', from: '+15550002222', body: 'disk 91% on db-1', messagingServiceSid: null });
  const [req] = fake.requests;
  t.equal(req?.path, `/2010-04-01/Accounts/${accountSid}/Messages.json`);
  t.equal(req?.form?.get('Body'), 'disk 91% on db-1');
  t.match(req?.headers.authorization, /^Basic /);
});

t.test('raw 201 body has every documented field', async (t) => {
  const { fake } = await setup(t);
  const res = await fetch(`${fake.url}/2010-04-01/Accounts/${accountSid}/Messages.json`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ To: '+15550001111', MessagingServiceSid: `MG${'b'.repeat(32)}`, Body: 'hi', StatusCallback: 'https://ops.example.com/cb' }).toString(),
  });
  t.equal(res.status, 201);
  const body = (await res.json()) as Record<string, unknown>;
  for (const key of ['sid', 'account_sid', 'to', 'from', 'messaging_service_sid', 'body', 'status', 'num_segments', 'direction', 'api_version', 'date_created', 'error_code', 'error_message', 'uri']) {
    t.ok(key in body, key);
  }
  t.equal(body.from, null);
  t.equal(body.messaging_service_sid, `MG${'b'.repeat(32)}`);
  t.match(body.date_created, /^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
  t.equal(body.uri, `/2010-04-01/Accounts/${accountSid}/Messages/${String(body.sid)}.json`);
  t.equal(fake.messages[0]?.statusCallback, 'https://ops.example.com/cb');
});

t.test('wrong credentials are 20003 / 401', async (t) => {
  const { fake } = await setup(t);
  const client = twilio(accountSid, 'wrong-token');
  client.api.baseUrl = fake.url;
  await t.rejects(client.messages.create({ to: '+15550001111', from: '+15550002222', body: 'x' }), { status: 401, code: 20003 });
  const noAuth = await fetch(`${fake.url}/2010-04-01/Accounts/${accountSid}/Messages.json`, { method: 'POST' });
  t.equal(noAuth.status, 401);
  t.same(await noAuth.json(), { code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 });
  t.equal(fake.messages.length, 0);
});

t.test('validation errors follow Twilio codes', async (t) => {
  const { fake, client } = await setup(t);
  await t.rejects(client.messages.create({ to: 'not-a-number', from: '+15550002222', body: 'x' }), { status: 400, code: 21211 });
  await t.rejects(client.messages.create({ to: '+15550001111', body: 'x' } as never), { status: 400, code: 21603 });
  await t.rejects(client.messages.create({ to: '+15550001111', from: '+15550002222', body: 'x'.repeat(1601) }), { status: 400, code: 21617 });
  const post = (form: Record<string, string>) =>
    fetch(`${fake.url}/2010-04-01/Accounts/${accountSid}/Messages.json`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  t.match(await (await post({ From: '+15550002222', Body: 'x' })).json(), { code: 21604 });
  t.match(await (await post({ To: '+15550001111', From: '+15550002222' })).json(), { code: 21602 });
  const get = await fetch(`${fake.url}/2010-04-01/Accounts/${accountSid}/Messages.json`, {
    headers: { authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}` },
  });
  t.equal(get.status, 405);
  t.equal((await fetch(`${fake.url}/nowhere`)).status, 404);
  t.equal(fake.messages.length, 0);
});

t.test('scripted errors apply to the next N calls, then sends succeed', async (t) => {
  const { fake, client } = await setup(t);
  const send = () => client.messages.create({ to: '+15550001111', from: '+15550002222', body: 'x' });
  fake.failNext('invalid-to');
  await t.rejects(send(), { status: 400, code: 21211, message: "The 'To' number +1555 is not a valid phone number." });
  fake.failNext('opted-out');
  await t.rejects(send(), { status: 400, code: 21610 });
  fake.failNext('region');
  await t.rejects(send(), { status: 400, code: 21408 });
  fake.failNext('auth');
  await t.rejects(send(), { status: 401, code: 20003 });
  fake.failNext('rate-limit', 2);
  await t.rejects(send(), { status: 429, code: 20429 });
  await t.rejects(send(), { status: 429, code: 20429 });
  fake.failNext('server');
  await t.rejects(send(), { status: 500, code: 20500 });
  const ok = await send();
  t.match(ok.sid, /^SM/);
  t.equal(fake.messages.length, 1);
  t.equal(fake.requests.length, 8);
});

t.test('account SIDs must start with AC', async (t) => {
  await t.rejects(fakeTwilioApi({ accountSid: 'XX1', authToken }), /must start with AC/);
});

t.test('segment counting: GSM-7 160/153, extension chars count twice, UCS-2 70/67', async (t) => {
  t.equal(countSegments('a'.repeat(160)), 1);
  t.equal(countSegments('a'.repeat(161)), 2);
  t.equal(countSegments('a'.repeat(306)), 2);
  t.equal(countSegments('a'.repeat(307)), 3);
  t.equal(countSegments('{'.repeat(80)), 1);
  t.equal(countSegments('{'.repeat(81)), 2);
  t.equal(countSegments('é'.repeat(10)), 1);
  t.equal(countSegments('ä'.repeat(70) + 'ł'), 2);
  t.equal(countSegments('ł'.repeat(70)), 1);
  t.equal(countSegments('😀'.repeat(35)), 1);
  t.equal(countSegments('😀'.repeat(36)), 2);
});
