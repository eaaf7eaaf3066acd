// Figures for the durable store on both engines (not a test; run after `npm run build`):
//   node core/scripts/store-figures.mjs [rows=100000] [postgres-url]
// Batch insert of 100, one-row insert, filtered newest pages over `rows` messages, open+migrate time.
// PostgreSQL runs in a throwaway schema, dropped at the end.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { openStore } from '../dist/store/index.js'

const ROWS = Number(process.argv[2] ?? 100_000)
const PG_URL = process.argv[3] ?? 'postgres://postgres@127.0.0.1:5432/test'
const log = { warn () {}, info () {}, debug () {}, error () {} }
const DAY = 86_400_000
const NOW = Date.UTC(2026, 10, 25)
const NUMBERS = Array.from({ length: 50 }, (_, i) => `+1555${String(i).padStart(7, '0')}`)
const COMMANDS = ['status', 'health', 'metrics', 'logs', 'db', 'gateway', 'help', 'more', 'ack', 'silence']
const OUTCOMES = ['answered', 'answered', 'answered', 'answered', 'answered', 'answered', 'error', 'denied', 'unknown-command', 'rate-limited']

function message (i, time) {
  return {
    time, direction: i % 2 === 0 ? 'in' : 'out', channel: 'sms', number: NUMBERS[i % NUMBERS.length], role: 'admin',
    text: `metrics cpu host-${i % 997} last 15m`, command: COMMANDS[(i * 7) % COMMANDS.length], plugin: 'prometheus',
    outcome: OUTCOMES[(i * 3) % OUTCOMES.length], segments: 1 + (i % 3), durationMs: 20 + (i % 200), messageSid: `SM${i}`
  }
}

function median (xs) { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] }
function p95 (xs) { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length * 0.95)] }
async function timed (n, fn) {
  const ms = []
  for (let i = 0; i < n; i++) { const t0 = performance.now(); await fn(i); ms.push(performance.now() - t0) }
  return `median ${median(ms).toFixed(2)} ms, p95 ${p95(ms).toFixed(2)} ms`
}

async function figures (name, settings) {
  const out = [`## ${name}, ${ROWS} rows`]
  let t0 = performance.now()
  const store = await openStore(settings, log)
  await store.migrate()
  out.push(`open + migrate (fresh): ${(performance.now() - t0).toFixed(1)} ms`)

  let n = 0
  out.push(`insert one message: ${await timed(200, async () => { await store.messages.insert([message(n, NOW - (n++ % 1000))]) })}`)
  out.push(`insert a batch of 100: ${await timed(50, async () => { await store.messages.insert(Array.from({ length: 100 }, () => message(n, NOW - (n++ % 1000)))) })}`)

  t0 = performance.now()
  while (n < ROWS) {
    const batch = []
    for (let i = 0; i < 2000 && n < ROWS; i++, n++) batch.push(message(n, NOW - Math.floor((n * 7919) % (90 * DAY))))
    await store.messages.insert(batch)
  }
  out.push(`fill to ${ROWS}: ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  if (settings.engine === 'postgres') {
    const c = new pg.Client({ connectionString: PG_URL }); await c.connect(); await c.query(`analyze ${settings.schema}.messages`); await c.end()
  }

  const page = async (q) => (await store.messages.query({ limit: 20, ...q })).items.length
  const cases = {
    'no filter': {},
    'number': { number: NUMBERS[7] },
    'command': { command: 'db' },
    'outcome error': { outcome: 'error' },
    'number + command + outcome': { number: NUMBERS[3], command: 'logs', outcome: 'error' },
    'since 1h (nothing that new)': { since: NOW + DAY },
    'number + since 30 days': { number: NUMBERS[11], since: NOW - 30 * DAY },
    'text (substring, unindexed)': { text: 'host-123 ' }
  }
  for (const [label, q] of Object.entries(cases)) {
    await page(q) // warm
    out.push(`newest page of 20, ${label}: ${await timed(20, async () => { await page(q) })}`)
  }
  const first = await store.messages.query({ limit: 20, number: NUMBERS[7] })
  out.push(`second page by cursor, number: ${await timed(20, async () => { await store.messages.query({ limit: 20, number: NUMBERS[7], cursor: first.next }) })}`)
  out.push(`counts per day over 90 days: ${await timed(3, async () => { await store.messages.count('day', { since: NOW - 90 * DAY }) })}`)
  out.push(`counts per hour over the last day: ${await timed(5, async () => { await store.messages.count('hour', { since: NOW - DAY }) })}`)
  await store.close()

  t0 = performance.now()
  const again = await openStore(settings, log)
  await again.migrate()
  out.push(`open + migrate (existing, nothing pending): ${(performance.now() - t0).toFixed(1)} ms`)
  await again.close()
  return out.join('\n')
}

const dir = mkdtempSync(join(tmpdir(), 'operator-store-figures-'))
try {
  console.log(await figures('sqlite', { engine: 'sqlite', dataDir: dir, databaseUrl: '' }))
} finally { rmSync(dir, { recursive: true, force: true }) }

const schema = `store_figures_${randomBytes(4).toString('hex')}`
const admin = new pg.Client({ connectionString: PG_URL }); await admin.connect(); await admin.query(`create schema ${schema}`)
try {
  console.log(await figures('postgres', { engine: 'postgres', dataDir: '', databaseUrl: PG_URL, schema }))
} finally { await admin.query(`drop schema ${schema} cascade`); await admin.end() }
