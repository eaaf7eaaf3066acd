// Webhook throughput and latency: Operator's POST /sms against a bare Fastify route and Express + twilio.webhook(),
// same run, same machine; then a realistic run (a MessageSid and signature per request, eight senders). A fourth
// server, bare Fastify plus one signature check, shows the floor that verifying Twilio's signature sets. Also the
// daemon's memory idle and after the load. The same two runs with history on (the embedded SQLite store: every message
// and reply written, idempotency answers written too) show what the store costs the webhook: target >= 0.9x.
import autocannon from 'autocannon'
import { buildApp } from '../core/dist/app.js'
import { operatorEnv } from './operator-env.js'
import { median, messageSid, printTable, ROOT, round, SENDERS, signedWebhook, startServer, TO, writeResult } from './lib.js'

const ACCOUNT = 'AC' + '0'.repeat(32)

function helpParams (from) {
  return { AccountSid: ACCOUNT, From: from, To: TO, Body: 'help', NumMedia: '0', NumSegments: '1' }
}

// The fixed run sends one request over and over. A signed webhook must carry a MessageSid, so after the first it is
// a retry of a known message to Operator (answered from its record); the realistic run sends distinct ones.
const FIXED_SID = 'SM' + 'f'.repeat(32)
function fixedParams () {
  return { ...helpParams(SENDERS[0]), MessageSid: FIXED_SID }
}

/** The TwiML Operator answers `help` with: the baselines return exactly these bytes. */
async function operatorHelpTwiml () {
  const app = await buildApp({ env: operatorEnv(), cwd: ROOT, config: { plugins: [] }, logger: false })
  await app.ready()
  const w = signedWebhook(fixedParams())
  const res = await app.inject({ method: 'POST', url: '/sms', headers: w.headers, payload: w.body })
  await app.close()
  if (res.statusCode !== 200 || !res.body.includes('<Message>')) throw new Error(`operator did not answer help: ${res.statusCode} ${res.body}`)
  return res.body
}

async function cannon (opts, server) {
  const cpuBefore = server === undefined ? 0 : await server.cpu()
  const result = await autocannon({ connections: 20, pipelining: 1, ...opts })
  const cpuUs = server === undefined ? NaN : (await server.cpu()) - cpuBefore
  return {
    cpuPerRequestUs: result.requests.total > 0 ? cpuUs / result.requests.total : NaN,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts
  }
}

function fixedLoad (port, duration) {
  const w = signedWebhook(fixedParams())
  return { url: `http://127.0.0.1:${port}/sms`, method: 'POST', headers: w.headers, body: w.body, duration }
}

const SIGNATURE_CHARS = 28

/**
 * Distinct signed webhooks (own MessageSid, senders in turn). Only the signatures are computed ahead, packed in one
 * Buffer; each body is put together when sent. Half a million ready-made requests held in the load generator's heap
 * made its garbage collector, not the server, the limit of the realistic run.
 */
function signedPool (size, offset) {
  const signatures = Buffer.alloc(size * SIGNATURE_CHARS)
  for (let i = 0; i < size; i++) {
    const sid = messageSid(offset + i)
    const params = { ...helpParams(SENDERS[i % SENDERS.length]), MessageSid: sid, SmsSid: sid }
    signatures.write(signedWebhook(params).headers['x-twilio-signature'], i * SIGNATURE_CHARS, 'latin1')
  }
  // The form as URLSearchParams writes it: the sender's fields, then the two SIDs (letters and digits, never escaped).
  const prefixes = SENDERS.map((from) => new URLSearchParams(helpParams(from)).toString())
  return {
    size,
    request (i) {
      const sid = messageSid(offset + i)
      return {
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': signatures.toString('latin1', i * SIGNATURE_CHARS, (i + 1) * SIGNATURE_CHARS)
        },
        body: `${prefixes[i % SENDERS.length]}&MessageSid=${sid}&SmsSid=${sid}`
      }
    }
  }
}

function realisticLoad (port, duration, pool, counter) {
  return {
    url: `http://127.0.0.1:${port}`,
    duration,
    requests: [{
      method: 'POST',
      path: '/sms',
      setupRequest (req) {
        const w = pool.request(counter.n++ % pool.size)
        return { ...req, headers: w.headers, body: w.body }
      }
    }]
  }
}

const mib = (bytes) => round(bytes / 1048576, 1)

export async function throughput ({ duration, runs }) {
  const twiml = await operatorHelpTwiml()
  const servers = {}
  try {
    servers.fastify = await startServer('fastify', { BENCH_TWIML: twiml })
    servers['fastify + signature'] = await startServer('fastify-signed', { BENCH_TWIML: twiml })
    servers.express = await startServer('express', { BENCH_TWIML: twiml })
    servers.operator = await startServer('operator')
    servers['operator + history'] = await startServer('operator', { BENCH_STORE: 'sqlite' })
    const memory = { idle: await servers.operator.memory() }

    // Warm-up (JIT, pools), not measured.
    const fixed = ['fastify', 'fastify + signature', 'express', 'operator', 'operator + history']
    for (const name of fixed) await cannon({ ...fixedLoad(servers[name].port, 2) })

    const measured = {
      fastify: [], 'fastify + signature': [], express: [], operator: [], 'operator + history': [], 'operator realistic': [], 'operator realistic + history': []
    }
    for (let run = 0; run < runs; run++) {
      for (const name of fixed) {
        measured[name].push(await cannon(fixedLoad(servers[name].port, duration), servers[name]))
      }
    }
    // Each realistic run gets its own MessageSids, sized for well above the fixed run's rate, so no request repeats.
    const perRun = Math.ceil(median(measured.operator.map((r) => r.rps)) * duration * 1.5) + 10_000
    let unique = true
    for (let run = 0; run < runs; run++) {
      // History off and on in turn, each with the same MessageSids (a different daemon, so none is a retry).
      const pool = signedPool(perRun, run * perRun)
      for (const [name, server] of [['operator realistic', servers.operator], ['operator realistic + history', servers['operator + history']]]) {
        const counter = { n: 0 }
        measured[name].push(await cannon(realisticLoad(server.port, duration, pool, counter), server))
        if (counter.n > pool.size) unique = false
      }
    }
    memory.afterLoad = await servers.operator.memory()

    const summary = {}
    for (const [name, list] of Object.entries(measured)) {
      summary[name] = {
        rps: round(median(list.map((r) => r.rps)), 0),
        p50: median(list.map((r) => r.p50)),
        p99: median(list.map((r) => r.p99)),
        non2xx: list.reduce((a, r) => a + r.non2xx, 0),
        errors: list.reduce((a, r) => a + r.errors + r.timeouts, 0),
        cpuUs: round(median(list.map((r) => r.cpuPerRequestUs)), 1),
        runs: list.map((r) => round(r.rps, 0))
      }
    }
    const ratio = (a, b) => round(summary[a].rps / summary[b].rps, 2)
    const ratios = {
      operatorVsFastify: ratio('operator', 'fastify'),
      operatorVsExpress: ratio('operator', 'express'),
      realisticVsFastify: ratio('operator realistic', 'fastify'),
      realisticVsExpress: ratio('operator realistic', 'express'),
      signedFloorVsFastify: ratio('fastify + signature', 'fastify'),
      operatorVsSignedFloor: ratio('operator', 'fastify + signature'),
      historyOnVsOff: ratio('operator realistic + history', 'operator realistic'),
      historyOnVsOffFixed: ratio('operator + history', 'operator'),
      // Server CPU per message, off over on: what history costs where cores are scarce, steady under outside load.
      historyCpuOffVsOn: round(summary['operator realistic'].cpuUs / summary['operator realistic + history'].cpuUs, 2)
    }
    printTable(`Webhook throughput: 20 connections, ${duration} s per run, median of ${runs} runs (req/s; latency ms)`,
      ['server', 'req/s', 'p50', 'p99', 'vs Fastify', 'vs Express', 'non-2xx', 'errors', 'CPU µs/req', 'runs req/s'],
      Object.entries(summary).map(([name, s]) => [name, s.rps, s.p50, s.p99,
        round(s.rps / summary.fastify.rps, 2), round(s.rps / summary.express.rps, 2), s.non2xx, s.errors, s.cpuUs, s.runs.join(' / ')]))
    printTable('Targets', ['ratio', 'measured', 'target', 'met'], [
      ['Operator / bare Fastify', ratios.operatorVsFastify, '>= 0.8', ratios.operatorVsFastify >= 0.8 ? 'yes' : 'NO'],
      ['Operator / Express + twilio.webhook()', ratios.operatorVsExpress, '>= 4', ratios.operatorVsExpress >= 4 ? 'yes' : 'NO'],
      ['Operator realistic / bare Fastify', ratios.realisticVsFastify, '(info)', '-'],
      ['Operator realistic / Express', ratios.realisticVsExpress, '(info)', '-'],
      ['Fastify + signature check / bare Fastify', ratios.signedFloorVsFastify, '(floor)', '-'],
      ['Operator / Fastify + signature check', ratios.operatorVsSignedFloor, '(info)', '-'],
      ['History on / off (realistic: new messages)', ratios.historyOnVsOff, '>= 0.9', ratios.historyOnVsOff >= 0.9 ? 'yes' : 'NO'],
      ['History on / off (fixed: retries)', ratios.historyOnVsOffFixed, '(info)', '-'],
      ['History CPU per message, off / on (realistic)', ratios.historyCpuOffVsOn, '(info)', '-']
    ])
    printTable('Operator memory (in the daemon process)', ['when', 'RSS MiB', 'heap used MiB'], [
      ['idle, after start', mib(memory.idle.rss), mib(memory.idle.heapUsed)],
      ['after the throughput runs', mib(memory.afterLoad.rss), mib(memory.afterLoad.heapUsed)]
    ])
    const notes = unique ? 'every realistic request had its own MessageSid' : 'the realistic pool wrapped: some MessageSids repeated'
    process.stdout.write(`(${notes}; ${perRun} signed bodies per realistic run)\n`)
    return { file: writeResult('throughput', { duration, runs, connections: 20, summary, ratios, memory, realisticUnique: unique, twimlBytes: Buffer.byteLength(twiml) }), summary, ratios, memory }
  } finally {
    for (const s of Object.values(servers)) await s.stop()
  }
}
