import t from 'tap'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { freePort, missingServers, startAlertmanager } from '@operator/test-support'
import { ALICE, Relay, WEBHOOK_TOKEN, eventually, startDaemon } from './fixtures/helpers.js'

const PG = { host: '127.0.0.1', port: 5432 }
const missing = await missingServers(['prometheus-alertmanager', 'postgres'])
const skip = missing.length > 0 && process.env.CI !== 'true' ? `needs ${missing.join('; ')}` : false

async function admin (text: string): Promise<void> {
  const client = new pg.Client({ host: PG.host, port: PG.port, user: 'postgres', database: 'test', connectionTimeoutMillis: 5000 })
  await client.connect()
  try { await client.query(text) } finally { await client.end() }
}

t.test('while the store is down the webhook answers 503; Alertmanager retries and the page goes out once', { skip }, async (t) => {
  const database = `operator_am_${randomBytes(5).toString('hex')}`
  await admin(`create database ${database}`)
  t.teardown(async () => { await admin(`drop database if exists ${database} with (force)`) })
  const relay = new Relay(await freePort(), PG)
  await relay.open()
  t.teardown(async () => { await relay.cut() })
  const daemon = await startDaemon(t, { DATABASE_URL: `postgres://postgres@127.0.0.1:${relay.port}/${database}` })
  t.equal(daemon.app.operator.store!.engine, 'postgres')

  // Alertmanager keeps retrying a 5xx for about max(group_interval, 10 s).
  const alertmanager = await startAlertmanager({ webhookUrl: `${daemon.url}/alerts/alertmanager`, webhookBearerToken: WEBHOOK_TOKEN, groupWait: '1s', groupInterval: '30s' })
  t.teardown(async () => { await alertmanager.stop() })

  await relay.cut()
  const posted = await fetch(`${alertmanager.url}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([{ labels: { alertname: 'DiskFull', instance: 'db-1', severity: 'critical' }, annotations: { summary: 'disk full' }, startsAt: new Date().toISOString() }])
  })
  t.equal(posted.status, 200)
  await eventually('a 503 from the webhook', () => daemon.answers.includes(503) ? true : undefined, 30_000)
  t.equal(daemon.twilio.messages.length, 0, 'nothing paged while nothing is stored')

  await relay.open()
  const page = await eventually('the page after the retry', () => daemon.twilio.messages.find((m) => m.to === ALICE), 60_000)
  t.match(page.body, /^FIRING 1: DiskFull db-1 \(critical\) \d+s\. Reply 1a ack, 1s silence$/)
  t.equal(daemon.answers.at(-1), 200)
  // Give any late duplicate the chance to show up: none does.
  await new Promise((resolve) => setTimeout(resolve, 1500))
  t.equal(daemon.twilio.messages.filter((m) => m.to === ALICE).length, 1, 'paged once')
})
