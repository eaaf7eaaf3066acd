import t, { type Test } from 'tap'
import { checkHistoryQuery, parseHistoryParams, parseHistoryTime } from '../src/history/filters.js'
import { createHistoryView } from '../src/history/view.js'
import { makePlace, pgSkip } from './fixtures/store-engines.js'
import type { NewMessage, StoreEngine } from '../src/store/types.js'

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0)
const HOUR = 3_600_000
const DAY = 24 * HOUR

t.test('textual filters: durations back from now, ISO dates, numbers in any writing', async (t) => {
  t.same(parseHistoryParams({ since: '1h', until: '30m', number: '+1 (415) 555-0100', command: ' DB ', outcome: 'Error', direction: 'IN', text: ' Disk ', limit: '20', cursor: ' abc ' }, NOW), {
    since: NOW - HOUR, until: NOW - 30 * 60_000, number: '+14155550100', command: 'db', outcome: 'error', direction: 'in', text: 'Disk', limit: 20, cursor: 'abc'
  })
  t.same(parseHistoryParams({ since: '', number: ' ', limit: undefined }, NOW), {}, 'empty values are not filters')
  t.equal(parseHistoryTime('2w', NOW), NOW - 14 * DAY)
  t.equal(parseHistoryTime('90s', NOW), NOW - 90_000)
  t.equal(parseHistoryTime('5 min', NOW), NOW - 5 * 60_000)
  t.equal(parseHistoryTime('2026-11-25', NOW), Date.UTC(2026, 10, 25))
  t.equal(parseHistoryTime('2026-11-25T10:00Z', NOW), Date.UTC(2026, 10, 25, 10))
  t.equal(parseHistoryTime('2026-11-25 10:00:30+01:00', NOW), Date.UTC(2026, 10, 25, 9, 0, 30))
  for (const bad of ['yesterday', '0h', '1y', '2026-13-45', '-1h', '']) t.equal(parseHistoryTime(bad, NOW), undefined, bad)
})

t.test('bad filters are refused with one line naming the field as the caller calls it', async (t) => {
  const flag = (f: string): string => (f === 'number' ? '--from' : `--${f}`)
  const refused = (params: Parameters<typeof parseHistoryParams>[0], message: string): void => {
    t.throws(() => parseHistoryParams(params, NOW, flag), { code: 'OPR_ERR_STORE_QUERY', message: `Invalid history query: ${message}` }, message)
  }
  refused({ since: 'yesterday' }, "--since must be a duration back from now (30m, 1h, 7d, 2w) or an ISO date such as 2026-11-25T10:00Z, not 'yesterday'")
  refused({ until: 'a very long value that goes on and on and on' }, "--until must be a duration back from now (30m, 1h, 7d, 2w) or an ISO date such as 2026-11-25T10:00Z, not 'a very long value that goes on...'")
  refused({ since: '1h', until: '2h' }, '--until must be after --since')
  refused({ limit: '0' }, '--limit must be a whole number from 1 to 1000')
  refused({ limit: '1001' }, '--limit must be a whole number from 1 to 1000')
  refused({ limit: 'ten' }, '--limit must be a whole number from 1 to 1000')
  refused({ number: '555-0100' }, "--from must be an international number such as +14155550100, not '55***00'")
  refused({ command: 'db; drop' }, "--command must be a command name such as db, not 'db; drop'")
  refused({ outcome: 'oops' }, '--outcome must be one of answered, error, denied, unknown-command, rate-limited, duplicate, forged, unknown-sender, sent, failed')
  refused({ direction: 'up' }, '--direction must be in or out')
  refused({ text: 'x'.repeat(201) }, '--text must be at most 200 characters')
})

t.test('typed queries from a plugin are checked the same way', async (t) => {
  t.same(checkHistoryQuery({ text: '  ' }), {}, 'a blank text is no filter')
  const refused = (q: unknown, message: string): void => {
    t.throws(() => checkHistoryQuery(q as never), { code: 'OPR_ERR_STORE_QUERY', message: `Invalid history query: ${message}` }, message)
  }
  refused({ since: 1.5 }, 'since must be epoch milliseconds')
  refused({ until: '1h' }, 'until must be epoch milliseconds')
  refused({ since: -1 }, 'since must be epoch milliseconds')
  refused({ number: 14155550100 }, "number must be an international number such as +14155550100, not '14***00'")
  refused({ command: 7 }, "command must be a command name such as db, not '7'")
  refused({ outcome: 3 }, 'outcome must be one of answered, error, denied, unknown-command, rate-limited, duplicate, forged, unknown-sender, sent, failed')
  refused({ text: 5 }, 'text must be at most 200 characters')
  refused({ limit: 2.5 }, 'limit must be a whole number from 1 to 1000')
  refused({ cursor: '' }, 'cursor must be the next of an earlier page')
})

t.test('without a store every read says history is off, and why', async (t) => {
  const view = createHistoryView(undefined)
  t.equal(view.off, 'no store is open here (set OPERATOR_DATA_DIR or DATABASE_URL)')
  const off = { code: 'OPR_ERR_HISTORY_OFF', message: 'History is off: no store is open here (set OPERATOR_DATA_DIR or DATABASE_URL)' }
  await t.rejects(view.query(), off)
  await t.rejects(view.count('day'), off)
  await t.rejects(view.segmentsPerDay(), off)
  await t.rejects(view.query({ limit: 0 }), { code: 'OPR_ERR_STORE_QUERY' }, 'input is checked first')
})

function row (i: number, extra: Partial<NewMessage> = {}): NewMessage {
  return {
    time: NOW - i * HOUR, direction: i % 2 === 0 ? 'in' : 'out', channel: 'sms', number: i % 3 === 0 ? '+14155550100' : '+14155550101',
    role: 'admin', text: `metrics disk ${i}`, command: i % 4 === 0 ? 'db' : 'metrics', plugin: 'prometheus',
    outcome: i % 5 === 0 ? 'error' : 'answered', segments: 1 + (i % 2), ...extra
  }
}

async function engineCases (t: Test, engine: StoreEngine): Promise<void> {
  const place = await makePlace(engine)
  t.teardown(async () => { await place.remove() })
  const store = await place.open(() => NOW)
  t.teardown(async () => { await store.close() })
  await store.migrate()
  await store.messages.insert(Array.from({ length: 60 }, (_, i) => row(i)))
  const view = createHistoryView(store)
  t.equal(view.off, undefined)

  t.test('filters and cursor pages, newest first, no row twice', async (t) => {
    const q = parseHistoryParams({ number: '+1 415 555 0100', outcome: 'error', limit: '2' }, NOW)
    const first = await view.query(q)
    t.same(first.items.map((r) => r.text), ['metrics disk 0', 'metrics disk 15'])
    const second = await view.query({ ...q, cursor: first.next })
    t.same(second.items.map((r) => r.text), ['metrics disk 30', 'metrics disk 45'])
    t.equal(second.next, undefined, 'the last page has no next')
    const db = await view.query({ command: 'DB', direction: 'in', since: NOW - 10 * HOUR, limit: 10 })
    t.same(db.items.map((r) => r.text), ['metrics disk 0', 'metrics disk 4', 'metrics disk 8'])
    t.same((await view.query({ text: 'DISK 5', limit: 3 })).items.map((r) => r.text), ['metrics disk 5', 'metrics disk 50', 'metrics disk 51'])
    t.equal((await view.query()).items.length, 50, 'the default page is 50')
    t.equal((await view.query({ until: NOW - 58 * HOUR })).items.length, 1, 'until is exclusive')
  })

  t.test('counts per hour and day, segments per day', async (t) => {
    const hours = await view.count('hour', { since: NOW - 3 * HOUR })
    t.same(hours, [-3, -2, -1, 0].map((h) => ({ start: NOW + h * HOUR, count: 1 })))
    const days = await view.count('day', { outcome: 'error' })
    t.same(days.reduce((n, b) => n + b.count, 0), 12)
    t.ok(days.every((b) => b.start % DAY === 0), 'UTC day buckets')
    const segments = await view.segmentsPerDay({ since: NOW - 11 * HOUR, until: NOW + 1 })
    t.same(segments, [{ start: Date.UTC(2026, 10, 25), inbound: 6, outbound: 12 }])
    t.same(await view.segmentsPerDay(), await view.segmentsPerDay({}))
  })

  t.test('bad input is refused before the store is asked', async (t) => {
    await t.rejects(view.query({ cursor: 'not-a-cursor' }), { code: 'OPR_ERR_STORE_CURSOR' })
    await t.rejects(view.count('week' as 'day'), { code: 'OPR_ERR_STORE_QUERY', message: 'Invalid history query: unit must be hour or day' })
    await t.rejects(view.count('hour', { number: 'nope' }), { code: 'OPR_ERR_STORE_QUERY' })
    await t.rejects(view.segmentsPerDay({ since: NaN }), { code: 'OPR_ERR_STORE_QUERY' })
  })

  t.test('a caller that gives up stops waiting: an aborted signal ends the read', async (t) => {
    const gone = new AbortController()
    gone.abort(new Error('gone'))
    await t.rejects(view.query({}, gone.signal), { message: 'gone' })
    const later = new AbortController()
    const reading = view.count('day', {}, later.signal)
    later.abort(new Error('deadline'))
    // SQLite answers in the same turn; PostgreSQL may still be working when the signal comes.
    await reading.then((buckets) => { t.ok(buckets.length > 0) }, (err: Error) => { t.equal(err.message, 'deadline') })
    const fine = new AbortController()
    t.equal((await view.query({ limit: 1 }, fine.signal)).items.length, 1)
  })
}

t.test('sqlite', async (t) => { await engineCases(t, 'sqlite') })
t.test('postgres', { skip: await pgSkip() }, async (t) => { await engineCases(t, 'postgres') })

t.test('a plugin serves the history over HTTP with the public entry alone, errors as coded one-liners', async (t) => {
  const { definePlugin, maskNumber, parseHistoryParams: parse } = await import('../src/index.js')
  const { createTestOperator } = await import('../src/testing/index.js')
  const { mkdtempSync, rmSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const { join } = await import('node:path')
  const plugin = definePlugin({
    name: 'recent-errors',
    register (op) {
      op.fastify.get('/recent-errors', async (request, reply) => {
        try {
          const query = parse({ ...(request.query as Record<string, string>), outcome: 'error' }, Date.now())
          const page = await op.host.history.query(query)
          return { items: page.items.map((r) => ({ ...r, number: maskNumber(r.number) })), next: page.next }
        } catch (err) {
          const { code, statusCode, message } = err as { code: string, statusCode: number, message: string }
          return await reply.code(statusCode).send({ code, message })
        }
      })
    }
  })
  const dir = mkdtempSync(join(tmpdir(), 'operator-history-plugin-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const op = await createTestOperator({ plugins: [{ plugin }], env: { OPERATOR_DATA_DIR: join(dir, 'data') }, cwd: dir })
  t.teardown(() => op.close())
  await op.app.operator.store!.messages.insert([row(5), row(10), row(12)].map((r) => ({ ...r, time: Date.now() - 60_000 })))
  const first = await op.app.inject('/recent-errors?since=1h&limit=1')
  t.equal(first.statusCode, 200)
  const body = first.json<{ items: Array<{ number: string, text: string }>, next: string }>()
  t.same(body.items.map((r) => [r.number, r.text]), [['+1415***0101', 'metrics disk 10']])
  const second = (await op.app.inject(`/recent-errors?since=1h&limit=1&cursor=${body.next}`)).json<{ items: Array<{ text: string }> }>()
  t.same(second.items.map((r) => r.text), ['metrics disk 5'])
  const bad = await op.app.inject('/recent-errors?since=yesterday')
  t.equal(bad.statusCode, 400)
  t.match(bad.json(), { code: 'OPR_ERR_STORE_QUERY', message: /^Invalid history query: since must be a duration/ })
  t.match((await op.app.inject('/recent-errors?cursor=zzz')).json(), { code: 'OPR_ERR_STORE_CURSOR' })
})
