// Shared helpers for the benchmarks: statistics, tables, results, Twilio signing and child-process servers.
import { createHmac } from 'node:crypto'
import { fork } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url))
export const ROOT = join(BENCH_DIR, '..')

export const AUTH_TOKEN = 'bench-auth-token-0123456789abcdef'
export const PUBLIC_URL = 'https://ops.example.com'
export const SENDERS = ['+14155550100', '+14155550101', '+14155550102', '+14155550103',
  '+14155550104', '+14155550105', '+14155550106', '+14155550107']
export const TO = '+14155559999'

export function median (values) {
  const s = [...values].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2
}

export function round (n, digits = 1) {
  const f = 10 ** digits
  return Math.round(n * f) / f
}

export function machine () {
  const c = cpus()
  return {
    node: process.version,
    cpus: c.length,
    cpuModel: c[0]?.model ?? 'unknown',
    memoryMiB: Math.round(totalmem() / 1048576),
    platform: `${process.platform} ${process.arch}`
  }
}

/** Prints rows (arrays of cells) as an aligned text table under a title. */
export function printTable (title, header, rows) {
  const all = [header, ...rows].map((r) => r.map((c) => String(c)))
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)))
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')
  process.stdout.write(`\n${title}\n${line(all[0])}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`)
  for (const r of all.slice(1)) process.stdout.write(`${line(r)}\n`)
}

export function writeResult (name, data) {
  const dir = join(BENCH_DIR, 'results')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `${name}.json`)
  writeFileSync(file, JSON.stringify({ name, at: new Date().toISOString(), machine: machine(), ...data }, null, 2) + '\n')
  return file
}

/** Twilio's signature, written from its documentation (an oracle independent of core's implementation). */
export function twilioSignature (token, url, params) {
  const hmac = createHmac('sha1', token)
  hmac.update(url)
  for (const name of Object.keys(params).sort()) hmac.update(name + params[name])
  return hmac.digest('base64')
}

/** A signed webhook: the form body and its headers. */
export function signedWebhook (params, url = `${PUBLIC_URL}/sms`) {
  return {
    body: new URLSearchParams(params).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(AUTH_TOKEN, url, params) }
  }
}

export function messageSid (i) {
  return 'SM' + i.toString(16).padStart(32, '0')
}

/**
 * Starts bench/servers/<name>.js in its own process (so the load generator and the server each get a core) and
 * resolves once it listens: { port, twiml, memory(), stop() }.
 */
export async function startServer (name, env = {}) {
  const child = fork(join(BENCH_DIR, 'servers', `${name}.js`), [], {
    env: { ...process.env, ...env },
    // e.g. BENCH_SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile the servers under load.
    execArgv: (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter((a) => a !== ''),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc']
  })
  const ready = await new Promise((resolve, reject) => {
    const onExit = (code) => reject(new Error(`${name} server exited with ${code} before listening`))
    child.once('exit', onExit)
    child.once('message', (m) => { child.off('exit', onExit); resolve(m) })
  })
  let seq = 0
  return {
    port: ready.port,
    pid: child.pid,
    async memory () {
      const id = ++seq
      child.send({ type: 'memory', id })
      return await new Promise((resolve) => {
        const on = (m) => { if (m.id === id) { child.off('message', on); resolve(m.memory) } }
        child.on('message', on)
      })
    },
    /** Microseconds of CPU (user + system) the server process has used so far. */
    async cpu () {
      const id = ++seq
      child.send({ type: 'cpu', id })
      return await new Promise((resolve) => {
        const on = (m) => { if (m.id === id) { child.off('message', on); resolve(m.cpu.user + m.cpu.system) } }
        child.on('message', on)
      })
    },
    async stop () {
      if (child.exitCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    }
  }
}

/** For the server side: report the port, answer memory requests, close on SIGTERM. */
export function serveBench (port, close) {
  process.on('message', (m) => {
    if (m.type === 'memory') {
      globalThis.gc?.()
      process.send({ id: m.id, memory: process.memoryUsage() })
    }
    // CPU time of the whole process, every thread included (a worker's too): robust where req/s is not, on a busy
    // machine.
    if (m.type === 'cpu') process.send({ id: m.id, cpu: process.cpuUsage() })
  })
  process.once('SIGTERM', () => { close().then(() => process.exit(0), () => process.exit(1)) })
  process.send({ port })
}

export async function sleep (ms) {
  await new Promise((resolve) => setTimeout(resolve, ms))
}
