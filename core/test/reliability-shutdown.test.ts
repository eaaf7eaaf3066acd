import t from 'tap'
import { httpOnce, startDaemon, webhookRequest } from './fixtures/reliability-daemon.js'

t.test('SIGTERM during a 1.5 s command: the in-flight TwiML still arrives, new connections are refused or get 503, exit 0 within SHUTDOWN_GRACE_MS', async (t) => {
  const daemon = await startDaemon({ SHUTDOWN_GRACE_MS: '6000', LOG_LEVEL: 'info' }, { slowMs: 1500 })
  t.teardown(daemon.stop)

  const slow = webhookRequest('slow')
  const inFlight = httpOnce(daemon.port, 'POST', '/sms', slow.payload, slow.headers)
  await daemon.waitForLog(/"marker":"slow-started"/)
  daemon.child.kill('SIGTERM')
  await daemon.waitForLog(/shutting down/)

  // A newcomer while the slow reply is still being worked on.
  const late = webhookRequest('help')
  const newcomer = await httpOnce(daemon.port, 'POST', '/sms', late.payload, late.headers).then(
    (r) => `answered ${r.status}`,
    (err: NodeJS.ErrnoException) => `refused ${err.code ?? err.message}`)
  t.match(newcomer, /^(refused ECONNREFUSED|refused ECONNRESET|answered 503)$/, `a new request is not served (${newcomer})`)

  const reply = await inFlight
  t.equal(reply.status, 200, 'the in-flight webhook is answered')
  t.match(reply.body, /<Response><Message>slow done: the in-flight reply made it<\/Message><\/Response>/, 'with the command\'s TwiML reply')

  const code = await daemon.exited
  t.equal(code, 0, 'the daemon exits 0: it stopped before the grace period ran out (which exits 1)')
  t.match(daemon.logs(), /"msg":"stopped"/)
  t.notMatch(daemon.logs(), /grace period over/)
})

t.test('SIGINT with nothing in flight stops at once with exit 0', async (t) => {
  const daemon = await startDaemon({ SHUTDOWN_GRACE_MS: '6000' })
  t.teardown(daemon.stop)
  daemon.child.kill('SIGINT')
  t.equal(await daemon.exited, 0)
})
