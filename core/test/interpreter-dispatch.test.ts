import t from 'tap'
import { createTestOperator } from '../src/testing/index.js'
import { definePlugin, type Interpretation, type InterpretRequest } from '../src/index.js'
import { countSegments } from '../src/sms/index.js'

// A third-party interpreter in place of the first-party one (turned off in the config), answering from a table, so
// these tests see exactly what dispatch does with each kind of reading.
const seen: InterpretRequest[] = []
const readings: Readonly<Record<string, Interpretation>> = {
  'is it fine': { kind: 'run', command: 'echo fine' },
  'quoted please': { kind: 'run', command: 'echo \u201Chi\u201D  there' },
  'my budget': { kind: 'run', command: 'budget' },
  'a long one': { kind: 'run', command: 'long' },
  'which one': { kind: 'choose', commands: ['echo one', 'echo two'], why: 'two phrases' },
  'pick three': { kind: 'choose', commands: ['echo a', 'echo b', 'echo c', 'echo d'] },
  'only one': { kind: 'choose', commands: ['echo single'] },
  'thanks a lot': { kind: 'reply', text: '' },
  'hi there': { kind: 'reply', text: 'Hi. Text HELP for commands.' },
  'no idea': { kind: 'unclear', closest: [] },
  'sort of echo': { kind: 'unclear', closest: ['echo x', 'status'] },
  'shush that alert': { kind: 'run', command: 'silence 3 2h' },
  'which silence': { kind: 'choose', commands: ['silence 3 2h', 'echo no'] },
  'nothing to run': { kind: 'run', command: '   ' },
  'made up': { kind: 'run', command: 'frobnicate now' },
  'gate needs': { kind: 'run', command: 'nrql x' },
  'strict help': { kind: 'run', command: 'strict help' },
  'strict is bad': { kind: 'run', command: 'echo strict' },
  'loop it': { kind: 'run', command: 'strict loop' },
  'admin only': { kind: 'run', command: 'secret' },
  'graph it': { kind: 'run', command: 'metrics up' },
  'strict or echo': { kind: 'choose', commands: ['strict', 'echo or'] },
  'say nothing': { kind: 'run', command: 'blank' }
}
const tableInterpreter = definePlugin({
  name: 'table-interpreter',
  register (op) {
    op.interpreter({
      interpret (request) {
        seen.push(request)
        return readings[request.text.toLowerCase()]
      }
    })
  }
})
const tools = definePlugin({
  name: 'tools',
  register (op) {
    op.command({ name: 'echo', summary: 'say it back', run: (ctx) => `echo: ${ctx.args}` })
    op.command({ name: 'budget', summary: 'its budget', run: (ctx) => `budget ${ctx.budget}` })
    op.command({ name: 'long', summary: 'a long answer', run: (ctx) => 'x'.repeat(ctx.budget) })
    op.command({
      name: 'strict',
      summary: 'takes no words',
      run: (ctx) => {
        if (ctx.argv.length > 0) throw Object.assign(new Error(`strict takes no words, got '${ctx.args}'`), { code: 'OPR_ERR_COMMAND_USAGE' })
        return 'strict ok'
      }
    })
    op.command({ name: 'secret', summary: 'admins only', role: 'admin', run: () => 'secret' })
    op.command({ name: 'blank', summary: 'answers nothing', run: () => '' })
    // A command that changes state, as acknowledging and silencing will: never run from free text.
    op.command({ name: 'silence', summary: 'silence an alert', changes: true, role: 'responder', run: (ctx) => `silenced ${ctx.args}` })
  }
})

const NOW = Date.UTC(2026, 10, 25, 15, 30)
const op = await createTestOperator({
  plugins: [{ plugin: tableInterpreter }, { plugin: tools }],
  config: { plugins: [{ package: 'interpreter', enabled: false }] },
  now: () => NOW
})
t.teardown(() => op.close())

t.test('a reading runs its command, shown on the first line, and the request carries the text, sender and clock', async (t) => {
  const r = await op.dispatch('  is it fine  ', { id: '+15550001', role: 'viewer', channel: 'sms' })
  t.equal(r.reply, '> echo fine\necho: fine')
  t.equal(r.outcome, 'answered')
  t.equal(r.command, 'echo', 'logs and the audit line get the canonical name of the command that ran')
  t.equal(r.interpreted, 'echo fine')
  t.same(seen.at(-1), { text: 'is it fine', sender: { id: '+15550001', role: 'viewer', channel: 'sms' }, now: NOW, strict: false })
})

t.test('the command line is GSM-7 (curly quotes straightened) and the answer shares the budget of one reply', async (t) => {
  t.equal(await op.exec('quoted please', { channel: 'sms' }), '> echo "hi" there\necho: "hi" there')
  const full = Number((await op.exec('budget', { channel: 'sms' })).split(' ')[1])
  t.equal(await op.exec('my budget', { channel: 'sms' }), `> budget\nbudget ${full - '> budget\n'.length}`)
  const long = await op.dispatch('a long one', { channel: 'sms' })
  t.equal(long.pages, 1, 'an answer written to its budget still fits one reply with the command line')
  t.equal(countSegments(long.reply).encoding, 'GSM-7')
  t.equal(long.segments, (await op.dispatch('long', { channel: 'sms' })).segments, 'as many segments as the literal command')
})

t.test('the JSON channel gets the command line too', async (t) => {
  const r = await op.dispatch('is it fine', { channel: 'json' })
  t.equal(r.reply, '> echo fine\necho: fine')
  t.equal(r.interpreted, 'echo fine')
})

t.test('close readings are a question; the reply 1 or 2 runs one, once, for that sender only', async (t) => {
  const ask = await op.dispatch('which one', { id: '+15550002', channel: 'sms' })
  t.equal(ask.reply, 'Did you mean 1) echo one 2) echo two? Reply 1 or 2')
  t.equal(ask.outcome, 'unknown')
  t.equal(ask.command, undefined, 'nothing ran')
  t.equal(ask.code, 'OPR_ERR_COMMAND_UNCLEAR')
  t.match(await op.exec('2', { id: '+15550003', channel: 'sms' }), /^Unknown command '2'/, 'another sender has no question to answer')
  const two = await op.dispatch('2', { id: '+15550002', channel: 'sms' })
  t.equal(two.reply, '> echo two\necho: two')
  t.equal(two.command, 'echo')
  t.match(await op.exec('1', { id: '+15550002', channel: 'sms' }), /^Unknown command '1'/, 'the answer used the question up')
  t.equal(await op.exec('pick three', { id: '+15550002' }), 'Did you mean 1) echo a 2) echo b 3) echo c? Reply 1, 2 or 3')
  t.match(await op.exec('4', { id: '+15550002' }), /^Unknown command '4'/, 'no fourth reading was offered')
  t.equal(await op.exec('only one'), '> echo single\necho: single', 'a choice of one is no question')
})

t.test('small talk runs nothing: no answer at all, or a short one', async (t) => {
  const thanks = await op.dispatch('thanks a lot', { channel: 'sms' })
  t.same({ reply: thanks.reply, outcome: thanks.outcome, command: thanks.command, segments: thanks.segments }, { reply: '', outcome: 'empty', command: undefined, segments: 0 })
  const hi = await op.dispatch('hi there', { channel: 'sms' })
  t.same({ reply: hi.reply, outcome: hi.outcome, command: hi.command }, { reply: 'Hi. Text HELP for commands.', outcome: 'empty', command: undefined })
})

t.test('not understood: the closest commands, or the usual Unknown command answer when nothing is close', async (t) => {
  t.equal(await op.exec('sort of echo'), 'Not sure what you meant. Try: echo x | status. Text HELP for commands.')
  t.equal(await op.exec('no idea'), "Unknown command 'no'. Text HELP for commands.")
  t.equal(await op.exec('what else'), "Unknown command 'what'. Text HELP for commands.", 'no reading at all')
  t.equal((await op.dispatch('sort of echo')).code, 'OPR_ERR_COMMAND_UNKNOWN')
})

t.test('a command that changes state is never run from free text: the reply names the command to send', async (t) => {
  const r = await op.dispatch('shush that alert', { role: 'responder' })
  t.equal(r.reply, '> silence 3 2h? Send that to run it.')
  t.equal(r.command, undefined, 'nothing ran')
  t.equal(r.code, 'OPR_ERR_COMMAND_CONFIRM')
  t.equal(await op.exec('silence 3 2h', { role: 'responder' }), 'silenced 3 2h', 'sent as typed, it runs')
  t.match(await op.exec('which silence', { id: 'chooser' }), /^Did you mean 1\) silence 3 2h 2\) echo no\?/)
  t.equal(await op.exec('1', { id: 'chooser' }), '> silence 3 2h? Send that to run it.', 'picking it from a question does not run it either')
})

t.test('an interpreted line is checked like a typed one, and never interpreted again', async (t) => {
  t.equal(await op.exec('made up'), "> frobnicate now\nUnknown command 'frobnicate'. Text HELP for commands.")
  t.equal(await op.exec('nothing to run'), "Unknown command 'nothing'. Text HELP for commands.")
  t.equal(await op.exec('say nothing', { channel: 'sms' }), '> blank\n(empty reply)', 'an empty answer still says so under its command')
  t.equal(await op.exec('blank', { channel: 'sms' }), '(empty reply)', 'as it does typed')
  t.equal(await op.exec('admin only', { role: 'viewer' }), "> secret\n'secret' needs the admin role.")
  t.equal((await op.dispatch('loop it')).reply, "> strict loop\nstrict takes no words, got 'loop'", 'its usage error is the answer')
})

t.test('a command that refuses its words gives the interpreter the whole text', async (t) => {
  t.equal(await op.exec('strict help'), "strict takes no words, got 'help'", 'the reading is the same line: the usage error stands')
  t.equal(await op.exec('strict is bad'), '> echo strict\necho: strict')
  t.equal(seen.at(-1)?.strict, true, 'the interpreter is told to account for every word')
  t.equal(await op.exec('strict nonsense'), "strict takes no words, got 'nonsense'", 'no reading: the usage error stands')
  t.equal(await op.exec('strict'), 'strict ok')
  const asked = seen.length
  t.equal(await op.exec('strict !!! ?'), "strict takes no words, got '!!! ?'", 'no words, only marks: the usage error stands')
  t.equal(seen.length, asked, 'and the interpreter is not asked')
  t.equal(await op.exec('strict or echo'), 'Did you mean 1) strict 2) echo or? Reply 1 or 2', 'or a question')
})

t.test('a reading of a command whose plugin is off says what to set', async (t) => {
  const off = await createTestOperator({
    plugins: [{ plugin: tableInterpreter }],
    config: { plugins: [{ package: 'interpreter', enabled: false }, { package: 'prometheus', enabled: false }] }
  })
  t.teardown(() => off.close())
  t.match(await off.exec('graph it'), /^> metrics up\nmetrics needs a metrics source: set DATADOG_API_KEY/)
  t.equal(await off.exec('which one'), 'Did you mean 1) echo one 2) echo two? Reply 1 or 2')
  t.equal(await off.exec('1'), "> echo one\nUnknown command 'echo'. Text HELP for commands.")
})

t.test('without an interpreter a digit is only an unknown command', async (t) => {
  const none = await createTestOperator({ config: { plugins: [{ package: 'interpreter', enabled: false }] } })
  t.teardown(() => none.close())
  t.match(await none.exec('1'), /^Unknown command '1'/)
  t.equal(await none.exec('is the db ok'), "Unknown command 'is'. Text HELP for commands.")
})
