import t from 'tap';
import { requireBinary, startExporter, startPrometheus } from '../src/index.js';

t.test('Prometheus scrapes the fixture exporter and evaluates rules', { skip: requireBinary('prometheus') }, async (t) => {
  let requestsTotal = 41;
  const exporter = await startExporter(() => {
    requestsTotal += 1;
    return [
      '# HELP fixture_requests_total Requests served.',
      '# TYPE fixture_requests_total counter',
      `fixture_requests_total{service="checkout",code="500"} ${requestsTotal}`,
      '# TYPE fixture_temperature gauge',
      'fixture_temperature{room="dc1"} 21.5',
    ].join('\n');
  });
  t.teardown(() => exporter.close());
  const prometheus = await startPrometheus({
    scrapeTargets: [exporter.target, { target: `${exporter.url}/metrics`, job: 'by-url' }],
    rules: {
      groups: [
        {
          name: 'fixture',
          rules: [
            { record: 'fixture:temperature:max', expr: 'max(fixture_temperature)' },
            { alert: 'TooWarm', expr: 'fixture_temperature > 20', labels: { severity: 'warning' }, annotations: { summary: 'warm' } },
          ],
        },
      ],
    },
  });
  t.teardown(() => prometheus.stop());
  t.match(prometheus.url, /^http:\/\/127\.0\.0\.1:\d+$/);

  const temperature = await prometheus.waitForSeries('fixture_temperature{job="fixture"}');
  t.equal(temperature.data.result[0]?.value?.[1], '21.5');
  t.match(temperature.data.result[0]?.metric, { room: 'dc1', instance: exporter.target });
  const byUrl = await prometheus.waitForSeries('fixture_requests_total{job="by-url"}');
  t.ok(Number(byUrl.data.result[0]?.value?.[1]) > 41);
  const recorded = await prometheus.waitForSeries('fixture:temperature:max');
  t.equal(recorded.data.result[0]?.value?.[1], '21.5');
  const alerts = await prometheus.waitForSeries('ALERTS{alertname="TooWarm"}');
  t.match(alerts.data.result[0]?.metric, { alertname: 'TooWarm', severity: 'warning' });
  t.ok(exporter.requestsTo('/metrics').length >= 2, 'the exporter was scraped');
  t.equal((await fetch(`${exporter.url}/other`)).status, 404);

  await prometheus.stop();
  await t.rejects(fetch(`${prometheus.url}/-/ready`), 'stopped');
});

t.test('rules may be given as YAML text; a bad config fails start with the output', { skip: requireBinary('prometheus') }, async (t) => {
  const exporter = await startExporter('up_fixture 1\n');
  t.teardown(() => exporter.close());
  exporter.setMetrics('up_fixture 2');
  const prometheus = await startPrometheus({
    scrapeTargets: [exporter.target],
    rules: 'groups:\n  - name: yaml\n    rules:\n      - record: yaml_rule\n        expr: vector(7)\n',
    scrapeIntervalSec: 1,
    evaluationIntervalSec: 1,
  });
  t.teardown(() => prometheus.stop());
  const rule = await prometheus.waitForSeries('yaml_rule');
  t.equal(rule.data.result[0]?.value?.[1], '7');
  const up = await prometheus.waitForSeries('up_fixture');
  t.equal(up.data.result[0]?.value?.[1], '2');
  await t.rejects(startPrometheus({ scrapeTargets: [exporter.target], rules: 'groups: [ {' , readyTimeoutMs: 10_000 }), /prometheus/);
});
