import t from 'tap'
import { createTestOperator } from '../src/testing/index.js'
import { countSegments, definePlugin, fitLines, fitReply } from '../src/index.js'
import { OperatorError } from '../src/plugin-error.js'

const calls: string[] = []
const testPlugin = definePlugin({
  name: 'tester',
  register (op) {
    op.command({ name: 'echo', aliases: ['say'], summary: 'say it back', run: (ctx) => `[${ctx.args}] ${ctx.argv.length} words` })
    op.command({ name: 'hang', summary: 'never answers', deadlineMs: 150, run: (ctx) => new Promise((resolve) => { ctx.signal.addEventListener('abort', () => { calls.push('aborted') }); void resolve }) })
    op.command({ name: 'boom', summary: 'throws', run: () => { throw new Error('backend exploded\n    at Object.run (boom.ts:1:1)\n    at x') } })
    op.command({ name: 'leak', summary: 'rejects after its deadline', deadlineMs: 100, run: async () => { await new Promise((r) => setTimeout(r, 200)); throw new Error('too late') } })
    op.command({ name: 'secret', summary: 'throws with a URL', run: () => { throw new Error('cannot GET https://admin:hunter2@db.internal:8080/x') } })
    op.command({ name: 'ack', summary: 'acknowledge', role: 'responder', run: () => 'acked' })
    op.command({ name: 'typed', summary: 'typed result', run: () => ({ kind: 'tester.pair', data: { a: 1, b: 2 } }) })
    op.command({ name: 'untyped', summary: 'no formatter', run: () => ({ kind: 'tester.none', data: {} }) })
    op.command({ name: 'badfmt', summary: 'formatter throws', run: () => ({ kind: 'tester.bad', data: {} }) })
    op.command({ name: 'long', summary: 'a long answer', run: () => Array.from({ length: 40 }, (_, i) => `line ${i + 1} of the long answer`).join('\n') })
    op.command({ name: 'quotes', summary: 'curly quotes', run: () => '\u201Cdone\u201D \u2014 ok\u2026' })
    op.command({ name: 'nothing', summary: 'returns null', run: () => null as never })
    op.command({ name: 'rows', summary: 'a list of n rows', run: (ctx) => ({ kind: 'tester.rows', data: Number(ctx.argv[0] ?? 60) }) })
    op.command({ name: 'pool', summary: 'fails naming itself', run: () => { throw new OperatorError('OPR_ERR_TEST', 'pool needs POOL_URL') } })
    op.formatter<{ a: number; b: number }>({ kind: 'tester.pair', format: (d, ctx) => `a=${d.a} b=${d.b} via ${ctx.channel} budget ${ctx.budget}` })
    op.formatter({ kind: 'tester.bad', format: () => { throw new Error('cannot render') } })
    op.formatter<number>({ kind: 'tester.rows', format: (n, ctx) => fitReply(Array.from({ length: n }, (_, i) => `row ${i + 1} of a list of many rows`), ctx) })
  }
})

const op = await createTestOperator({ plugins: [{ plugin: testPlugin }] })
t.teardown(() => op.close())

t.test('command names are case-insensitive, aliases work, whitespace is tolerated', async (t) => {
  t.equal(await op.exec('ECHO hello world'), '[hello world] 2 words')
  t.equal(await op.exec('  say   a\t b  '), '[a b] 2 words')
})

t.test('an unknown command suggests the closest one', async (t) => {
  const r = await op.dispatch('helth')
  t.equal(r.reply, "Unknown command 'helth'. Did you mean 'health'? Text HELP for commands.")
  t.equal(r.outcome, 'unknown')
  t.equal(await op.exec('xyzzy'), "Unknown command 'xyzzy'. Text HELP for commands.")
  t.equal(await op.exec('   '), 'Text HELP for commands.')
})

t.test('a command past its deadline answers one line and its signal is aborted', async (t) => {
  const r = await op.dispatch('hang')
  t.equal(r.reply, 'hang timed out after 150ms.')
  t.equal(r.outcome, 'timeout')
  t.equal(r.code, 'OPR_ERR_COMMAND_TIMEOUT')
  t.ok(calls.includes('aborted'), 'the command saw its AbortSignal fire')
})

t.test('a throwing command yields one line, no stack trace, and the daemon keeps answering', async (t) => {
  const r = await op.dispatch('boom')
  t.equal(r.reply, 'boom: backend exploded')
  t.equal(r.outcome, 'failed')
  t.notMatch(r.reply, /at Object/)
  t.equal(await op.exec('echo still here'), '[still here] 2 words')
})

t.test('a late rejection after the deadline is contained', async (t) => {
  t.equal(await op.exec('leak'), 'leak timed out after 100ms.')
  await new Promise((r) => setTimeout(r, 250))
  t.equal(await op.exec('echo alive'), '[alive] 1 words')
})

t.test('credentials in error messages never reach the reply', async (t) => {
  const reply = await op.exec('secret')
  t.notMatch(reply, /hunter2/)
  t.match(reply, /https:\/\/db\.internal:8080/)
})

t.test('a sender without the required role gets a one-line refusal', async (t) => {
  const r = await op.dispatch('ack 3', { role: 'viewer' })
  t.equal(r.reply, "'ack' needs the responder role.")
  t.equal(r.outcome, 'forbidden')
  t.equal(await op.exec('ack 3', { role: 'responder' }), 'acked')
})

t.test('typed results render through their formatter with the channel budget', async (t) => {
  t.equal(await op.exec('typed'), 'a=1 b=2 via console budget 459')
  t.equal(await op.exec('untyped'), "No formatter for 'tester.none' results.")
  t.equal(await op.exec('badfmt'), 'Could not format the tester.bad result: cannot render')
  t.equal(await op.exec('nothing'), 'The command returned nothing to show.')
  t.equal(op.app.operator.dispatcher.render({ kind: 'tester.pair', data: { a: 3, b: 4 } }, { id: 'x', role: 'viewer', channel: 'sms' }),
    'a=3 b=4 via sms budget 459', 'render is there for whoever renders a result outside a command')
  const json = await op.dispatch('long', { channel: 'json' })
  t.equal(json.pages, 1, 'json replies are not paginated')
})

t.test('replies are normalised to GSM-7 look-alikes', async (t) => {
  t.equal(await op.exec('quotes'), '"done" - ok...')
})

t.test('a long reply is paginated and `more` sends the next pages per sender', async (t) => {
  const first = await op.dispatch('long', { id: 'alice' })
  t.ok(first.pages > 1)
  t.match(first.reply, new RegExp(`^line 1 of the long answer[\\s\\S]*\\(1/${first.pages}\\) MORE$`))
  t.equal(await op.exec('more', { id: 'bob' }), 'Nothing more to show.', 'pages belong to their sender')
  const second = await op.exec('more', { id: 'alice' })
  t.match(second, new RegExp(`\\(2/${first.pages}\\)`))
  let last = second
  for (let i = 2; i < first.pages; i++) last = await op.exec('MORE', { id: 'alice' })
  t.match(last, new RegExp(`line 40 of the long answer\\n\\(${first.pages}/${first.pages}\\)$`))
  t.equal(await op.exec('more', { id: 'alice' }), 'Nothing more to show.')
})

t.test('a list cut short says +N more: text MORE, and more sends the rest from where it stopped', async (t) => {
  const first = await op.dispatch('rows 60', { id: 'carol', channel: 'sms' })
  t.ok(countSegments(first.reply).segments <= 3)
  const lines = first.reply.split('\n')
  const shown = lines.length - 1
  t.equal(lines[shown], `+${60 - shown} more: text MORE`)
  t.ok(first.pages >= 2, `${first.pages} pages`)
  const next = await op.exec('more', { id: 'carol', channel: 'sms' })
  t.match(next, new RegExp(`^row ${shown + 1} of a list`), 'the next page starts with the first row left out')
  let last = next
  for (let i = 2; i < first.pages; i++) last = await op.exec('more', { id: 'carol', channel: 'sms' })
  t.match(last, /row 60 of a list of many rows(\n\(\d+\/\d+\))?$/, 'and the last page ends with the last row')
  t.equal(await op.exec('more', { id: 'carol', channel: 'sms' }), 'Nothing more to show.')
})

t.test('a very long list keeps ten pages for more and says how many it did not keep', async (t) => {
  const first = await op.dispatch('rows 2000', { id: 'dave', channel: 'sms' })
  t.equal(first.pages, 11, 'the first page and ten more')
  let last = ''
  for (let i = 1; i < first.pages; i++) last = await op.exec('more', { id: 'dave', channel: 'sms' })
  t.match(last, /\n\+\d+ more not kept: narrow the question to see them\n\(10\/10\)$/)
})

t.test('a newer complete answer ends the last long one: more does not bring back an older question', async (t) => {
  await op.dispatch('rows 60', { id: 'erin' })
  t.match(await op.exec('more', { id: 'erin' }), /^row \d+ of a list/)
  t.match(await op.exec('more', { id: 'erin' }), /^row \d+ of a list/, 'a page sent by more does not end the rest')
  await op.dispatch('rows 60', { id: 'erin' })
  t.equal(await op.exec('echo short', { id: 'erin' }), '[short] 1 words')
  t.equal(await op.exec('more', { id: 'erin' }), 'Nothing more to show.')
  await op.dispatch('rows 60', { id: 'erin' })
  t.match(await op.exec('nosuchcommand', { id: 'erin' }), /^Unknown command/)
  t.match(await op.exec('more', { id: 'erin' }), /^row \d+ of a list/, 'a typo is no new answer: the list goes on')
})

t.test('json has no more: a list says +N more as it always did, and nothing is paged', async (t) => {
  const json = await op.dispatch('rows 60', { channel: 'json' })
  t.equal(json.pages, 1)
  t.match(json.reply, /\n\+\d+ more$/)
  t.equal(fitLines(['a', 'b', 'c'], 3), 'a\n+2 more', 'a number budget keeps the old wording')
})

t.test('a failure that already names its command is not prefixed with it again', async (t) => {
  t.equal(await op.exec('pool'), 'pool needs POOL_URL')
  t.equal(await op.exec('boom'), 'boom: backend exploded')
})

t.test('fitLines and fitReply hand the lines they leave out to the context, and none when all fit', async (t) => {
  let rest: readonly string[] = ['stale']
  const ctx = { budget: 30, overflow: (lines: readonly string[]) => { rest = lines } }
  t.equal(fitLines(['alpha', 'beta', 'gamma', 'delta', 'epsilon'], ctx), 'alpha\nbeta\n+3 more: text MORE')
  t.same(rest, ['gamma', 'delta', 'epsilon'], 'uncut, in order')
  t.equal(fitLines(['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'], ctx, (n) => `${n} left`), 'alpha\nbeta\ngamma\ndelta\n2 left')
  t.same(rest, ['epsilon', 'zeta'], 'a plugin\'s own wording still hands the rest over')
  t.equal(fitLines(['alpha'], ctx), 'alpha')
  t.same(rest, [], 'everything fit')
  // UCS-2 text costs more than its characters: fitReply shrinks and the last cut is the one handed over.
  const wide = Array.from({ length: 12 }, (_, i) => `\u6771\u4eac-${i} 42`)
  const reply = fitReply(wide, { budget: 153, overflow: ctx.overflow })
  t.ok(countSegments(reply).segments <= 1, reply)
  t.equal(rest.length + reply.split('\n').length - 1, 12, 'shown plus handed over is every line')
})
