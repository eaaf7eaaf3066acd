// The real daemon (`operator start`) on the embedded SQLite store with no Redis: what it answered is in the history
// after a kill -9 and a restart, a replayed MessageSid is answered from its record without running again, and `more`
// still has the rest of a long reply.
import t from 'tap'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { waitUntil } from '@operator/test-support'
import { BIN, httpOnce, startDaemon, webhookRequest, type Daemon } from './fixtures/reliability-daemon.js'
import { openStore } from '../src/store/open.js'
import { quietLog } from './fixtures/store-engines.js'
import type { MessageRecord, Store } from '../src/store/types.js'

const builtSkip = existsSync(BIN) ? false : 'core is not built (npm run build)'

async function send (daemon: Daemon, w: { payload: string, headers: Record<string, string> }): Promise<string> {
  const res = await httpOnce(daemon.port, 'POST', '/sms', w.payload, w.headers)
  if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${res.body}`)
  return res.body
}

async function everything (store: Store): Promise<MessageRecord[]> {
  const rows: MessageRecord[] = []
  let cursor: string | undefined
  do {
    const page = await store.messages.query({ limit: 1000, ...(cursor !== undefined ? { cursor } : {}) })
    rows.push(...page.items)
    cursor = page.next
  } while (cursor !== undefined)
  return rows
}

t.test('kill -9 and restart: committed history stays, a replay is answered from its record, `more` goes on', { skip: builtSkip }, async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'operator-kill-'))
  t.teardown(() => { rmSync(dataDir, { recursive: true, force: true }) })
  const countFile = join(dataDir, 'runs')
  const env = { OPERATOR_DATA_DIR: dataDir, LOG_LEVEL: 'info', SMS_RATE_LIMIT_PER_SENDER: '1000' }
  const reader = async (): Promise<Store> => await openStore({ engine: 'sqlite', dataDir, databaseUrl: '' }, quietLog)

  const first = await startDaemon(env, { countFile })
  t.teardown(first.stop)
  const requests = Array.from({ length: 20 }, () => webhookRequest('counted'))
  const answers: string[] = []
  for (const w of requests) answers.push(await send(first, w))
  t.match(answers[19], '<Message>counted 20</Message>')
  const long = await send(first, webhookRequest('long'))
  t.match(long, 'line 1 of the long reply')
  t.notMatch(long, 'line 40 of')

  // Committed: every answered message and its reply are in the file, read by another process's connection.
  const store = await reader()
  t.teardown(async () => { await store.close() })
  await waitUntil(async () => (await everything(store)).length === 42, { timeoutMs: 10_000, what: 'the history of the 21 answered messages' })
  const before = await everything(store)

  first.child.kill('SIGKILL')
  await first.exited
  t.equal(first.child.signalCode, 'SIGKILL')

  const second = await startDaemon(env, { countFile })
  t.teardown(second.stop)
  const after = await everything(store)
  t.same(after.map((r) => r.id), before.map((r) => r.id), 'every record committed before the kill is there after the restart')
  t.same(after.filter((r) => r.direction === 'in' && r.command === 'counted').length, 20)

  const replay = await send(second, requests[0]!)
  t.equal(replay, answers[0], 'the replayed MessageSid gets the answer recorded before the restart')
  t.equal(readFileSync(countFile, 'utf8').length, 20, 'and the command did not run again')
  const next = await send(second, webhookRequest('more'))
  t.match(next, /line \d+ of the long reply/, '`more` sends the next page of the reply given before the restart')
  t.notMatch(next, 'line 1 of the long reply')

  const fresh = await send(second, webhookRequest('counted'))
  t.match(fresh, '<Message>counted 21</Message>', 'a new MessageSid runs')
  await waitUntil(async () => (await everything(store)).length === 42 + 5, { timeoutMs: 10_000, what: 'the history after the restart' })
  const [duplicate] = (await store.messages.query({ outcome: 'duplicate' })).items
  t.match(duplicate, { direction: 'in', text: 'counted', messageSid: /^SM/ }, 'the replay is in the history as a duplicate')
})

t.test('kill -9 in the middle of a burst: the store opens cleanly and every batch is whole', { skip: builtSkip }, async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'operator-kill-'))
  t.teardown(() => { rmSync(dataDir, { recursive: true, force: true }) })
  const env = { OPERATOR_DATA_DIR: dataDir, LOG_LEVEL: 'warn', SMS_RATE_LIMIT_PER_SENDER: '1000', SMS_RATE_LIMIT_GLOBAL: '100000' }
  const daemon = await startDaemon(env, { countFile: join(dataDir, 'runs') })
  t.teardown(daemon.stop)
  for (let i = 0; i < 10; i++) await send(daemon, webhookRequest('help'))
  const store = await openStore({ engine: 'sqlite', dataDir, databaseUrl: '' }, quietLog)
  t.teardown(async () => { await store.close() })
  await waitUntil(async () => (await everything(store)).length === 20, { timeoutMs: 10_000, what: 'the first 10 messages' })

  // 200 messages at once; the kill lands while they are being answered and written.
  const burst = Array.from({ length: 200 }, async () => await send(daemon, webhookRequest('help')).then(() => true, () => false))
  await waitUntil(async () => (await everything(store)).length > 40, { timeoutMs: 10_000, what: 'part of the burst written' })
  daemon.child.kill('SIGKILL')
  await daemon.exited
  await Promise.all(burst)

  const rows = await everything(store)
  t.ok(rows.length >= 40, `${rows.length} rows`)
  const ins = new Set(rows.filter((r) => r.direction === 'in').map((r) => r.messageSid))
  const outs = new Set(rows.filter((r) => r.direction === 'out').map((r) => r.messageSid))
  t.same([...outs].filter((sid) => !ins.has(sid)), [], 'no reply without its message: both rows were in one batch')
  const again = await startDaemon(env, { countFile: join(dataDir, 'runs') })
  t.teardown(again.stop)
  t.match(await send(again, webhookRequest('help')), '<Message>', 'the daemon starts again on the same store')
})
