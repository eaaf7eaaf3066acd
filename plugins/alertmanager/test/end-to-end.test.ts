import t from 'tap'
import { startAlertmanager, startExporter, startPrometheus, missingServers } from '@operator/test-support'
import { ALICE, ADMIN, WEBHOOK_TOKEN, eventually, startDaemon } from './fixtures/helpers.js'

const missing = await missingServers(['prometheus', 'prometheus-alertmanager'])
const skip = missing.length > 0 && process.env.CI !== 'true' ? `needs ${missing.join('; ')}` : false

t.test('a real Prometheus rule fires, a real Alertmanager posts with its bearer token, the first on-call number is paged; the rule stops and the resolved notice follows', { skip }, async (t) => {
  const daemon = await startDaemon(t)
  let down = true
  const exporter = await startExporter(() => `# TYPE fixture_up gauge\nfixture_up ${down ? 0 : 1}\n`)
  t.teardown(async () => { await exporter.close() })
  const alertmanager = await startAlertmanager({ webhookUrl: `${daemon.url}/alerts/alertmanager`, webhookBearerToken: WEBHOOK_TOKEN, groupWait: '1s', groupInterval: '2s' })
  t.teardown(async () => { await alertmanager.stop() })
  const prometheus = await startPrometheus({
    scrapeTargets: [`127.0.0.1:${exporter.port}`],
    alertmanagers: [alertmanager.url],
    rules: { groups: [{ name: 'e2e', rules: [{ alert: 'TargetDown', expr: 'fixture_up == 0', labels: { severity: 'critical', env: 'prod', instance: 'api-3' }, annotations: { summary: 'api-3 is down' } }] }] }
  })
  t.teardown(async () => { await prometheus.stop() })

  // Without the token the webhook is refused (production: loopback is not exempt).
  const anonymous = await fetch(`${daemon.url}/alerts/alertmanager`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
  t.equal(anonymous.status, 401)

  const page = await eventually('the page', () => daemon.twilio.messages.find((m) => m.body.startsWith('FIRING')))
  t.equal(page.to, ALICE, 'the first ONCALL_NUMBERS number')
  t.match(page.body, /^FIRING 1: TargetDown api-3 prod fixture \(critical\) \d+s\. Reply 1a ack, 1s silence$/)
  t.equal(page.numSegments, 1)
  t.equal(page.statusCallback, `${daemon.url}/sms/status`)

  // Twilio says it was delivered: signed, verified, recorded on the history row.
  t.equal(await daemon.twilio.deliverStatus(page.sid, 'delivered'), 204)
  const history = await daemon.app.operator.store!.messages.query({ number: ALICE })
  t.match(history.items[0], { command: 'page', outcome: 'sent', providerSid: page.sid, deliveryStatus: 'delivered' })

  // `alerts` lists it with Alice's code; `oncall` names her.
  const reply = await daemon.app.operator.dispatcher.dispatch('alerts', { id: ALICE, role: 'responder', channel: 'sms' })
  t.match(JSON.stringify(reply), /1 open:\\n1 TargetDown api-3 prod \(critical\)/)

  down = false
  const resolved = await eventually('the resolved notice', () => daemon.twilio.messages.find((m) => m.body.startsWith('RESOLVED')))
  t.equal(resolved.to, ALICE)
  t.match(resolved.body, /^RESOLVED 1: TargetDown api-3 prod fixture after \d+s$/)
  t.equal(daemon.twilio.messages.filter((m) => m.to === ALICE).length, 2, 'one page, one resolved notice: repeats and twins paged nobody')
  t.equal(daemon.twilio.messages.filter((m) => m.to === ADMIN).length, 0)
})
