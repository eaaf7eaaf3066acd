import t, { type Test } from 'tap'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { historyCommand } from '../src/cli/history.js'
import { openStore } from '../src/store/open.js'
import type { NewMessage, Store } from '../src/store/types.js'
import { appDir, operator } from './fixtures/cli.js'
import { makePlace, pgSkip, PG_URL, quietLog } from './fixtures/store-engines.js'

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0)
const MINUTE = 60_000
const ADMIN = '+14155550100'
const VIEWER = '+14155550101'

const rows: NewMessage[] = [
  { time: NOW - 90 * MINUTE, direction: 'in', channel: 'sms', number: VIEWER, role: 'viewer', text: 'db', command: 'db', plugin: 'database', outcome: 'denied', segments: 1, messageSid: 'SM1' },
  { time: NOW - 5 * MINUTE, direction: 'in', channel: 'sms', number: ADMIN, role: 'admin', text: 'logs api errors', command: 'logs', plugin: 'logs', outcome: 'error', segments: 1, durationMs: 812, messageSid: 'SM2' },
  { time: NOW - 5 * MINUTE + 900, direction: 'out', channel: 'sms', number: ADMIN, text: 'logs: elasticsearch unreachable\n(connection refused)', command: 'logs', outcome: 'sent', segments: 1, providerSid: 'SM3', deliveryStatus: 'delivered' }
]

/** An app directory whose store (./data/operator.db) holds `rows`, as the daemon would have written them. */
async function dirWithHistory (t: Test, messages: readonly NewMessage[] = rows): Promise<string> {
  const dir = appDir(t)
  const store = await openStore({ engine: 'sqlite', dataDir: join(dir, 'data'), databaseUrl: '' }, quietLog)
  await store.migrate()
  await store.messages.insert(messages)
  await store.close()
  return dir
}

/** historyCommand in this process (so coverage sees it), with its output captured. */
async function history (args: string[], cwd: string, env: Record<string, string | undefined> = {}): Promise<{ code: number, out: string, err: string }> {
  const out: string[] = []
  const err: string[] = []
  const code = await historyCommand(args, { env, cwd, now: NOW, stdout: (l) => out.push(l), stderr: (l) => err.push(l) })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

t.test('the real bin prints the newest messages as a table, numbers masked', async (t) => {
  const dir = await dirWithHistory(t)
  const r = await operator(['history'], dir)
  t.equal(r.code, 0, r.stderr)
  t.equal(r.stdout, [
    'TIME (UTC)           DIR  NUMBER        COMMAND  OUTCOME  SEG  TEXT',
    '2026-11-25 11:55:00  out  +1415***0100  logs     sent     1    logs: elasticsearch unreachable / (connection refused)',
    '2026-11-25 11:55:00  in   +1415***0100  logs     error    1    logs api errors',
    '2026-11-25 10:30:00  in   +1415***0101  db       denied   1    db',
    ''
  ].join('\n'))
  t.notMatch(r.stdout + r.stderr, /\+1415555010[01]/, 'no full number unless asked')
})

t.test('--json prints one object per line with from/to; --full-numbers shows numbers as stored', async (t) => {
  const dir = await dirWithHistory(t)
  const r = await operator(['history', '--json', '--from', '+1 (415) 555-0100', '--full-numbers'], dir)
  t.equal(r.code, 0, r.stderr)
  const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
  t.same(lines, [
    { id: 3, time: '2026-11-25T11:55:00.900Z', direction: 'out', channel: 'sms', from: null, to: ADMIN, role: null, text: 'logs: elasticsearch unreachable\n(connection refused)', command: 'logs', plugin: null, outcome: 'sent', segments: 1, durationMs: null, messageSid: null, providerSid: 'SM3', deliveryStatus: 'delivered' },
    { id: 2, time: '2026-11-25T11:55:00.000Z', direction: 'in', channel: 'sms', from: ADMIN, to: null, role: 'admin', text: 'logs api errors', command: 'logs', plugin: 'logs', outcome: 'error', segments: 1, durationMs: 812, messageSid: 'SM2', providerSid: null, deliveryStatus: null }
  ])
  const masked = await operator(['history', '--json', '--outcome=denied'], dir)
  t.match(JSON.parse(masked.stdout), { from: '+1415***0101', to: null, text: 'db', command: 'db', outcome: 'denied', segments: 1 })
})

t.test('bad flags: one line on stderr and exit 2', async (t) => {
  const dir = await dirWithHistory(t)
  const cases: Array<[string[], string]> = [
    [['--since', 'yesterday'], "operator history: Invalid history query: --since must be a duration back from now (30m, 1h, 7d, 2w) or an ISO date such as 2026-11-25T10:00Z, not 'yesterday'"],
    [['--limit', '0'], 'operator history: Invalid history query: --limit must be a whole number from 1 to 1000'],
    [['--outcome', 'broken'], 'operator history: Invalid history query: --outcome must be one of answered, error, denied, unknown-command, rate-limited, duplicate, forged, unknown-sender, sent, failed'],
    [['--from', '4155550100x'], "operator history: Invalid history query: --from must be an international number such as +14155550100, not '41***0x'"],
    [['--colour'], "operator history: unknown option '--colour' (operator history --help shows the options)"],
    [['--since'], 'operator history: --since needs a value (operator history --help shows the options)'],
    [['--json=yes'], 'operator history: --json takes no value (operator history --help shows the options)']
  ]
  for (const [args, line] of cases) {
    const r = await operator(['history', ...args], dir)
    t.equal(r.code, 2, args.join(' '))
    t.equal(r.stderr, `${line}\n`)
    t.equal(r.stdout, '')
  }
})

t.test('no store, an empty one, and one never migrated each say so', async (t) => {
  const none = appDir(t)
  const missing = await operator(['history'], none)
  t.equal(missing.code, 1)
  t.equal(missing.stderr, `operator history: no store at ${join(none, 'data', 'operator.db')}; the daemon creates it at its first start (OPERATOR_DATA_DIR names another directory)\n`)
  const empty = await dirWithHistory(t, [])
  t.same(await operator(['history'], empty), { code: 0, stdout: 'No messages in the history yet.\n', stderr: '' })
  t.same(await operator(['history', '--json', '--command', 'db'], empty), { code: 0, stdout: '', stderr: 'No messages match these filters.\n' })
  const fresh = appDir(t)
  await (await openStore({ engine: 'sqlite', dataDir: join(fresh, 'data'), databaseUrl: '' }, quietLog)).close()
  const r = await history([], fresh)
  t.equal(r.code, 1)
  t.equal(r.err, `operator history: the store at ${join(fresh, 'data', 'operator.db')} has no history yet: its migrations are pending (the daemon applies them at start)`)
})

t.test('.env in the working directory names the store, as for the daemon', async (t) => {
  const dir = await dirWithHistory(t)
  const elsewhere = appDir(t, undefined, { '.env': `OPERATOR_DATA_DIR=${join(dir, 'data')}\n` })
  const r = await operator(['history', '--limit', '1'], elsewhere)
  t.equal(r.code, 0, r.stderr)
  t.match(r.stdout, /^TIME \(UTC\) .*\n.* out +\+1415\*\*\*0100 .*\n\(the newest 1 shown; older ones match too: raise --limit or narrow --since\)\n$/)
})

t.test('reads beside a writer: a transaction held open does not block it (SQLite WAL)', async (t) => {
  const dir = await dirWithHistory(t)
  const writer = new BetterSqlite3(join(dir, 'data', 'operator.db'))
  t.teardown(() => { if (writer.inTransaction) writer.exec('rollback'); writer.close() })
  writer.exec('begin immediate')
  writer.prepare("insert into messages (time, direction, channel, number, outcome, segments, text) values (?, 'in', 'sms', ?, 'answered', 1, 'uncommitted')").run(NOW, ADMIN)
  const r = await operator(['history'], dir, { OPERATOR_DATA_DIR: 'data' })
  t.equal(r.code, 0, r.stderr)
  t.equal(r.stdout.split('\n').length, 5, 'the three committed messages, header and final newline')
  t.notMatch(r.stdout, /uncommitted/)
  writer.exec('commit')
  t.match((await operator(['history', '--limit', '1'], dir)).stdout, /uncommitted/)
})

t.test('in this process: filters, notes, help, and every way a store can be missing or wrong', async (t) => {
  const dir = await dirWithHistory(t, [...rows,
    { time: NOW - 2 * MINUTE, direction: 'in', channel: 'sms', number: '+447700900123', outcome: 'unknown-sender', segments: 1 },
    { time: NOW - MINUTE, direction: 'out', channel: 'sms', number: ADMIN, text: `status:\n${'api ok 12ms, '.repeat(10)}`, command: 'status', outcome: 'sent', segments: 2 }
  ])
  const table = await history(['--since', '3m'], dir)
  t.match(table.out, /\n2026-11-25 11:59:00  out  \+1415\*\*\*0100  status   sent            2    status: \/ api ok 12ms, api ok 12ms, api ok 12ms, api ok 1\.\.\.\n/)
  t.match(table.out, /\n2026-11-25 11:58:00  in   \+4477\*\*\*0123  -        unknown-sender  1    -$/)
  const filtered = await history(['--since', '1h', '--direction', 'in', '--text', 'API'], dir)
  t.match(filtered, { code: 0, err: '' })
  t.match(filtered.out, /\n2026-11-25 11:55:00  in   \+1415\*\*\*0100  logs     error    1    logs api errors$/)
  t.match(await history(['--json', '--limit=1'], dir), { code: 0, err: '(the newest 1 shown; older ones match too: raise --limit or narrow --since)' })
  t.match(await history(['--until', '2026-11-25T11:00Z'], dir), { code: 0, out: /10:30:00  in   \+1415\*\*\*0101  db/ })
  t.match(await history(['--help'], dir), { code: 0, out: /^usage: operator history \[--since 1h\]/ })
  // Without writers given, it prints to the process's own stdout and stderr. Both calls below print before their
  // first await, so the stubs are in place for this synchronous stretch only (tap writes its own output meanwhile).
  const printed: string[] = []
  const { stdout, stderr } = process
  const write = stdout.write
  const writeErr = stderr.write
  stdout.write = ((chunk: string) => { printed.push(chunk); return true }) as typeof stdout.write
  stderr.write = ((chunk: string) => { printed.push(chunk); return true }) as typeof stderr.write
  const calls = [historyCommand(['--help']), historyCommand(['--bogus'])]
  stdout.write = write
  stderr.write = writeErr
  t.same(await Promise.all(calls), [0, 2])
  t.match(printed.join(''), /^usage: operator history [^]*\noperator history: unknown option '--bogus'/)
  t.match(await history(['--since'], dir), { code: 2, err: /--since needs a value/ })
  t.match(await history([], dir, { DATABASE_URL: 'mysql://x' }), { code: 1, err: /^operator: DATABASE_URL must be a postgres:\/\/ .* \[OPR_ERR_STORE_SETTINGS\]$/ })
  const down = await history([], dir, { DATABASE_URL: 'postgres://operator:s3cret@127.0.0.1:1/ops' })
  t.match(down, { code: 1, err: /^operator history: the store at postgres:\/\/operator:\[redacted\]@127\.0\.0\.1:1\/ops is down \(.+\)$/ })
  t.notMatch(down.err, /s3cret/)

  const notAFile = appDir(t)
  mkdirSync(join(notAFile, 'data', 'operator.db'), { recursive: true })
  t.match(await history([], notAFile), { code: 1, err: /^operator: Cannot open the store at .* \[OPR_ERR_STORE_OPEN\]$/ })

  const badDotEnv = appDir(t)
  mkdirSync(join(badDotEnv, '.env'))
  const out: string[] = []
  t.equal(await historyCommand([], { cwd: badDotEnv, stderr: (l) => out.push(l) }), 1)
  t.match(out, [/^operator: Cannot read config file .*\.env: EISDIR \[OPR_ERR_CONFIG_FILE\]$/])

  // A store whose migrations say applied but whose table is gone answers one line, not a stack.
  const damaged = await dirWithHistory(t, [])
  const db = new BetterSqlite3(join(damaged, 'data', 'operator.db'))
  db.exec('drop table messages')
  db.close()
  t.match(await history([], damaged), { code: 1, err: /^operator history: no such table: messages$/ })
})

t.test('the real bin reads PostgreSQL at DATABASE_URL', { skip: await pgSkip() }, async (t) => {
  const place = await makePlace('postgres')
  t.teardown(async () => { await place.remove() })
  const store: Store = await place.open()
  await store.migrate()
  await store.messages.insert(rows)
  await store.close()
  const url = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${place.settings.schema!}`)}`
  const dir = appDir(t)
  const r = await operator(['history', '--command', 'db', '--json'], dir, { DATABASE_URL: url })
  t.equal(r.code, 0, r.stderr)
  t.match(JSON.parse(r.stdout), { from: '+1415***0101', command: 'db', outcome: 'denied', time: '2026-11-25T10:30:00.000Z' })
  t.same(await operator(['history', '--since', '1h', '--outcome', 'answered'], dir, { DATABASE_URL: url }), { code: 0, stdout: 'No messages match these filters.\n', stderr: '' })
})

t.test('operator help lists history', async (t) => {
  const r = await operator(['help'], appDir(t))
  t.match(r.stdout, /operator history \[--since 1h\] \[--from <number>\]/)
})
