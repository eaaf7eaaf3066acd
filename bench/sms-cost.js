// SMS cost: segments per reply for a fixed script of commands, each reply exactly as it would be texted, against
// every first-party plugin talking to fixture backends: a real Prometheus scraping a fixture exporter (when the
// binary is installed), the real PostgreSQL on 127.0.0.1:5432, and test-support's fakes of Datadog, Elasticsearch
// and Kong seeded with a realistic amount of data (dozens of series, monitors, log lines and targets). After the
// script, the same six systems are made healthy (monitors OK, every Kong target healthy) and `status` and `health`
// are measured again: each must be one segment. Run it alone with `node bench/sms-cost.js`.
import { pathToFileURL } from 'node:url'
import { countSegments } from '../core/dist/index.js'
import { createTestOperator } from '../core/dist/testing/index.js'
import prometheus from '@operator/plugin-prometheus'
import datadog from '@operator/plugin-datadog'
import logs from '@operator/plugin-logs'
import database from '@operator/plugin-database'
import gateway from '@operator/plugin-gateway'
import { fakeDatadog, fakeElasticsearch, fakeKong, findBinary, startExporter, startPrometheus } from '@operator/test-support'
import { printTable, writeResult } from './lib.js'

export const SCRIPT = [
  'help', 'status', 'health', 'helth',
  'metrics', 'metrics up', 'metrics rate(fixture_requests_total[1m])', 'alerts',
  'metrics datadog avg:system.cpu.user{*}by{host}', 'monitors',
  'logs timeout', 'logs errors',
  'db', 'db connections',
  'gateway', 'gateway upstreams',
  'more'
]

const HOSTS = Array.from({ length: 40 }, (_, i) => `web-${String(i + 1).padStart(2, '0')}`)

function exporterText () {
  return [
    '# TYPE fixture_requests_total counter',
    ...HOSTS.map((h, i) => `fixture_requests_total{host="${h}",code="200"} ${1000 + i * 37}`),
    '# TYPE fixture_up gauge',
    'fixture_up 1'
  ].join('\n') + '\n'
}

async function backends () {
  const started = []
  const now = Date.now()

  let prom
  if (findBinary('prometheus') !== undefined) {
    const exporter = await startExporter(exporterText)
    started.push(() => exporter.close())
    prom = await startPrometheus({
      scrapeTargets: [exporter.target],
      rules: {
        groups: [{
          name: 'fixture',
          rules: [
            { alert: 'FixtureUp', expr: 'fixture_up == 1', labels: { severity: 'warning' }, annotations: { summary: 'fixture is up' } },
            { alert: 'ManyRequests', expr: 'fixture_requests_total > 2000', labels: { severity: 'critical' } }
          ]
        }]
      }
    })
    started.push(() => prom.stop())
    // Replies worth measuring need a rate (two scrapes) and firing alerts (a rule evaluation after that).
    await prom.waitForSeries('rate(fixture_requests_total[1m])', 30_000)
    await prom.waitForSeries('ALERTS{alertstate="firing"}', 30_000)
  }

  const dd = await fakeDatadog({ apiKey: 'bench-api-key', appKey: 'bench-app-key' })
  started.push(() => dd.close())
  dd.seedQuery('avg:system.cpu.user{*}by{host}', HOSTS.map((h, i) => ({
    metric: 'system.cpu.user',
    scope: `host:${h}`,
    tagSet: [`host:${h}`],
    pointlist: [[now - 120_000, 10 + i], [now - 60_000, 11 + i * 1.7]]
  })))
  dd.seedMonitors(Array.from({ length: 25 }, (_, i) => ({
    id: i + 1,
    name: `checkout latency above SLO in region ${i % 5}`,
    overall_state: i < 4 ? 'Alert' : i < 10 ? 'Warn' : i < 12 ? 'No Data' : 'OK',
    priority: (i % 5) + 1
  })))

  const es = await fakeElasticsearch()
  started.push(() => es.close())
  const services = ['checkout', 'cart', 'search', 'payments']
  es.seedDocuments('logs-bench', Array.from({ length: 60 }, (_, i) => ({
    '@timestamp': new Date(now - i * 13_000).toISOString(),
    message: i % 3 === 0 ? `upstream timeout after 3000ms calling ${services[i % 4]}-backend (attempt ${i % 4 + 1})` : `request served in ${20 + i}ms`,
    log: { level: i % 3 === 0 ? 'error' : 'info' },
    service: { name: services[i % 4] }
  })))

  const kong = await fakeKong()
  started.push(() => kong.close())
  kong.seedServices(Array.from({ length: 12 }, (_, i) => ({ name: `svc-${i}` })))
  for (const u of ['checkout', 'cart', 'search']) {
    kong.seedUpstreamHealth(u, Array.from({ length: 6 }, (_, i) => ({
      target: `10.0.${u.length}.${i + 1}:8080`,
      health: u === 'cart' && i < 2 ? 'UNHEALTHY' : 'HEALTHY'
    })))
  }

  // Every backend healthy: what `status` and `health` cost when all is well.
  const healthy = () => {
    dd.seedMonitors(Array.from({ length: 25 }, (_, i) => ({ id: i + 1, name: `checkout latency above SLO in region ${i % 5}`, overall_state: 'OK', priority: (i % 5) + 1 })))
    for (const u of ['checkout', 'cart', 'search']) {
      kong.seedUpstreamHealth(u, Array.from({ length: 6 }, (_, i) => ({ target: `10.0.${u.length}.${i + 1}:8080`, health: 'HEALTHY' })))
    }
  }

  return {
    healthy,
    plugins: [
      ...(prom !== undefined ? [{ plugin: prometheus, config: { url: prom.url } }] : []),
      { plugin: datadog, config: { apiKey: 'bench-api-key', appKey: 'bench-app-key', url: dd.url } },
      { plugin: logs, config: { type: 'elasticsearch', url: es.url, index: 'logs-*' } },
      { plugin: database, config: { url: `postgres://${process.env.PGUSER ?? 'postgres'}@${process.env.PGHOST ?? '127.0.0.1'}:${process.env.PGPORT ?? '5432'}/${process.env.PGDATABASE ?? 'test'}` } },
      { plugin: gateway, config: { type: 'kong', url: kong.url } }
    ],
    withPrometheus: prom !== undefined,
    close: async () => { for (const stop of started.reverse()) await stop() }
  }
}

export async function smsCost () {
  const fixtures = await backends()
  const op = await createTestOperator({ plugins: fixtures.plugins, env: { COMMAND_DEADLINE_MS: '8000', HEALTH_DEADLINE_MS: '4000' } })
  const rows = []
  const replies = []
  const healthySix = []
  try {
    for (const text of SCRIPT) {
      if (!fixtures.withPrometheus && /^(metrics(?! datadog)|alerts)/.test(text)) continue
      const result = await op.dispatch(text, { id: 'bench-phone', role: 'admin', channel: 'sms' })
      const c = countSegments(result.reply)
      replies.push({ command: text, reply: result.reply, pages: result.pages, outcome: result.outcome, chars: [...result.reply].length, encoding: c.encoding, segments: c.segments })
      rows.push([text.slice(0, 40), result.outcome, result.pages, [...result.reply].length, c.encoding, c.segments, result.reply.split('\n')[0].slice(0, 44)])
    }
    fixtures.healthy()
    for (const text of ['status', 'health']) {
      const result = await op.dispatch(text, { id: 'bench-phone-healthy', role: 'admin', channel: 'sms' })
      const c = countSegments(result.reply)
      healthySix.push({ command: text, reply: result.reply, chars: [...result.reply].length, segments: c.segments })
    }
  } finally {
    await op.close()
    await fixtures.close()
  }
  const total = replies.reduce((a, r) => a + r.segments, 0)
  const note = fixtures.withPrometheus ? '' : ' (no prometheus binary: its commands skipped)'
  printTable(`SMS cost: segments per reply (${replies.length} commands against every first-party plugin${note})`,
    ['command', 'outcome', 'pages', 'chars', 'encoding', 'segments', 'first line'], rows)
  process.stdout.write(`total ${total} segments for ${replies.length} replies (${(total / replies.length).toFixed(2)} per reply; max ${Math.max(...replies.map((r) => r.segments))})\n`)
  for (const r of healthySix) process.stdout.write(`all healthy: ${r.command} ${r.segments} segment(s), ${r.chars} chars: ${r.reply}\n`)
  return { file: writeResult('sms-cost', { script: SCRIPT, totalSegments: total, replies, healthySix }) }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`→ ${(await smsCost()).file}\n`)
}
