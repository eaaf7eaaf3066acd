import t from 'tap'
import { httpOnce, startDaemon, webhookRequest, type Daemon } from './fixtures/reliability-daemon.js'

async function text (daemon: Daemon, body: string): Promise<{ status: number; body: string }> {
  const w = webhookRequest(body)
  return await httpOnce(daemon.port, 'POST', '/sms', w.payload, w.headers)
}

t.test('a plugin command that throws, rejects after its deadline, or leaks an unhandled rejection does not take the daemon down', async (t) => {
  const daemon = await startDaemon({ COMMAND_DEADLINE_MS: '400', LOG_LEVEL: 'info' }, { lateMs: 900 })
  t.teardown(daemon.stop)

  const boom = await text(daemon, 'boom')
  t.equal(boom.status, 200, 'a throwing command is answered')
  t.match(boom.body, /<Message>boom: kaboom from the plugin<\/Message>/, 'with one line naming the command and the reason')

  const late = await text(daemon, 'late')
  t.equal(late.status, 200, 'a command past its deadline is answered')
  t.match(late.body, /<Message>late timed out after 400ms\.<\/Message>/, 'with a one-line timeout reply')
  await daemon.waitForLog(/"marker":"late-rejecting"/)

  const leak = await text(daemon, 'leak')
  t.equal(leak.status, 200)
  t.match(leak.body, /<Message>leak answered<\/Message>/, 'the leaking command still answers')
  await daemon.waitForLog(/unhandled rejection \(daemon keeps running\)/)

  // After all three, the daemon is alive and serving.
  t.equal(daemon.child.exitCode, null, 'the process has not exited')
  const healthz = await httpOnce(daemon.port, 'GET', '/healthz')
  t.equal(healthz.status, 200, '/healthz answers')
  const help = await text(daemon, 'help')
  t.equal(help.status, 200)
  t.match(help.body, /<Message>Commands:/, 'a webhook afterwards gets its normal reply')
  t.match(help.body, /\bslow\b/, 'and the fixture plugin is still registered')
  t.notMatch(daemon.logs(), /reliability-test-token/, 'the auth token is not in the logs')
})
