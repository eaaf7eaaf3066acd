// Issue 14 item 5, end to end: `operator start` with LOG_FILE and a pino-socket transport (only audit lines) in its
// config file ships the SMS audit line to a TCP receiver on 127.0.0.1; a receiver that is gone costs its lines, never
// answers or the exit on SIGTERM; `operator config check` names a transport that is not installed.
import t, { type Test } from 'tap'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '@operator/test-support'
import { ADMIN, BIN, TOKEN, httpOnce, productionEnv, webhookRequest } from './fixtures/reliability-daemon.js'
import { tcpLines, type TcpLines } from './fixtures/tcp-lines.js'
import { isAuditLine } from '../src/log-sinks/index.js'

/** Longer than a regression is allowed to take: past it the daemon is SIGKILLed and the test fails. */
const EXIT_WAIT_MS = 15_000

const CONFIG = {
  plugins: [],
  logging: {
    transports: [{ target: 'pino-socket', options: { address: '127.0.0.1', port: '${LOG_SINK_PORT}', mode: 'tcp' }, only: 'audit' }]
  }
}

interface Run { code: number | null, stdout: string, stderr: string }

function env (dir: string, extra: Record<string, string>): Record<string, string> {
  // PORT comes in `extra` where the daemon listens; `config check` listens nowhere.
  return { ...productionEnv(0), LOG_FILE: join(dir, 'logs', 'operator.log'), ...extra }
}

function tempDir (t: Test, config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'operator-log-sinks-'))
  writeFileSync(join(dir, 'operator.config.json'), JSON.stringify(config))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** `operator start` in `dir`; resolves once /readyz answers 200. */
async function start (t: Test, dir: string, sinkPort: number): Promise<{ child: ChildProcess, port: number, out: () => string, terminate: () => Promise<Run> }> {
  const port = await freePort()
  const child = spawn(process.execPath, [BIN, 'start'], {
    cwd: dir, env: env(dir, { PORT: String(port), LOG_SINK_PORT: String(sinkPort) }), stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (d: Buffer) => { stdout += d.toString() })
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString() })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
  })
  const deadline = Date.now() + 20_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`operator start exited ${child.exitCode}:\n${stderr}`)
    if (await httpOnce(port, 'GET', '/readyz').then((r) => r.status === 200, () => false)) break
    if (Date.now() > deadline) throw new Error(`operator start not ready within 20 s:\n${stderr}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return {
    child,
    port,
    out: () => stdout,
    async terminate () {
      child.kill('SIGTERM')
      let timer: NodeJS.Timeout | undefined
      const code = await Promise.race([exited, new Promise<string>((resolve) => { timer = setTimeout(() => resolve('still running'), EXIT_WAIT_MS) })])
      clearTimeout(timer)
      if (code === 'still running') child.kill('SIGKILL')
      return { code: typeof code === 'string' ? -1 : code, stdout, stderr }
    }
  }
}

async function receiver (t: Test): Promise<TcpLines> {
  const r = await tcpLines()
  t.teardown(async () => await r.close())
  return r
}

t.test('an SMS webhook\'s audit line reaches the TCP receiver (and only audit lines do) and the log file, masked', async (t) => {
  const dir = tempDir(t, CONFIG)
  const sink = await receiver(t)
  const daemon = await start(t, dir, sink.port)
  const { payload, headers } = webhookRequest('help')
  const res = await httpOnce(daemon.port, 'POST', '/sms', payload, headers)
  t.equal(res.status, 200)
  t.match(res.body, /Commands:/)

  const line = JSON.parse(await sink.waitFor(/"audit":true/)) as Record<string, unknown>
  t.match(line, { audit: true, part: 'sms', sender: '+1415***0100', command: 'help', outcome: 'answered', msg: 'sms' })
  const run = await daemon.terminate()
  t.equal(run.code, 0, 'SIGTERM: exit 0')
  t.ok(sink.lines.every(isAuditLine), 'the receiver got audit lines only')
  t.notOk(sink.lines.join('\n').includes(ADMIN), 'never the full number')

  const file = readFileSync(join(dir, 'logs', 'current.log'), 'utf8')
  const records = file.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
  t.ok(records.some((r) => r.audit === true && r.sender === '+1415***0100'), 'the file has the audit line')
  t.ok(records.some((r) => r.msg === 'stopped'), 'and the last line before the exit (flushed at shutdown)')
  t.notOk(file.includes(ADMIN), 'never the full number in the file')
  t.notOk(file.includes(TOKEN), 'nor the auth token')
  t.match(run.stdout, /"audit":true/, 'stdout still gets every line')
})

t.test('a log receiver that goes away costs its lines, not the answers or a clean exit on SIGTERM', async (t) => {
  const dir = tempDir(t, CONFIG)
  const sink = await receiver(t)
  const daemon = await start(t, dir, sink.port)
  const first = webhookRequest('help')
  t.equal((await httpOnce(daemon.port, 'POST', '/sms', first.payload, first.headers)).status, 200)
  await sink.waitFor(/"audit":true/)
  await sink.close()

  for (let i = 0; i < 5; i++) {
    const { payload, headers } = webhookRequest('help')
    const res = await httpOnce(daemon.port, 'POST', '/sms', payload, headers)
    t.equal(res.status, 200, `webhook ${i + 1} answered with the receiver gone`)
    t.match(res.body, /Commands:/)
  }
  t.equal((await httpOnce(daemon.port, 'GET', '/healthz')).status, 200)
  const run = await daemon.terminate()
  t.equal(run.code, 0, 'SIGTERM: exit 0')
  const file = readFileSync(join(dir, 'logs', 'current.log'), 'utf8')
  t.equal(file.split('\n').filter(isAuditLine).length, 6, 'the file kept every audit line')
})

t.test('a log receiver that is not there at start: the transport is reported stopped, the daemon answers and exits 0', async (t) => {
  const dir = tempDir(t, CONFIG)
  const daemon = await start(t, dir, await freePort())
  const { payload, headers } = webhookRequest('help')
  t.equal((await httpOnce(daemon.port, 'POST', '/sms', payload, headers)).status, 200)
  // pino-socket finds the receiver missing when its first line (the audit line) is sent; the report follows.
  for (let i = 0; i < 200 && !daemon.out().includes('log transport stopped'); i++) await new Promise((resolve) => setTimeout(resolve, 50))
  t.equal((await httpOnce(daemon.port, 'POST', '/sms', payload, headers)).status, 200, 'still answering (a duplicate, answered again)')
  const run = await daemon.terminate()
  t.equal(run.code, 0, 'SIGTERM: exit 0')
  const reports = run.stdout.split('\n').filter((l) => l.includes('log transport stopped'))
  t.equal(reports.length, 1, 'reported once')
  t.match(JSON.parse(reports[0]!), { level: 40, transport: 'logging.transports[0]', target: 'pino-socket' })
  t.equal(readFileSync(join(dir, 'logs', 'current.log'), 'utf8').split('\n').filter(isAuditLine).length, 2, 'the file has both audit lines')
})

t.test('operator config check names a transport that is not installed, and a LOG_FILE_SIZE it cannot use', async (t) => {
  const check = async (dir: string, extra: Record<string, string> = {}): Promise<Run> => await new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'config', 'check'], { cwd: dir, env: env(dir, extra), stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
    child.once('exit', (code) => resolve({ code, stdout, stderr }))
  })
  const typo = tempDir(t, { logging: { transports: [{ target: 'pino-lokki', options: { host: 'http://127.0.0.1:3100' } }] } })
  const bad = await check(typo)
  t.equal(bad.code, 1)
  t.equal(bad.stderr.trim(), "operator: logging.transports[0].target 'pino-lokki' is not installed: npm install pino-lokki [OPR_ERR_LOG_TRANSPORT_MISSING]")

  const wrongKey = tempDir(t, { logging: { transports: [{ target: 'pino-socket', only: 'errors' }] } })
  const invalid = await check(wrongKey)
  t.equal(invalid.code, 1)
  t.match(invalid.stderr, /logging\.transports\[0\]\.only .*audit.*\[OPR_ERR_CONFIG_INVALID\]/)

  const good = tempDir(t, CONFIG)
  const size = await check(good, { LOG_SINK_PORT: '9', LOG_FILE_SIZE: '10MB' })
  t.equal(size.code, 1)
  t.match(size.stderr, /LOG_FILE_SIZE=10MB: must be a size like 500k, 10m or 1g \[OPR_ERR_CONFIG_ENV_VALUE\]/)

  const ok = await check(good, { LOG_SINK_PORT: '9' })
  t.equal(ok.code, 0, ok.stderr)
  t.match(ok.stdout, /Config OK/)
})
