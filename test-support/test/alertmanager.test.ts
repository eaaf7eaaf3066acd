import t from 'tap';
import { fakeJsonEndpoint, requireBinary, startAlertmanager } from '../src/index.js';

t.test('Alertmanager starts on loopback and delivers a posted alert to the webhook', { skip: requireBinary('prometheus-alertmanager') }, async (t) => {
  const webhook = await fakeJsonEndpoint({});
  t.teardown(() => webhook.close());
  const am = await startAlertmanager({ webhookUrl: `${webhook.url}/alerts` });
  t.teardown(() => am.stop());
  t.match(am.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const status = (await (await fetch(`${am.url}/api/v2/status`)).json()) as { cluster: { status: string } };
  t.equal(status.cluster.status, 'disabled', 'clustering is off');

  const posted = await fetch(`${am.url}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([{ labels: { alertname: 'HighErrorRate', severity: 'critical', service: 'checkout' }, annotations: { summary: 'errors' } }]),
  });
  t.equal(posted.status, 200);
  while (webhook.requestsTo('/alerts').length === 0) await new Promise((r) => setTimeout(r, 100));
  t.match(webhook.requestsTo('/alerts')[0]?.json, {
    version: '4',
    status: 'firing',
    receiver: 'operator',
    groupLabels: { alertname: 'HighErrorRate' },
    alerts: [{ status: 'firing', labels: { alertname: 'HighErrorRate', service: 'checkout' }, fingerprint: String }],
  });

  const silence = await fetch(`${am.url}/api/v2/silences`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      matchers: [{ name: 'alertname', value: 'HighErrorRate', isRegex: false, isEqual: true }],
      startsAt: new Date().toISOString(),
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      createdBy: 'operator',
      comment: 'test',
    }),
  });
  t.match(await silence.json(), { silenceID: String });
  await am.stop();
  await t.rejects(fetch(`${am.url}/-/ready`));
});

t.test('Alertmanager without a webhook still starts', { skip: requireBinary('prometheus-alertmanager') }, async (t) => {
  const am = await startAlertmanager();
  t.teardown(() => am.stop());
  t.equal((await fetch(`${am.url}/-/ready`)).status, 200);
});
