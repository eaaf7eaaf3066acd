import t from 'tap'
import { definePlugin } from '@operator/core'
import { createTestOperator } from '@operator/core/testing'
import interpreter, { Reader, localSecondsIn } from '../src/index.js'

// A third-party plugin teaches the interpreter its own system, synonyms and phrases: nothing here is first-party.
const newrelic = definePlugin({
  name: 'newrelic',
  register (op) {
    op.healthCheck({ system: 'newrelic', check: () => ({ status: 'ok', summary: 'NRQL answers', latencyMs: 3 }) })
    op.command({
      name: 'nrql',
      summary: 'count of a New Relic event type',
      usage: 'nrql <EventType> [since 30m]',
      run: (ctx) => `counted ${ctx.args}`,
      phrases: [{ say: ['how many {text} events', '{text} events in newrelic'], run: 'nrql {text}[ since {duration}]' }],
      entities: { system: { newrelic: ['new relic', 'nr'] } }
    })
    // State-changing, as silencing will be (issue 16): read from free text it is only ever offered.
    op.command({
      name: 'silence',
      summary: 'silence an alert',
      changes: true,
      role: 'responder',
      run: (ctx) => `silenced ${ctx.args}`,
      phrases: [{ say: ['mute alert {text}', 'silence alert {text}', 'shut up alert {text}'], run: 'silence {text}[ {duration}]' }]
    })
    // Two commands that read the same words: a question, not a guess.
    op.command({ name: 'flux', summary: 'flux', run: () => 'flux!', phrases: [{ say: ['capacitor check'], run: 'flux' }] })
    op.command({ name: 'warp', summary: 'warp', run: () => 'warp!', phrases: [{ say: ['capacitor check'], run: 'warp core' }] })
  }
})

const NOW = Date.UTC(2026, 10, 25, 15, 30)
const op = await createTestOperator({ plugins: [{ plugin: newrelic }], now: () => NOW })
t.teardown(() => op.close())

t.test('a third-party system is checked by its name and its synonyms, and the reply shows the command that ran', async (t) => {
  t.equal(await op.exec('is newrelic ok?'), '> health newrelic\nnewrelic ok NRQL answers (3ms)')
  t.equal(await op.exec('is new relic up'), '> health newrelic\nnewrelic ok NRQL answers (3ms)')
  t.equal(await op.exec('hows nr doing'), '> health newrelic\nnewrelic ok NRQL answers (3ms)')
  const r = await op.dispatch('Is New Relic OK??', { channel: 'sms' })
  t.equal(r.command, 'health', 'the audit line names the command that ran')
  t.equal(r.interpreted, 'health newrelic')
})

t.test('durations become the command\'s own form, read against the daemon\'s clock', async (t) => {
  t.equal(await op.exec('how many Transaction events last hour'), '> nrql Transaction since 1h\ncounted Transaction since 1h')
  t.equal(await op.exec('how many PageView events in the past 30 minutes'), '> nrql PageView since 30m\ncounted PageView since 30m')
  t.equal(await op.exec('how many TransactionError events since 2pm'), '> nrql TransactionError since 90m\ncounted TransactionError since 90m')
  t.equal(await op.exec('how many Span events'), '> nrql Span\ncounted Span', 'no duration: none is added')
})

t.test('typos in a sentence are read as the words meant; the search text is kept as typed', async (t) => {
  t.equal(await op.exec('is new relic hleathy'), '> health newrelic\nnewrelic ok NRQL answers (3ms)')
  t.equal(await op.exec('how mnay Transacton events'), '> nrql Transacton\ncounted Transacton')
  t.equal(await op.exec('helth newrelic'), '> health newrelic\nnewrelic ok NRQL answers (3ms)', 'a mistyped command word with its arguments')
  t.equal(await op.exec('helth of new relic'), '> health newrelic\nnewrelic ok NRQL answers (3ms)', 'then read as a phrase')
  t.equal(await op.exec('nrqll Transaction 30'), '> nrql Transaction 30\ncounted Transaction 30', 'or as the command with its words')
  t.match(await op.exec('helth'), /^Unknown command 'helth'\. Did you mean 'health'\?/, 'one mistyped word asks first')
})

t.test('a command that changes state is offered, never run, even to someone allowed to run it', async (t) => {
  const r = await op.dispatch('pls mute alert 3 for 2 hours', { role: 'responder' })
  t.equal(r.reply, '> silence 3 2h? Send that to run it.')
  t.equal(r.command, undefined)
  t.equal(await op.exec('silence 3 2h', { role: 'responder' }), 'silenced 3 2h', 'sent as shown, it runs')
})

t.test('two readings as close as each other are a question; the reply 1 runs the first', async (t) => {
  t.equal(await op.exec('capacitor check', { id: 'asker' }), 'Did you mean 1) flux 2) warp core? Reply 1 or 2')
  t.equal(await op.exec('1', { id: 'asker' }), '> flux\nflux!')
})

t.test('small talk runs nothing; gibberish and half sentences get the help hint', async (t) => {
  for (const text of ['thanks', 'ok', 'thx!', 'got it, thanks', 'good night']) {
    const r = await op.dispatch(text)
    t.same({ reply: r.reply, command: r.command }, { reply: '', command: undefined }, `'${text}': no answer`)
  }
  t.equal(await op.exec('hi'), 'Hi. Text HELP for commands.')
  t.equal(await op.exec('whats up'), 'Hi. Text HELP for commands.')
  t.equal(await op.exec('you there?'), 'Here. Text HELP for commands.')
  t.equal(await op.exec('testing'), 'Here. Text HELP for commands.')
  t.equal(await op.exec('asdf qwer'), "Unknown command 'asdf'. Text HELP for commands.")
  const half = await op.dispatch('can you')
  t.same({ command: half.command, code: half.code }, { command: undefined, code: 'OPR_ERR_COMMAND_UNKNOWN' })
  t.match(half.reply, /Text HELP for commands\.$/)
  t.match(await op.exec('how many events'), /^Not sure what you meant\. Try: .+\. Text HELP for commands\.$/, 'near a phrase: what to try')
})

t.test('explainable: the phrase, the values and the score behind a reading', async (t) => {
  const host = op.app.operator.host
  const reader = new Reader({ commands: host.commands(), systems: host.systems() }, localSecondsIn('UTC'))
  const e = reader.explain('is new relic ok', NOW)
  t.same(e.interpretation, { kind: 'run', command: 'health newrelic', why: "'is {system} ok' of health (system=newrelic), 1.00" })
  t.ok(e.candidates.length > 1, 'every reading weighed is listed')
  t.same(reader.explain('   ', NOW), { interpretation: undefined, candidates: [] })
  t.equal(reader.interpret('is new relic ok', NOW)?.kind, 'run')
})

t.test('since 2pm is read in the configured time zone; a zone Intl does not know stops start-up', async (t) => {
  const berlin = await createTestOperator({
    plugins: [{ plugin: newrelic }, { plugin: interpreter, config: { timeZone: 'Europe/Berlin' } }],
    config: { plugins: [{ package: 'interpreter', enabled: false }] },
    now: () => NOW
  })
  t.teardown(() => berlin.close())
  // 15:30 UTC is 16:30 in Berlin: 2pm there was 150 minutes ago.
  t.equal(await berlin.exec('how many Span events since 2pm'), '> nrql Span since 150m\ncounted Span since 150m')
  await t.rejects(createTestOperator({ plugins: [{ plugin: interpreter, config: { timeZone: 'Mars/Olympus' } }], config: { plugins: [{ package: 'interpreter', enabled: false }] } }),
    { code: 'OPR_ERR_PLUGIN_REGISTER', message: /timeZone 'Mars\/Olympus' is not a known IANA time zone/ })
})
