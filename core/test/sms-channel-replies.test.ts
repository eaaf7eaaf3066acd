import t, { type Test } from 'tap'
import { buildApp } from '../src/app.js'
import { definePlugin } from '../src/plugins/contract.js'
import { escapeXml, messageTwiml } from '../src/channels/sms/twiml.js'
import { countSegments } from '../src/sms/index.js'

const LONG = Array.from({ length: 60 }, (_, i) => `line ${String(i + 1).padStart(2, '0')} ${'x'.repeat(20)}`).join('\n')

async function appWith (t: Test) {
  const plugin = definePlugin({
    name: 'replies',
    register (op) {
      op.command({ name: 'long', summary: 'a long reply', run: () => LONG })
      op.command({ name: 'xml', summary: 'special characters', run: () => 'a < b & c > d "quoted" it\'s' })
      op.command({ name: 'fancy', summary: 'typographic text', run: () => '“Smart” quotes – dashes… and\u00a0spaces' })
      op.command({ name: 'emoji', summary: 'not GSM-7', run: () => 'up 🙂' })
    }
  })
  const lines: string[] = []
  const app = await buildApp({
    env: { AUTHORIZED_NUMBERS: '+14155550100,+14155550101' },
    config: { plugins: [] },
    plugins: [{ plugin }],
    logger: { level: 'info', stream: { write: (l: string) => { lines.push(l) } } }
  })
  await app.ready()
  t.teardown(() => app.close())
  const text = async (body: string, from = '+14155550100') => {
    const res = await app.inject({ method: 'POST', url: '/sms', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ From: from, Body: body }).toString() })
    return /<Message>([\s\S]*)<\/Message>/.exec(res.body)?.[1] ?? res.body
  }
  const audits = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.audit === true)
  return { text, audits }
}

t.test('a long reply is cut into pages within SMS_MAX_SEGMENTS; more sends the next page to the same sender', async (t) => {
  const { text, audits } = await appWith(t)
  const first = await text('long')
  t.match(first, /^line 01 /)
  t.match(first, /\(1\/\d\) MORE$/)
  t.ok(countSegments(first).segments <= 3, 'within 3 segments')
  const total = Number(/\(1\/(\d)\) MORE$/.exec(first)![1])
  t.ok(total >= 2)
  t.equal(await text('more', '+14155550101'), 'Nothing more to show.', 'pages belong to their sender')
  const pages = [first]
  for (let i = 2; i <= total; i++) pages.push(await text('more'))
  t.match(pages[1], /^line \d\d /)
  t.match(pages[total - 1], /line 60 x+/)
  t.equal(await text('more'), 'Nothing more to show.')
  const shown = pages.join('\n')
  for (let i = 1; i <= 60; i++) t.ok(shown.includes(`line ${String(i).padStart(2, '0')} `), `line ${i} was sent`)
  t.equal(audits()[0]!.segments, countSegments(first).segments, 'the audit counts the segments sent')
})

t.test('replies are XML-escaped: <, &, > and quotes', async (t) => {
  const { text } = await appWith(t)
  t.equal(await text('xml'), 'a &lt; b &amp; c &gt; d &quot;quoted&quot; it&apos;s')
  t.equal(escapeXml('bell\u0007 and \uFFFE gone'), 'bell and  gone', 'characters XML cannot carry are dropped')
  t.equal(messageTwiml(''), '<?xml version="1.0" encoding="UTF-8"?><Response/>')
})

t.test('typographic characters are normalised to GSM-7 so a reply stays at 160 per segment', async (t) => {
  const { text, audits } = await appWith(t)
  const reply = await text('fancy')
  t.equal(reply, '&quot;Smart&quot; quotes - dashes... and spaces')
  t.equal(countSegments('"Smart" quotes - dashes... and spaces').encoding, 'GSM-7')
  t.match(await text('emoji'), 'up 🙂')
  t.same(audits().map((a) => a.segments), [1, 1])
})

t.test('segment counts on known vectors: GSM-7 160/153, extension characters count twice, UCS-2 70/67, emoji two units', async (t) => {
  t.equal(countSegments('a'.repeat(160)).segments, 1)
  t.equal(countSegments('a'.repeat(161)).segments, 2)
  t.equal(countSegments('{'.repeat(80)).segments, 1, '80 extension characters are 160 septets')
  t.equal(countSegments('{'.repeat(81)).segments, 2)
  t.equal(countSegments('€'.repeat(77)).units, 154)
  t.equal(countSegments('Ж'.repeat(70)).segments, 1)
  t.same([countSegments('Ж'.repeat(71)).encoding, countSegments('Ж'.repeat(71)).segments], ['UCS-2', 2])
  t.equal(countSegments('🙂'.repeat(35)).segments, 1, '35 emoji are 70 UCS-2 units')
  t.equal(countSegments('🙂'.repeat(36)).segments, 2)
  t.equal(countSegments(`${'a'.repeat(159)}🙂`).encoding, 'UCS-2', 'one emoji switches the whole message')
})
