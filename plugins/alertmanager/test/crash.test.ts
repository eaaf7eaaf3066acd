import t from 'tap'
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { promisify } from 'node:util'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { fakeTwilioApi, freePort } from '@operator/test-support'
import { ACCOUNT, ALICE, BOB, TWILIO_TOKEN, WEBHOOK_TOKEN, eventually } from './fixtures/helpers.js'

const BIN = fileURLToPath(new URL('../../../core/bin/operator.js', import.meta.url))

const STARTED = new Date().toISOString()

function payload (): unknown {
  const now = STARTED
  return {
    version: '4', groupKey: '{}:{alertname="DiskFull"}', truncatedAlerts: 0, status: 'firing', receiver: 'operator',
    groupLabels: { alertname: 'DiskFull' }, commonLabels: {}, commonAnnotations: {}, externalURL: 'http://alertmanager:9093',
    notification_reason: 'new_alerts', routeLabels: { receiver: 'operator' },
    alerts: [{ status: 'firing', labels: { alertname: 'DiskFull', instance: 'db-1', severity: 'critical' }, annotations: { summary: 'disk full' }, startsAt: now, endsAt: '0001-01-01T00:00:00Z', generatorURL: 'http://prometheus/graph', fingerprint: 'a1b2c3d4e5f60718' }]
  }
}

async function start (dir: string, port: number, twilioUrl: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BIN, 'start'], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      PATH: process.env.PATH ?? '', HOME: dir, NODE_ENV: 'production', LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: String(port),
      OPERATOR_DATA_DIR: join(dir, 'data'), TWILIO_ACCOUNT_SID: ACCOUNT, TWILIO_AUTH_TOKEN: TWILIO_TOKEN, TWILIO_FROM_NUMBER: '+15005550006',
      TWILIO_API_BASE_URL: twilioUrl, PUBLIC_URL: `http://127.0.0.1:${port}`, ONCALL_NUMBERS: `${ALICE},${BOB}`, AUTHORIZED_NUMBERS: `${ALICE}:responder`, ALERTMANAGER_WEBHOOK_TOKEN: WEBHOOK_TOKEN
    }
  })
  await eventually('the daemon to be ready', async () => {
    const r = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined)
    return r?.status === 200 ? true : undefined
  }, 30_000)
  return child
}

async function kill9 (child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGKILL')
  await exited
}

t.test('kill -9 after the alert is stored and before its page is sent: the page goes out after the restart, once', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'operator-am-crash-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const port = await freePort()
  // Twilio unreachable at first: the page is written to the outbox and cannot leave.
  const nowhere = `http://127.0.0.1:${await freePort()}`
  const first = await start(dir, port, nowhere)
  t.teardown(() => { first.kill('SIGKILL') })
  const answer = await fetch(`http://127.0.0.1:${port}/alerts/alertmanager`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${WEBHOOK_TOKEN}` }, body: JSON.stringify(payload())
  })
  t.equal(answer.status, 200, 'stored, so Alertmanager is told it was received')
  t.match(await answer.json(), { duplicate: false, opened: 1, queued: 1 })
  // The first try has failed and the row waits for its retry, lease released: the state a crash must not lose.
  const db = new Database(join(dir, 'data', 'operator.db'), { readonly: true })
  const row = await eventually('the first failed try', () => {
    const r = db.prepare('select state, attempts, lease_owner from paging_outbox').get() as { state: string, attempts: number, lease_owner: string | null } | undefined
    return r !== undefined && r.attempts >= 1 && r.lease_owner === null ? r : undefined
  })
  db.close()
  t.equal(row.state, 'pending')
  await kill9(first)

  const twilio = await fakeTwilioApi({ accountSid: ACCOUNT, authToken: TWILIO_TOKEN })
  t.teardown(async () => { await twilio.close() })
  const second = await start(dir, port, twilio.url)
  t.teardown(async () => { await kill9(second) })
  const page = await eventually('the page after the restart', () => twilio.messages.find((m) => m.to === ALICE), 30_000)
  t.match(page.body, /^FIRING 1: DiskFull db-1 \(critical\) \d+s\. Reply 1a ack, 1s silence$/)

  // Alertmanager's retry of the same notification (it never heard the answer, say) pages nobody again.
  const again = await fetch(`http://127.0.0.1:${port}/alerts/alertmanager`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${WEBHOOK_TOKEN}` }, body: JSON.stringify(payload())
  })
  t.match(await again.json(), { duplicate: true })
  await new Promise((resolve) => setTimeout(resolve, 1500))
  t.equal(twilio.messages.length, 1)

  // `operator alerts` in the app directory reads the same store: the open incident, by id for the console.
  const cli = await promisify(execFile)(process.execPath, [BIN, 'alerts'], { cwd: dir, env: { PATH: process.env.PATH ?? '', HOME: dir, OPERATOR_DATA_DIR: join(dir, 'data'), ONCALL_NUMBERS: ALICE, LOG_LEVEL: 'error' } })
  t.match(cli.stdout, /^1 open:\n#1 DiskFull db-1 \(critical\) \d+s\n$/)
})
