import t, { type Test } from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildApp } from '@operator/core'
import plugin, { parseGeneric } from '../src/index.js'

const TOKEN = 'generic-webhook-token-0123'
const NOW = Date.UTC(2026, 10, 25, 19, 0)

async function app (t: Test, env: Record<string, string>, store = true): Promise<Awaited<ReturnType<typeof buildApp>>> {
  const dir = mkdtempSync(join(tmpdir(), 'operator-generic-'))
  const a = await buildApp({
    cwd: dir,
    env: { ...(store ? { OPERATOR_DATA_DIR: join(dir, 'data') } : {}), ONCALL_NUMBERS: '+14155550100', ...env },
    config: { plugins: [{ package: 'alert-webhook', enabled: false }] },
    plugins: [{ plugin, config: {} }]
  })
  await a.ready()
  t.teardown(async () => { await a.close(); rmSync(dir, { recursive: true, force: true }) })
  return a
}

t.test('the small shape: grouped by group (default the name), labels from name and severity, defaults filled', async (t) => {
  const batches = parseGeneric({
    alerts: [
      { name: 'DiskFull', severity: 'critical', summary: 'db-1 disk 97%', labels: { host: 'db-1' }, startsAt: '2026-11-25T18:58:00Z', url: 'https://grafana/d/1' },
      { name: 'DiskFull', labels: { host: 'db-2' }, status: 'resolved', endsAt: '2026-11-25T18:59:00Z', id: 'disk-db-2' },
      { name: 'Lag', group: 'replication' }
    ]
  }, NOW)
  t.equal(batches.length, 2)
  t.match(batches[0], { groupKey: 'DiskFull', status: 'firing' })
  t.same(batches[0]!.alerts[0], {
    fingerprint: batches[0]!.alerts[0]!.fingerprint, status: 'firing', labels: { host: 'db-1', alertname: 'DiskFull', severity: 'critical' },
    annotations: { summary: 'db-1 disk 97%' }, startsAt: Date.parse('2026-11-25T18:58:00Z'), links: ['https://grafana/d/1']
  })
  t.match(batches[0]!.alerts[1], { fingerprint: 'disk-db-2', status: 'resolved', endsAt: Date.parse('2026-11-25T18:59:00Z'), startsAt: NOW, annotations: {}, links: [] })
  t.match(batches[1], { groupKey: 'replication', status: 'firing', alerts: [{ labels: { alertname: 'Lag' } }] })
  t.match(parseGeneric({ alerts: [{ name: 'X', status: 'resolved', summary: null }] }, NOW), [{ status: 'resolved' }])
})

t.test('bad posts are refused whole with the reason', async (t) => {
  const bad: Array<[unknown, RegExp]> = [
    [[], /expected \{"alerts"/],
    [{ alerts: [] }, /1 to 1000 alerts/],
    [{ alerts: [7] }, /alerts\[0\] must be an object/],
    [{ alerts: [{ name: 'has space' }] }, /alerts\[0\]\.name/],
    [{ alerts: [{ name: 'X', status: 'ok' }] }, /status must be "firing" or "resolved"/],
    [{ alerts: [{ name: 'X', labels: { a: 1 } }] }, /labels must map/],
    [{ alerts: [{ name: 'X', severity: 5 }] }, /severity must be a string/],
    [{ alerts: [{ name: 'X', startsAt: 'now' }] }, /startsAt must be an RFC 3339 time/]
  ]
  for (const [input, reason] of bad) t.throws(() => parseGeneric(input, NOW), { code: 'OPR_ERR_ALERT_INVALID', message: reason })
})

t.test('POST /alerts/webhook: bearer token; 200 once stored, a repeat recognised; 400; 503 without a store', async (t) => {
  const a = await app(t, { ALERT_WEBHOOK_TOKEN: TOKEN })
  const post = async (payload: unknown, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }): Promise<{ status: number, json: unknown }> => {
    const r = await a.inject({ method: 'POST', url: '/alerts/webhook', payload: JSON.stringify(payload), headers: { 'content-type': 'application/json', ...headers }, remoteAddress: '198.51.100.7' })
    return { status: r.statusCode, json: r.json() }
  }
  const body = { alerts: [{ name: 'DiskFull', severity: 'critical', labels: { host: 'db-1' }, startsAt: '2026-11-25T18:58:00Z' }] }
  t.match(await post(body, {}), { status: 401 })
  t.match(await post(body), { status: 200, json: { alerts: 1, duplicates: 0, opened: 1, closed: 0 } })
  t.match(await post(body), { status: 200, json: { duplicates: 1, opened: 0 } })
  t.match(await post({ alerts: 'x' }), { status: 400, json: { code: 'OPR_ERR_ALERT_INVALID' } })
  const alerts = await a.operator.dispatcher.dispatch('alerts', { id: '+14155550100', role: 'viewer', channel: 'sms' })
  t.match(alerts.reply, /^1 open:\n1 DiskFull db-1 \(critical\)/)

  const none = await app(t, {}, false)
  const r = await none.inject({ method: 'POST', url: '/alerts/webhook', payload: JSON.stringify(body), headers: { 'content-type': 'application/json' }, remoteAddress: '127.0.0.1' })
  t.equal(r.statusCode, 503, 'development, from loopback: taken without a token, but nothing can store it')
})
