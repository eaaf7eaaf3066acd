// Start-up: from spawning `node core/dist/cli/bin.js start` to the first 200 from /readyz, with every first-party
// plugin enabled (backends at dead loopback ports: plugins connect lazily) and with only the built-ins; plus the
// daemon's resident memory once ready (VmRSS from /proc).
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { AUTH_TOKEN, median, printTable, PUBLIC_URL, ROOT, round, SENDERS, sleep, writeResult } from './lib.js'

const RUNS = 5

async function freePort () {
  const s = createServer()
  await new Promise((resolve) => s.listen(0, '127.0.0.1', resolve))
  const { port } = s.address()
  await new Promise((resolve) => s.close(resolve))
  return port
}

export const ALL_PLUGINS_ENV = {
  PROMETHEUS_URL: 'http://127.0.0.1:9',
  DATADOG_API_KEY: 'bench-api-key',
  DATADOG_APP_KEY: 'bench-app-key',
  DATADOG_SITE: 'datadoghq.com',
  LOGS_TYPE: 'elasticsearch',
  LOGS_URL: 'http://127.0.0.1:9',
  DB_TYPE: 'postgres',
  DB_STATS_URL: 'http://127.0.0.1:9',
  GATEWAY_TYPE: 'kong',
  GATEWAY_URL: 'http://127.0.0.1:9'
}

function vmRssKiB (pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m === null ? NaN : Number(m[1])
}

async function once (extraEnv) {
  const port = await freePort()
  const env = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    AUTHORIZED_NUMBERS: SENDERS.join(','),
    PUBLIC_URL,
    LOG_LEVEL: 'warn',
    ...extraEnv
  }
  const t0 = performance.now()
  const child = spawn(process.execPath, [join(ROOT, 'core/dist/cli/bin.js'), 'start'], { cwd: join(ROOT, 'bench'), env, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (d) => { stderr += d })
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`daemon exited ${child.exitCode}: ${stderr.trim()}`)
      if (performance.now() - t0 > 20_000) throw new Error('daemon not ready within 20 s')
      try {
        const res = await fetch(`http://127.0.0.1:${port}/readyz`)
        const body = await res.json()
        if (res.status === 200) {
          const ms = performance.now() - t0
          await sleep(200)
          return { ms, plugins: body.plugins, rssKiB: vmRssKiB(child.pid) }
        }
      } catch {}
      await sleep(5)
    }
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve))
    if (child.exitCode === null) child.kill('SIGTERM')
    await exited
  }
}

export async function startup () {
  const data = { runs: RUNS, cases: {} }
  const rows = []
  for (const [name, env] of [['every first-party plugin', ALL_PLUGINS_ENV], ['built-ins only', {}]]) {
    const results = []
    for (let i = 0; i < RUNS; i++) results.push(await once(env))
    const c = {
      medianMs: round(median(results.map((r) => r.ms)), 0),
      minMs: round(Math.min(...results.map((r) => r.ms)), 0),
      maxMs: round(Math.max(...results.map((r) => r.ms)), 0),
      plugins: results[0].plugins,
      rssMiB: round(median(results.map((r) => r.rssKiB)) / 1024, 1)
    }
    data.cases[name] = c
    rows.push([name, c.plugins, c.medianMs, c.minMs, c.maxMs, c.rssMiB])
  }
  printTable(`Start-up: spawn to first 200 from /readyz (ms, ${RUNS} runs), and resident memory once ready`,
    ['plugins', 'enabled', 'median', 'min', 'max', 'idle RSS MiB'], rows)
  return { file: writeResult('startup', data) }
}
