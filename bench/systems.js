// Six monitored systems for the fan-out and SMS-cost benchmarks: tiny HTTP fakes on loopback that answer after a
// delay (or never), and six inline plugins (definePlugin, op.http) with a health check and a status line each.
import { createServer } from 'node:http'
import { definePlugin } from '../core/dist/index.js'

export const SYSTEM_NAMES = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot']

/** One fake backend: GET /health answers {ok, up, total} after `delayMs`, or never when `hang`. */
export async function startFake ({ delayMs, hang = false }) {
  const sockets = new Set()
  const server = createServer((req, res) => {
    if (hang) return // holds the request open until the client gives up
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ ok: true, up: 142, total: 145, firing: 3 }))
    }, delayMs)
  })
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)) })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    async close () {
      for (const s of sockets) s.destroy()
      await new Promise((resolve) => server.close(() => resolve()))
    }
  }
}

export function systemPlugin (name) {
  return definePlugin({
    name,
    configSchema: { type: 'object', required: ['url'], properties: { url: { type: 'string' } } },
    register (op, config) {
      const http = op.http(config.url, { name })
      op.healthCheck({
        system: name,
        async check (ctx) {
          const started = performance.now()
          await http.getJson('/health', { signal: ctx.signal })
          const latencyMs = Math.round(performance.now() - started)
          return { status: 'ok', summary: `ready in ${latencyMs}ms`, latencyMs }
        }
      })
      op.statusLine({
        system: name,
        async line (ctx) {
          const s = await http.getJson('/health', { signal: ctx.signal })
          return { status: 'ok', text: `${s.up}/${s.total} up, ${s.firing} firing` }
        }
      })
    }
  })
}

/** Six fakes answering in `delayMs` (the one at `hangIndex` never answers) and their plugins for createTestOperator. */
export async function sixSystems ({ delayMs, hangIndex = -1 }) {
  const fakes = []
  for (let i = 0; i < SYSTEM_NAMES.length; i++) fakes.push(await startFake({ delayMs, hang: i === hangIndex }))
  return {
    plugins: SYSTEM_NAMES.map((name, i) => ({ plugin: systemPlugin(name), config: { url: fakes[i].url } })),
    async close () { for (const f of fakes) await f.close() }
  }
}
