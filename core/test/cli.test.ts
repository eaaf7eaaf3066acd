import t from 'tap'
import { spawn } from 'node:child_process'
import { freePort } from '@operator/test-support'
import { appDir as tempAppDir, baseEnv, BIN, operator, startUntil } from './fixtures/cli.js'

const appDir = (config?: unknown): string => tempAppDir(t, config)

t.test('exec "status" reports self and the store on a fresh directory with no config', async (t) => {
  const r = await operator(['exec', 'status'], appDir())
  t.equal(r.code, 0)
  // (self measures the CLI's own event loop, which a busy machine may slow past its threshold.)
  t.match(r.stdout, /^(All 2 ok: self, store|1 of 2 not ok: self DEGRADED up \d+s, \d+MB rss, loop p99 [\d.]+ms, v0\.1\.0\. 1 ok\.)\n$/)
})

t.test('exec "helth" suggests health and exits non-zero', async (t) => {
  const r = await operator(['exec', 'helth'], appDir())
  t.equal(r.code, 1)
  t.equal(r.stderr, "Unknown command 'helth'. Did you mean 'health'? Text HELP for commands.\n")
})

t.test('exec "help" lists the built-in commands', async (t) => {
  const r = await operator(['exec', 'help'], appDir())
  t.equal(r.code, 0)
  for (const name of ['help', 'status', 'health', 'more']) t.match(r.stdout, new RegExp(`^${name}\\b`, 'm'))
})

t.test('a config naming a missing package stops start and config check with its name', async (t) => {
  const dir = appDir({ plugins: ['operator-plugin-nonexistent'] })
  for (const args of [['config', 'check'], ['start']]) {
    const r = await operator(args, dir, { PORT: String(await freePort()) })
    t.equal(r.code, 1, `${args.join(' ')} exits 1`)
    t.match(r.stderr, /^operator: Plugin 'operator-plugin-nonexistent' cannot be resolved: .* \[OPR_ERR_PLUGIN_NOT_FOUND\]\n$/)
  }
})

t.test('config check reports what is enabled; plugins says why for each', async (t) => {
  const dir = appDir({ plugins: [{ package: 'prometheus', enabled: false }] })
  const check = await operator(['config', 'check'], dir)
  t.equal(check.code, 0)
  t.match(check.stdout, /^Config OK \(.*operator\.config\.json\): 2 plugin\(s\) enabled: builtin, interpreter\nStore: sqlite at .*operator\.db \(directory writable\); migrations (applied|pending .*)\n$/)
  const list = await operator(['plugins'], dir)
  t.match(list.stdout, /\[on\] +@operator\/plugin-commands-builtin@0\.1\.0 - built in, enabled by default\n +name: builtin; commands: help, status, health, more/)
  t.match(list.stdout, /\[off\] @operator\/plugin-prometheus - disabled in the config file/)
  t.match(list.stdout, /\[off\] @operator\/plugin-datadog - not configured \(set DATADOG_API_KEY\)/)
})

t.test('a config that disables commands-builtin leaves help off, saying where it was disabled', async (t) => {
  const r = await operator(['exec', 'help'], appDir({ plugins: [{ package: 'commands-builtin', enabled: false }] }))
  t.equal(r.code, 1)
  t.equal(r.stderr, 'help needs the commands-builtin plugin, which is disabled in operator.config.json\n')
})

t.test('an invalid environment value stops start-up naming the variable', async (t) => {
  const r = await operator(['config', 'check'], appDir(), { PORT: 'eighty' })
  t.equal(r.code, 1)
  t.equal(r.stderr, "operator: PORT must be a whole number, got 'eighty' [OPR_ERR_CONFIG_ENV_VALUE]\n")
})

t.test('production refuses to start without TWILIO_AUTH_TOKEN and AUTHORIZED_NUMBERS', async (t) => {
  const r = await operator(['start'], appDir(), { NODE_ENV: 'production', PORT: String(await freePort()) })
  t.equal(r.code, 1)
  t.equal(r.stderr, 'operator: Invalid configuration in the environment: NODE_ENV=production needs TWILIO_AUTH_TOKEN and AUTHORIZED_NUMBERS [OPR_ERR_CONFIG_INVALID]\n')
})

t.test('start listens on 127.0.0.1, answers /healthz and /readyz, and exits 0 on SIGTERM', async (t) => {
  const port = await freePort()
  const child = spawn(process.execPath, [BIN, 'start'], { cwd: appDir(), env: { ...baseEnv, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (c: Buffer) => { out += c.toString() })
  child.stderr.on('data', (c: Buffer) => { out += c.toString() })
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL') })
  let healthz: Response | undefined
  for (let i = 0; i < 100 && healthz === undefined; i++) {
    healthz = await fetch(`http://127.0.0.1:${port}/healthz`).catch(async () => { await new Promise((r) => setTimeout(r, 50)); return undefined })
  }
  t.equal(healthz?.status, 200)
  const ready = await fetch(`http://127.0.0.1:${port}/readyz`)
  t.equal(ready.status, 200)
  t.match(await ready.json(), { status: 'ready', plugins: 2 })
  t.match(out, /embedded default, listening on 127\.0\.0\.1 only/)
  child.kill('SIGTERM')
  t.equal(await exited, 0)
})

t.test('shell answers every piped command in order, with size and segments, and stops at exit', async (t) => {
  const child = spawn(process.execPath, [BIN, 'shell'], { cwd: appDir(), env: baseEnv, stdio: ['pipe', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (c: Buffer) => { out += c.toString() })
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
  child.stdin.end('help\nhelth\n\nSTATUS\nexit\nstatus\n')
  t.equal(await exited, 0)
  const replies = out.split(/\n-- (\d+) chars, (\d+) segment\(s\), (GSM-7|UCS-2)\n/)
  t.match(replies[0], /^Commands:\nhelp \[command\]/)
  t.equal(replies[1], '262', 'help: characters as texted')
  t.equal(replies[2], '2', 'help: two segments')
  t.equal(replies[4], "Unknown command 'helth'. Did you mean 'health'? Text HELP for commands.")
  t.match(replies[8], /^(All 2 ok: self, store|1 of 2 not ok: self DEGRADED )/)
  t.equal(out.match(/^(All \d ok|\d of \d not ok): /gm)?.length, 1, 'nothing after exit runs')
})

t.test('usage and version', async (t) => {
  const dir = appDir()
  t.equal((await operator(['--version'], dir)).stdout, '0.1.0\n')
  const bad = await operator(['frobnicate'], dir)
  t.equal(bad.code, 2)
  t.match(bad.stderr, /unknown command 'frobnicate'/)
  t.match((await operator(['help'], dir)).stdout, /operator exec "<text>"/)
})

t.test('start takes LOG_LEVEL from .env, as it takes every other variable', async (t) => {
  const port = String(await freePort())
  const dir = tempAppDir(t, undefined, { '.env': 'LOG_LEVEL=warn\n' })
  // This warning comes after the server is listening: by then an info level would have logged "Server listening".
  const { code, out } = await startUntil(t, dir, { PORT: port }, /embedded default, listening on 127\.0\.0\.1 only/)
  t.equal(code, 0)
  t.match(out, /"level":40,.*embedded default/)
  t.notMatch(out, /"level":30/, 'no info line')
})
