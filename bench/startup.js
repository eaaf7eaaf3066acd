// Start-up: from spawning a server to its first 200 from /readyz, and its resident memory once ready (VmRSS from
// /proc, 200 ms later). Four rows, measured the same way and interleaved run by run so that a busy machine weighs
// on all of them alike: bare Node (node:http), a Fastify hello-world (bench/servers/hello-fastify.js), and
// `node core/dist/cli/bin.js start` with only the built-ins and with every first-party plugin (backends at dead
// loopback ports: plugins connect lazily). Ratios are against the Fastify row; the targets of issue 12 are checked.
// Also: how long `import('core/dist/app.js')` takes in a fresh process.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { AUTH_TOKEN, BENCH_DIR, median, printTable, PUBLIC_URL, ROOT, round, SENDERS, sleep, writeResult } from './lib.js'

/** Issue 12's targets: every first-party plugin ready within 300 ms; idle RSS within 1.25x the Fastify hello-world. */
const TARGET_ALL_PLUGINS_MS = 300
const TARGET_RSS_RATIO = 1.25

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

const OPERATOR = [join(ROOT, 'core/dist/cli/bin.js'), 'start']

const CASES = [
  { name: 'bare Node (node:http)', args: [join(BENCH_DIR, 'servers/hello-node.js')], env: {} },
  { name: 'Fastify hello-world', args: [join(BENCH_DIR, 'servers/hello-fastify.js')], env: {}, baseline: true },
  { name: 'Operator, built-ins only', args: OPERATOR, env: {} },
  { name: 'Operator, every first-party plugin', args: OPERATOR, env: ALL_PLUGINS_ENV, allPlugins: true },
  // An install whose validator cache was never warmed and cannot be written (`npm ci` and the image build warm it):
  // every config schema compiled with Ajv at each start. Shown beside the targets, which are for the rows above.
  { name: 'the same, no validator cache', args: OPERATOR, env: { ...ALL_PLUGINS_ENV, OPERATOR_CACHE_DIR: '/dev/null/no-cache' }, cold: true }
]

async function once (args, extraEnv) {
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
  const child = spawn(process.execPath, args, { cwd: join(ROOT, 'bench'), env, stdio: ['ignore', 'ignore', 'pipe'] })
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
          return { ms, plugins: body.plugins ?? '-', rssKiB: vmRssKiB(child.pid) }
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

/** Milliseconds a fresh Node process spends in `await import('core/dist/app.js')`. */
async function importAppMs () {
  const script = `const t = performance.now(); await import(${JSON.stringify(join(ROOT, 'core/dist/app.js'))}); ` +
    'process.stdout.write(String(performance.now() - t))'
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.on('data', (d) => { out += d })
  const code = await new Promise((resolve) => child.once('exit', resolve))
  if (code !== 0) throw new Error(`importing core/dist/app.js exited ${code}`)
  return Number(out)
}

export async function startup (options = {}) {
  // At least five runs: a median of three says little on a shared machine.
  const runs = Math.max(5, options.runs ?? 5)
  const results = CASES.map(() => [])
  const imports = []
  for (let i = 0; i < runs; i++) {
    for (const [k, c] of CASES.entries()) results[k].push(await once(c.args, c.env))
    imports.push(await importAppMs())
  }
  const data = { runs, cases: {}, targets: {} }
  for (const [k, c] of CASES.entries()) {
    const r = results[k]
    data.cases[c.name] = {
      medianMs: round(median(r.map((x) => x.ms)), 0),
      minMs: round(Math.min(...r.map((x) => x.ms)), 0),
      maxMs: round(Math.max(...r.map((x) => x.ms)), 0),
      plugins: r[0].plugins,
      rssMiB: round(median(r.map((x) => x.rssKiB)) / 1024, 1)
    }
  }
  const base = data.cases[CASES.find((c) => c.baseline).name]
  const rows = CASES.map((c) => {
    const x = data.cases[c.name]
    x.msRatio = round(x.medianMs / base.medianMs, 2)
    x.rssRatio = round(x.rssMiB / base.rssMiB, 2)
    return [c.name, x.plugins, x.medianMs, x.minMs, x.maxMs, `${x.msRatio}x`, x.rssMiB, `${x.rssRatio}x`]
  })
  printTable(`Start-up: spawn to first 200 from /readyz (ms, median of ${runs} interleaved runs), and idle RSS once ready`,
    ['server', 'plugins', 'median', 'min', 'max', 'vs Fastify', 'idle RSS MiB', 'vs Fastify'], rows)

  data.importAppMs = round(median(imports), 0)
  const all = data.cases[CASES.find((c) => c.allPlugins).name]
  const operatorRows = CASES.filter((c) => c.args === OPERATOR && c.cold !== true).map((c) => data.cases[c.name])
  data.targets = {
    allPluginsStartup: { limitMs: TARGET_ALL_PLUGINS_MS, medianMs: all.medianMs, met: all.medianMs <= TARGET_ALL_PLUGINS_MS },
    idleRss: {
      limitMiB: round(base.rssMiB * TARGET_RSS_RATIO, 1),
      worstMiB: Math.max(...operatorRows.map((x) => x.rssMiB)),
      met: operatorRows.every((x) => x.rssRatio <= TARGET_RSS_RATIO)
    }
  }
  const t = data.targets
  const say = (met) => (met ? 'met' : 'NOT met')
  process.stdout.write(`\nimport('core/dist/app.js') in a fresh process: ${data.importAppMs} ms (median)\n`)
  process.stdout.write(`target: every first-party plugin ready in <= ${TARGET_ALL_PLUGINS_MS} ms: ${all.medianMs} ms, ${say(t.allPluginsStartup.met)}\n`)
  process.stdout.write(`target: idle RSS <= ${TARGET_RSS_RATIO}x Fastify hello-world (${t.idleRss.limitMiB} MiB): ` +
    `Operator at most ${t.idleRss.worstMiB} MiB, ${say(t.idleRss.met)}\n`)
  return { file: writeResult('startup', data) }
}
