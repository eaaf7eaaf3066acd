// Alerts in, pages out: 10,000 alerts in 500 groups posted to POST /alerts/alertmanager over BENCH_ALERTS_SECONDS
// (default 60) as Alertmanager would (each group first with half its alerts, then whole after group_interval, and a
// quarter of the notifications twice, as an HA pair sends them), to `operator start` in its own process on SQLite,
// paging three on-call numbers through test-support's fake Twilio API. Reports webhook p50/p99 (target p99 < 50 ms),
// the time from the first POST to the first send (target < 200 ms), texts per on-call number (bounded by the
// throttles: 5 per 15 min, 11 per hour), whether every group and alert is in the store, and the daemon's RSS before
// and after.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { fakeTwilioApi, freePort } from '@operator/test-support'
import { ROOT, printTable, round, writeResult } from './lib.js'
import { operatorEnv } from './operator-env.js'

const GROUPS = 500
const PER_GROUP = 20
const ONCALL = ['+14155550100', '+14155550101', '+14155550102']
const TOKEN = 'bench-alertmanager-token-0123456789'
const ACCOUNT = 'AC' + '0'.repeat(32)

function rssMiB (pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m === null ? undefined : round(Number(m[1]) / 1024)
}

function percentile (sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]
}

function notification (group, count, startedAt) {
  const name = `Bench${group}`
  return {
    version: '4', groupKey: `{}:{alertname="${name}"}`, truncatedAlerts: 0, status: 'firing', receiver: 'operator',
    groupLabels: { alertname: name }, commonLabels: { alertname: name }, commonAnnotations: {}, externalURL: 'http://alertmanager:9093',
    alerts: Array.from({ length: count }, (_, i) => ({
      status: 'firing', labels: { alertname: name, instance: `host-${i}:9100`, severity: group % 10 === 0 ? 'critical' : 'warning' },
      annotations: { summary: `${name} on host-${i}` }, startsAt: startedAt, endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus/graph', fingerprint: `${group.toString(16).padStart(8, '0')}${i.toString(16).padStart(8, '0')}`
    }))
  }
}

function warmup (startedAt) {
  const n = notification(GROUPS, 1, startedAt)
  return { ...n, groupKey: '{}:{alertname="Warmup"}', status: 'resolved', alerts: n.alerts.map((a) => ({ ...a, status: 'resolved', labels: { ...a.labels, alertname: 'Warmup' } })) }
}

async function waitReady (url) {
  for (let i = 0; i < 300; i++) {
    const r = await fetch(`${url}/readyz`).catch(() => undefined)
    if (r?.status === 200) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error('the daemon did not become ready')
}

export async function alerts () {
  const seconds = Number(process.env.BENCH_ALERTS_SECONDS ?? 60)
  const dir = mkdtempSync(join(tmpdir(), 'operator-bench-alerts-'))
  const twilio = await fakeTwilioApi({ accountSid: ACCOUNT, authToken: 'bench-twilio-token' })
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const child = spawn(process.execPath, [join(ROOT, 'core/bin/operator.js'), 'start'], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      PATH: process.env.PATH, HOME: dir,
      ...operatorEnv({
        HOST: '127.0.0.1', PORT: String(port), OPERATOR_DATA_DIR: join(dir, 'data'), TWILIO_ACCOUNT_SID: ACCOUNT,
        TWILIO_AUTH_TOKEN: 'bench-twilio-token', TWILIO_FROM_NUMBER: '+15005550006', TWILIO_API_BASE_URL: twilio.url,
        ONCALL_NUMBERS: ONCALL.join(','), ALERTMANAGER_WEBHOOK_TOKEN: TOKEN, SMS_DAILY_SEGMENTS: '0'
      })
    }
  })
  try {
    await waitReady(url)
    const rssBefore = rssMiB(child.pid)
    // The schedule: every group's first notification (half its alerts), then its whole one, spread over the run.
    const startedAt = new Date().toISOString()
    const posts = []
    for (let g = 0; g < GROUPS; g++) posts.push({ group: g, count: PER_GROUP / 2 })
    for (let g = 0; g < GROUPS; g++) posts.push({ group: g, count: PER_GROUP })
    const twins = posts.filter((_, i) => i % 4 === 0).length
    const gapMs = (seconds * 1000) / (posts.length + twins)
    // One notification before the clock starts, as a daemon that has been up a while has served: the first request's
    // one-off costs (route compilation, the first statements) are not what an alert waits for.
    await fetch(`${url}/alerts/alertmanager`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(warmup(startedAt)) }).then((r) => r.arrayBuffer())
    // The daemon loads the Twilio SDK in the background once it listens (a blocking module load): let it finish.
    await new Promise((resolve) => setTimeout(resolve, 2000))
    const latencies = []
    let firstPostAt
    const t0 = performance.now()
    let sent = 0
    let refused = 0
    const post = async (body) => {
      const started = performance.now()
      firstPostAt ??= Date.now()
      const r = await fetch(`${url}/alerts/alertmanager`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body })
      await r.arrayBuffer()
      latencies.push(performance.now() - started)
      if (r.status !== 200) refused++
    }
    const inflight = []
    for (let i = 0; i < posts.length; i++) {
      const body = JSON.stringify(notification(posts[i].group, posts[i].count, startedAt))
      const copies = i % 4 === 0 ? 2 : 1
      for (let c = 0; c < copies; c++) {
        const due = t0 + sent * gapMs
        const wait = due - performance.now()
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
        inflight.push(post(body))
        sent++
      }
    }
    await Promise.all(inflight)
    // Let the outbox drain what the throttles allow.
    await new Promise((resolve) => setTimeout(resolve, 3000))
    const rssAfter = rssMiB(child.pid)

    const firstSend = twilio.requestsTo(/Messages\.json$/, 'POST')[0]?.receivedAt
    const perNumber = Object.fromEntries(ONCALL.map((n) => [n, twilio.messages.filter((m) => m.to === n).length]))
    const db = new Database(join(dir, 'data', 'operator.db'), { readonly: true })
    const groups = db.prepare('select count(distinct group_key) as n from paging_incidents').get().n
    const stored = db.prepare('select count(*) as n from paging_alerts').get().n
    const held = db.prepare("select count(*) as n from paging_outbox where state = 'pending'").get().n
    const bundled = db.prepare("select count(*) as n from paging_outbox where state = 'bundled'").get().n
    db.close()
    const sorted = [...latencies].sort((a, b) => a - b)
    const data = {
      seconds, posts: sent, refused, alerts: GROUPS * PER_GROUP, groups: GROUPS,
      webhookP50Ms: round(percentile(sorted, 0.5), 2), webhookP99Ms: round(percentile(sorted, 0.99), 2), webhookMaxMs: round(sorted.at(-1), 2),
      firstPostMs: round(latencies[0], 1),
      firstPostToFirstSendMs: firstSend === undefined ? null : firstSend - firstPostAt,
      textsPerNumber: perNumber, pagesHeldByThrottle: held, pagesBundled: bundled,
      groupsStored: groups, alertsStored: stored, everyGroupAccountedFor: groups === GROUPS && stored === GROUPS * PER_GROUP,
      rssBeforeMiB: rssBefore, rssAfterMiB: rssAfter
    }
    printTable(`alerts: ${GROUPS * PER_GROUP} alerts in ${GROUPS} groups, ${sent} posts over ${seconds}s (targets: p99 < 50 ms, first send < 200 ms)`,
      ['measure', 'value'], [
        ['webhook p50 / p99 / max (ms)', `${data.webhookP50Ms} / ${data.webhookP99Ms} / ${data.webhookMaxMs}`],
        ['refused (non-200)', refused],
        ['first POST → first send (ms)', data.firstPostToFirstSendMs ?? 'none'],
        ['first POST answered in (ms)', data.firstPostMs],
        ['texts per on-call number', ONCALL.map((n) => perNumber[n]).join(' / ')],
        ['pages held / bundled', `${held} / ${bundled}`],
        ['groups / alerts stored', `${groups} / ${stored}`],
        ['RSS before → after (MiB)', `${rssBefore} → ${rssAfter}`]
      ])
    return { file: writeResult('alerts', data) }
  } finally {
    child.kill('SIGTERM')
    await new Promise((resolve) => child.once('exit', resolve))
    await twilio.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
