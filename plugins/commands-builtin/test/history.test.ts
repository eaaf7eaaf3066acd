import t, { type Test } from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createTestOperator, type TestOperator } from '@operator/core/testing'
import type { NewMessage } from '@operator/core'
import { signedSms } from '@operator/test-support'
import { ago, historyLine, peopleByNumber } from '../src/history.js'

const TOKEN = 'history-test-token-0123456789abcdef'
const PUBLIC_URL = 'https://ops.example.com'
const ADMIN = '+14155550100'
const VIEWER = '+14155550101'
const STRANGER = '+447700900123'
const MINUTE = 60_000

interface Daemon {
  readonly op: TestOperator
  /** Posts a signed SMS to the real webhook and returns the reply text as the phone would show it. */
  text(body: string, from?: string): Promise<string>
  insert(rows: readonly NewMessage[]): Promise<void>
}

function unescapeXml (s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&')
}

async function daemon (t: Test, people: Record<string, string> = {}): Promise<Daemon> {
  const dir = mkdtempSync(join(tmpdir(), 'operator-history-cmd-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const op = await createTestOperator({
    env: { OPERATOR_DATA_DIR: join(dir, 'data'), TWILIO_AUTH_TOKEN: TOKEN, PUBLIC_URL, AUTHORIZED_NUMBERS: `${ADMIN}:admin, ${VIEWER}:viewer` },
    config: { plugins: [{ package: 'commands-builtin', config: { people } }] },
    cwd: dir
  })
  t.teardown(() => op.close())
  return {
    op,
    async text (body, from = ADMIN) {
      const sms = signedSms(TOKEN, `${PUBLIC_URL}/sms`, from, body)
      const res = await op.app.inject({ method: 'POST', url: '/sms', headers: sms.headers, payload: sms.payload })
      t.equal(res.statusCode, 200)
      return unescapeXml(/<Message>([\s\S]*)<\/Message>/.exec(res.body)?.[1] ?? '')
    },
    async insert (rows) { await op.app.operator.store!.messages.insert(rows) }
  }
}

const asked = (minutesAgo: number, number: string, text: string | null, outcome: NewMessage['outcome'] = 'answered'): NewMessage => ({
  time: Date.now() - minutesAgo * MINUTE, direction: 'in', channel: 'sms', number, text, command: text?.split(' ')[0] ?? null, outcome, segments: 1
})

/** The lines of `reply` that are about these texts, in the order shown: the daemon's own writes may add others. */
function linesAbout (reply: string, texts: readonly string[]): string[] {
  return reply.split('\n').filter((l) => texts.some((x) => l.includes(`: ${x} (`)))
}

t.test('history answers an admin over SMS: who (a name, else the masked number), what, outcome and when, newest first', async (t) => {
  const d = await daemon(t, { '+1 (415) 555-0100': 'alice' })
  await d.insert([
    asked(125, VIEWER, 'logs api errors in the last hour please', 'error'),
    asked(4, ADMIN, 'db'),
    asked(3, STRANGER, null, 'unknown-sender'),
    { ...asked(2, ADMIN, 'db ok'), direction: 'out', outcome: 'sent' }
  ])
  const reply = await d.text('history 3')
  t.same(linesAbout(reply, ['-', 'db', 'logs api errors in th...']), [
    '3m +4477***0123: - (unknown-sender)',
    '4m alice: db (ok)',
    '2h +1415***0101: logs api errors in th... (error)'
  ])
  t.notMatch(reply, /\+14155550101|\+447700900123/, 'no full number reaches the phone')
  t.notMatch(reply, /db ok/, 'texts sent out are not commands')
})

t.test('a long history continues with more, like any long reply', async (t) => {
  const d = await daemon(t)
  const texts = Array.from({ length: 50 }, (_, i) => `metrics api latency p99 host ${String(i).padStart(2, '0')}`)
  await d.insert(texts.map((x, i) => asked(100 - i, ADMIN, x)))
  const first = await d.text('history 50')
  const total = Number(/\(1\/(\d+)\) MORE$/.exec(first)?.[1])
  t.ok(total >= 2, `the list takes ${total} pages`)
  const pages = [first]
  for (let i = 2; i <= total; i++) pages.push(await d.text('more'))
  const shown = linesAbout(pages.join('\n'), texts.map((x) => `${x.slice(0, 21)}...`))
  t.equal(shown.length, 50, 'every command is on a page')
  t.match(shown[0], /^51m \+1415\*\*\*0100: metrics api latency p\.\.\. \(ok\)$/)
})

t.test('history is for admins; n is checked', async (t) => {
  const d = await daemon(t)
  t.equal(await d.text('history', VIEWER), "'history' needs the admin role.")
  t.equal(await d.op.exec('history 0'), 'Usage: history [n], n from 1 to 50')
  t.equal(await d.op.exec('history 51'), 'Usage: history [n], n from 1 to 50')
  t.equal(await d.op.exec('history ten'), 'Usage: history [n], n from 1 to 50')
  t.equal(await d.op.exec('history 2 3'), 'Usage: history [n], n from 1 to 50')
  t.equal(await d.op.exec('history'), 'No commands in the history yet.')
})

t.test('with no store open, history says it is off and why', async (t) => {
  const op = await createTestOperator()
  t.teardown(() => op.close())
  t.equal(await op.exec('history'), 'History is off: no store is open here (set OPERATOR_DATA_DIR or DATABASE_URL).')
})

t.test('a store that fails answers one line', async (t) => {
  const d = await daemon(t)
  await d.op.app.operator.store!.close()
  t.match(await d.op.exec('history'), /^history: .+$/)
})

t.test('people: numbers in any writing; a bad one stops start-up naming it, masked', async (t) => {
  t.same([...peopleByNumber({ '0014155550100': 'alice', '+44 7700 900123': 'bob' })], [[ADMIN, 'alice'], [STRANGER, 'bob']])
  t.throws(() => peopleByNumber({ 'alice-phone': 'alice' }), { message: "people: 'al***ne' is not an international number; write it as +<country code><number>" })
  await t.rejects(createTestOperator({ config: { plugins: [{ package: 'commands-builtin', config: { people: { 12: 'x' } } }] } }), { code: 'OPR_ERR_PLUGIN_REGISTER' })
})

t.test('when is one unit, the largest that fits; a clock ahead of the record reads 0s', async (t) => {
  t.same([ago(0), ago(999), ago(59_000), ago(MINUTE), ago(59 * MINUTE), ago(61 * MINUTE), ago(49 * 60 * MINUTE)], ['0s', '0s', '59s', '1m', '59m', '1h', '2d'])
  const r = { id: 1, time: 1000, direction: 'in', channel: 'sms', number: ADMIN, role: null, text: null, command: 'status', plugin: null, outcome: 'denied', segments: 1, durationMs: null, messageSid: null, providerSid: null, deliveryStatus: null } as const
  t.equal(historyLine(r, new Map(), 0), '0s +1415***0100: status (denied)')
})
