import t from 'tap'
import { buildApp } from '../src/app.js'
import { definePlugin } from '../src/plugins/contract.js'
import { countSegments } from '../src/sms/index.js'

// Over the real webhook with the first-party interpreter (enabled by default): what the phone gets, and what the
// audit log records for a text read as a command.
const web = definePlugin({
  name: 'web',
  register (op) {
    op.healthCheck({ system: 'web', check: () => ({ status: 'ok', summary: 'serving', latencyMs: 1 }) })
  }
})
const lines: string[] = []
const app = await buildApp({
  env: { AUTHORIZED_NUMBERS: '+14155550100' },
  config: { plugins: [] },
  plugins: [{ plugin: web }],
  logger: { level: 'info', stream: { write: (l: string) => { lines.push(l) } } }
})
await app.ready()
t.teardown(() => app.close())

async function text (body: string): Promise<string> {
  const res = await app.inject({
    method: 'POST', url: '/sms', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ From: '+14155550100', Body: body }).toString()
  })
  return res.body
}
const audits = (): Array<Record<string, unknown>> => lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.audit === true)

t.test('a plain-English text is answered with the command that ran, in GSM-7, and audited by that command\'s name', async (t) => {
  const body = await text('is the web ok?')
  const reply = /<Message>([\s\S]*)<\/Message>/.exec(body)?.[1]
  t.match(reply, /^&gt; health web\nweb ok serving \(\d+ms\)$/)
  t.equal(countSegments(reply!.replace('&gt;', '>')).encoding, 'GSM-7')
  const audit = audits().at(-1)!
  t.equal(audit.command, 'health', 'the canonical name of the command that ran')
  t.equal(audit.outcome, 'answered')
  t.notOk(lines.some((l) => l.includes('is the web')), 'the text itself is never logged')
})

t.test('thanks gets no SMS at all', async (t) => {
  t.equal(await text('thanks!'), '<?xml version="1.0" encoding="UTF-8"?><Response/>')
  t.same({ command: audits().at(-1)!.command, segments: audits().at(-1)!.segments }, { command: undefined, segments: 0 })
})
