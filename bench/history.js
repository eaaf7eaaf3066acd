// The cost of message history and of restart-safe idempotency, per engine: what one history record costs the caller
// (the webhook's thread: a push onto the batch), what writing it costs end to end (rows per second through the store:
// SQLite's write worker, PostgreSQL's pool), and what the durable claim and answer of one MessageSid cost against the
// in-memory store. PostgreSQL at BENCH_DATABASE_URL (default the local test database), in a schema of its own.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { openStore } from '../core/dist/store/index.js'
import { HistoryWriter } from '../core/dist/history/index.js'
import { RestartSafeIdempotencyStore } from '../core/dist/state/durable.js'
import { MemoryIdempotencyStore } from '../core/dist/state/idempotency.js'
import { printTable, round, writeResult } from './lib.js'

const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const quiet = { warn () {}, info () {}, debug () {}, error () {} }
const ROWS = Number(process.env.BENCH_HISTORY_ROWS ?? 20_000)

function message (i) {
  return {
    direction: i % 2 === 0 ? 'in' : 'out', channel: 'sms', number: `+1415555010${i % 8}`, role: 'viewer', text: 'status',
    command: 'status', plugin: 'builtin', outcome: 'answered', segments: 1, durationMs: 3, messageSid: 'SM' + i.toString(16).padStart(32, '0')
  }
}

async function admin (sql) {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 })
  await client.connect()
  try { await client.query(sql) } finally { await client.end() }
}

async function place (engine) {
  if (engine === 'sqlite') {
    const dataDir = mkdtempSync(join(tmpdir(), 'operator-bench-history-'))
    return { settings: { engine, dataDir, databaseUrl: '' }, remove: async () => { rmSync(dataDir, { recursive: true, force: true }) } }
  }
  const schema = `bench_history_${randomBytes(5).toString('hex')}`
  await admin(`create schema ${schema}`)
  return { settings: { engine, dataDir: '', databaseUrl: PG_URL, schema }, remove: async () => { await admin(`drop schema ${schema} cascade`) } }
}

async function measure (engine) {
  const p = await place(engine)
  const store = await openStore(p.settings, quiet)
  try {
    await store.migrate()
    const history = new HistoryWriter({ store, log: quiet })
    // Warm-up: the worker started, statements prepared.
    for (let i = 0; i < 1000; i++) history.record(message(i))
    await history.flush()

    // The caller's cost: bursts of records in one tick, nothing awaited (each under the 10,000 kept in memory).
    const BURST = 5000
    let recordMs = 0
    let started = performance.now()
    for (let i = 0; i < ROWS; i += BURST) {
      const t0 = performance.now()
      for (let j = 0; j < BURST; j++) history.record(message(i + j))
      recordMs += performance.now() - t0
      await history.flush()
    }
    const recordNs = recordMs * 1e6 / ROWS
    const writtenUs = (performance.now() - started) * 1000 / ROWS

    // The same spread over time as a webhook makes it: 20 records per turn of the event loop.
    started = performance.now()
    for (let i = 0; i < ROWS; i += 20) {
      for (let j = 0; j < 20; j++) history.record(message(i + j))
      await new Promise((resolve) => setImmediate(resolve))
    }
    await history.flush()
    const trickleUs = (performance.now() - started) * 1000 / ROWS
    await history.close()

    // One MessageSid: claim (a lookup in the store for a key memory does not know) and its answer, as the webhook does.
    // Twice: on a store with no live answer from before the start (no lookup), and with one (each new MessageSid is
    // looked up in the store: the first day after a restart).
    const n = 5000
    const claimUs = []
    for (const before of [false, true]) {
      if (before) await store.idempotency.completeMany([{ key: 'SMbefore', answer: '<Response/>', ttlMs: 86_400_000 }])
      const durable = new RestartSafeIdempotencyStore(store.idempotency, store.writes, quiet, { lookupMs: 300 })
      await new Promise((resolve) => setTimeout(resolve, 50))
      started = performance.now()
      for (let i = 0; i < n; i++) {
        await durable.claim(`SMbench${before}${i}`, 3000)
        durable.complete(`SMbench${before}${i}`, '<Response><Message>ok</Message></Response>', 86_400_000)
      }
      claimUs.push(round((performance.now() - started) * 1000 / n, 2))
      await durable.close()
    }
    const memory = new MemoryIdempotencyStore()
    started = performance.now()
    for (let i = 0; i < n; i++) {
      memory.claim(`SMbench${i}`, 3000)
      memory.complete(`SMbench${i}`, '<Response><Message>ok</Message></Response>', 86_400_000)
    }
    const memoryUs = (performance.now() - started) * 1000 / n
    return { engine, recordNs: round(recordNs, 0), writtenUs: round(writtenUs, 2), trickleUs: round(trickleUs, 2), claimUs: claimUs[0], claimLookupUs: claimUs[1], memoryClaimUs: round(memoryUs, 2) }
  } finally {
    await store.close()
    await p.remove()
  }
}

export async function historyCost () {
  const rows = [await measure('sqlite')]
  try {
    rows.push(await measure('postgres'))
  } catch (err) {
    process.stdout.write(`(PostgreSQL skipped: ${err.message.split('\n')[0]})\n`)
  }
  printTable(`History and durable idempotency: ${ROWS} rows per engine (µs unless noted)`,
    ['engine', 'record() ns, caller', 'written µs/row (bursts of 5000)', 'written µs/row (20 per tick)', 'durable claim+answer µs', 'same, with a lookup µs', 'memory claim+answer µs'],
    rows.map((r) => [r.engine, r.recordNs, r.writtenUs, r.trickleUs, r.claimUs, r.claimLookupUs, r.memoryClaimUs]))
  return { file: writeResult('history', { rows: ROWS, results: rows }), results: rows }
}
