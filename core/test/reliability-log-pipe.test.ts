// A daemon's stdout is someone else's pipe: a log shipper that stops reading, or a reader that went away
// (`operator start | head`), must cost log lines, never answers and never the exit on SIGTERM.
import t, { type Test } from 'tap'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '@operator/test-support'
import { BIN, httpOnce, productionEnv, webhookRequest } from './fixtures/reliability-daemon.js'

/** Longer than a regression is allowed to take: past it the daemon is SIGKILLed and the test fails. */
const EXIT_WAIT_MS = 15_000

interface Daemon {
  readonly child: ChildProcess
  readonly port: number
  /** The exit code, or `still running` when SIGTERM did not end it within EXIT_WAIT_MS (it is then SIGKILLed). */
  terminate: () => Promise<number | string | null>
}

/** `operator start` in production mode with stdout a pipe this test reads only if it attaches a listener. */
async function startDaemon (t: Test): Promise<Daemon> {
  const dir = mkdtempSync(join(tmpdir(), 'operator-log-pipe-'))
  writeFileSync(join(dir, 'operator.config.json'), JSON.stringify({ plugins: [] }))
  const port = await freePort()
  const child = spawn(process.execPath, [BIN, 'start'], {
    cwd: dir,
    env: productionEnv(port),
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
    rmSync(dir, { recursive: true, force: true })
  })
  const deadline = Date.now() + 20_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`operator start exited ${child.exitCode}:\n${stderr}`)
    const ready = await httpOnce(port, 'GET', '/readyz').then((r) => r.status === 200, () => false)
    if (ready) break
    if (Date.now() > deadline) throw new Error(`operator start not ready within 20 s:\n${stderr}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return {
    child,
    port,
    async terminate () {
      child.kill('SIGTERM')
      let timer: NodeJS.Timeout | undefined
      const outcome = await Promise.race([
        exited,
        new Promise<string>((resolve) => { timer = setTimeout(() => resolve('still running'), EXIT_WAIT_MS) })
      ])
      clearTimeout(timer)
      if (outcome === 'still running') child.kill('SIGKILL')
      return outcome
    }
  }
}

/**
 * Far more log output than any pipe and the daemon's log buffer hold: 404s on long paths (each logged with its
 * URL) and signed `help` webhooks. Resolves with every answer's status and the webhooks' bodies.
 */
async function flood (port: number): Promise<{ statuses: number[]; webhookBodies: string[] }> {
  const statuses: number[] = []
  const webhookBodies: string[] = []
  const longPath = `/no-such-page/${'x'.repeat(8000)}`
  for (let batch = 0; batch < 20; batch++) {
    const answers = await Promise.all(Array.from({ length: 10 }, async (_, i) => {
      if (i === 0 && batch < 8) { // 8 webhooks: under the sender's 10 per minute, so each gets the real reply
        const hook = webhookRequest('help')
        const r = await httpOnce(port, 'POST', '/sms', hook.payload, hook.headers)
        webhookBodies.push(r.body)
        return r.status
      }
      return (await httpOnce(port, 'GET', `${longPath}-${batch}-${i}`)).status
    }))
    statuses.push(...answers)
  }
  return { statuses, webhookBodies }
}

t.test('a daemon whose stdout is never read still answers every request and exits 0 on SIGTERM', async (t) => {
  const daemon = await startDaemon(t)
  // Nothing ever reads daemon.child.stdout.
  const { statuses, webhookBodies } = await flood(daemon.port)
  t.equal(statuses.length, 200, 'every request got an answer')
  t.same([...new Set(statuses.filter((s) => s !== 200))], [404], 'the unknown paths answer 404')
  t.equal(webhookBodies.length, 8)
  t.ok(webhookBodies.every((b) => b.includes('<Response><Message>Commands:')), 'the webhooks answer with the help TwiML')
  const health = await httpOnce(daemon.port, 'GET', '/readyz')
  t.equal(health.status, 200, 'and it still answers after the flood')
  t.equal(await daemon.terminate(), 0, 'SIGTERM stops it with exit 0')
})

t.test('a daemon whose stdout reader closed exits 0 on SIGTERM', async (t) => {
  t.test('closed while reading (`operator start | head`)', async (t) => {
    const daemon = await startDaemon(t)
    daemon.child.stdout!.destroy()
    const { statuses } = await flood(daemon.port)
    t.equal(statuses.length, 200, 'every request got an answer after the reader went away')
    t.equal((await httpOnce(daemon.port, 'GET', '/readyz')).status, 200)
    t.equal(await daemon.terminate(), 0, 'SIGTERM stops it with exit 0')
  })

  t.test('closed while the daemon waited on a full pipe, just before SIGTERM', async (t) => {
    const daemon = await startDaemon(t)
    await flood(daemon.port)
    daemon.child.stdout!.destroy()
    t.equal(await daemon.terminate(), 0, 'SIGTERM stops it with exit 0')
  })
})

t.test('a reader that stalls and comes back gets the lines that fit and a count of those dropped', async (t) => {
  const daemon = await startDaemon(t)
  let out = ''
  const stdout = daemon.child.stdout!
  stdout.setEncoding('utf8')
  stdout.on('data', (d: string) => { out += d })
  stdout.pause()
  await flood(daemon.port)
  stdout.resume()
  const report = await new Promise<Record<string, unknown> | undefined>((resolve) => {
    const find = (): Record<string, unknown> | undefined => {
      const line = out.split('\n').find((l) => l.includes('log lines dropped'))
      return line === undefined ? undefined : JSON.parse(line) as Record<string, unknown>
    }
    const timer = setTimeout(() => { stdout.off('data', check); resolve(find()) }, EXIT_WAIT_MS)
    function check (): void {
      const found = find()
      if (found === undefined) return
      clearTimeout(timer)
      stdout.off('data', check)
      resolve(found)
    }
    stdout.on('data', check)
    check()
  })
  t.ok(report, 'a line says log lines were dropped')
  t.equal(report?.level, 40, 'as a warning')
  t.ok(typeof report?.droppedLines === 'number' && report.droppedLines > 0, `with the count (${String(report?.droppedLines)})`)
  const lines = out.trim().split('\n')
  t.ok(lines.every((l) => { try { JSON.parse(l); return true } catch { return false } }), 'every line that made it is whole JSON')
  t.ok(lines.some((l) => l.includes('"msg":"Server listening')), 'start-up lines written before the stall are kept')
  t.equal(await daemon.terminate(), 0, 'SIGTERM stops it with exit 0')
  // The pipe closes when the daemon is gone; what it wrote last is read by then.
  if (!stdout.readableEnded) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, EXIT_WAIT_MS)
      stdout.once('end', () => { clearTimeout(timer); resolve() })
    })
  }
  t.match(out, /"msg":"stopped"/, 'the last line reaches a reader that keeps up')
})
