import t from 'tap'
import { createTestOperator } from '@operator/core/testing'
import { countSegments, definePlugin, fitLines, type CommandInfo, type SystemReport, type HealthStatus } from '@operator/core'
import { renderCommandList, renderCommandHelp } from '../src/help.js'
import { statusWord, reportLine, glance, ownWords } from '../src/systems.js'

const report = (system: string, status: HealthStatus, summary: string, latencyMs = 3): SystemReport => ({ system, plugin: system, status, summary, latencyMs })
const SIX = ['prometheus', 'datadog', 'logs', 'db', 'gateway', 'self']

const info = (name: string, summary: string, extra: Partial<CommandInfo> = {}): CommandInfo => ({
  name, summary, aliases: [], usage: undefined, examples: [], role: 'viewer', shared: false, sources: ['p'], changes: false, phrases: [], entities: [], ...extra
})

t.test('help lists usage and summary per line, and shrinks to names when the budget is tight', async (t) => {
  const commands = [info('status', 'one line per system'), info('health', 'check systems', { usage: 'health [system]' })]
  t.equal(renderCommandList(commands, 459), 'Commands:\nstatus - one line per system\nhealth [system] - check systems\nText HELP <command> for more.')
  t.equal(renderCommandList(commands, 95), 'Commands:\nstatus - one line per system\nhealth - check systems\nText HELP <command> for more.')
  t.equal(renderCommandList(commands, 40), 'Commands: status, health.\nText HELP <command> for more.')
})

t.test('help for one command shows usage, aliases, sources of a shared capability, role and examples', async (t) => {
  t.equal(renderCommandHelp(info('metrics', 'query metrics', {
    usage: 'metrics [source] <query>', shared: true, sources: ['prometheus', 'datadog'], aliases: ['m2'], role: 'responder', examples: ['metrics up']
  })), 'metrics [source] <query>\nquery metrics\nAlso: m2\nSources: prometheus, datadog (default prometheus; name one: metrics datadog ...)\nNeeds role: responder\ne.g. metrics up')
})

t.test('status words shout when something is wrong', async (t) => {
  t.equal(statusWord('ok'), 'ok')
  t.equal(statusWord('degraded'), 'DEGRADED')
  t.equal(statusWord('down'), 'DOWN')
  t.equal(reportLine({ system: 'db', plugin: 'db', status: 'down', summary: 'refused', latencyMs: 1 }), 'db DOWN refused')
})

t.test('a summary that starts with its own system name does not say it twice', async (t) => {
  t.equal(reportLine(report('prometheus', 'down', 'prometheus unreachable (connection refused)')), 'prometheus DOWN unreachable (connection refused)')
  t.equal(reportLine(report('db', 'down', 'db: db pool needs DB_STATS_URL')), 'db DOWN db pool needs DB_STATS_URL')
  t.equal(reportLine(report('gateway', 'down', 'kong unreachable')), 'gateway DOWN kong unreachable')
  t.equal(ownWords('logs', 'logstash is fine'), 'logstash is fine', 'only the whole word')
  t.equal(ownWords('self', 'self'), 'self', 'a summary that is only the name stays')
  t.equal(ownWords('db', 'db: '), 'db:', 'and so does one that is only the name and a colon')
})

t.test('status over six healthy systems is one segment naming them all', async (t) => {
  const reply = glance(SIX.map((s) => report(s, 'ok', 'a long and detailed account of how well this system is doing right now')), false)
  t.equal(reply, 'All 6 ok: prometheus, datadog, logs, db, gateway, self')
  t.equal(countSegments(reply).segments, 1)
  const health = glance(SIX.map((s, i) => report(s, 'ok', 'healthy and ready', i)), true)
  t.equal(health, 'All 6 ok: prometheus 0ms, datadog 1ms, logs 2ms, db 3ms, gateway 4ms, self 5ms')
  t.equal(countSegments(health).segments, 1)
})

t.test('when something is wrong it comes first, DOWN before DEGRADED, and the rest is counted', async (t) => {
  const reports = [
    report('prometheus', 'degraded', '1/2 targets down, 0 firing'), report('datadog', 'ok', 'fine'), report('logs', 'ok', 'green'),
    report('db', 'ok', '2/100 conn'), report('gateway', 'down', 'kong unreachable (connection refused)', 12), report('self', 'ok', 'up 1m')
  ]
  t.equal(glance(reports, false), '2 of 6 not ok: gateway DOWN kong unreachable (connection refused); prometheus DEGRADED 1/2 targets down, 0 firing. 4 ok.')
  t.equal(glance(reports, true), '2 of 6 not ok: gateway DOWN kong unreachable (connection refused) (12ms); prometheus DEGRADED 1/2 targets down, 0 firing (3ms). 4 ok.')
  t.equal(glance([report('db', 'down', 'db unreachable')], false), '1 of 1 not ok: db DOWN unreachable.', 'nothing ok: no count of it')
})


t.test('through the daemon: help, status, health and more answer as texted', async (t) => {
  const flaky = definePlugin({
    name: 'flaky',
    register (op) {
      op.healthCheck({ system: 'flaky', check: () => ({ status: 'degraded', summary: 'half the nodes', latencyMs: 7 }) })
      op.statusLine({ system: 'lineonly', line: () => ({ status: 'ok', text: 'only a status line' }) })
      op.command({ name: 'lots', summary: 'a long answer', run: () => Array.from({ length: 30 }, (_, i) => `row ${i} of a reply that is too long for one text message`).join('\n') })
    }
  })
  const op = await createTestOperator({ plugins: [{ plugin: flaky }] })
  t.teardown(() => op.close())
  t.match(await op.exec('help'), /^Commands:\nhelp \[command\] - list commands/)
  // `self` measures this process's event loop: on a busy machine it may be DEGRADED too, and is then listed.
  t.match(await op.exec('status'), /^\d of 3 not ok: (self DEGRADED .*; )?flaky DEGRADED half the nodes\. [12] ok\.$/)
  t.equal(await op.exec('health lineonly'), 'lineonly has no health check; try status.')
  t.match(await op.exec('health'), /^\d of 2 not ok: (self DEGRADED .*; )?flaky DEGRADED half the nodes \(7ms\)(\. 1 ok)?\.$/)
  t.equal(await op.exec('health flaky'), 'flaky DEGRADED half the nodes (7ms)')
  t.equal(await op.exec('health nope'), "Unknown system 'nope'. Known: self, flaky, lineonly.")
  t.equal(await op.exec('more'), 'Nothing more to show.')
  const first = await op.dispatch('lots')
  t.ok(first.pages >= 2)
  t.match(await op.exec('next'), new RegExp(`\\(2/${first.pages}\\)`))
})

t.test('help <command>: usage for a loaded command, what to set for a documented one that is off, a hint otherwise', async (t) => {
  // A config that names no plugin: the first-party ones are known but not configured.
  const op = await createTestOperator({ config: { plugins: [] } })
  t.teardown(() => op.close())
  t.match(await op.exec('help health'), /^health \[system\]\n/)
  t.equal(await op.exec('help metrics'), 'metrics needs a metrics source: set PROMETHEUS_URL or DATADOG_API_KEY')
  t.equal(await op.exec('help nosuchthing'), "No command 'nosuchthing'. Text HELP for commands.")
})

t.test('+N more leads on: more sends the rest of the list, and a newer complete reply ends it', async (t) => {
  const rows = Array.from({ length: 60 }, (_, i) => `row ${String(i).padStart(2, '0')} of a list longer than one text`)
  const lister = definePlugin({
    name: 'lister',
    register (op) {
      op.command({ name: 'rows', summary: 'a long list', run: () => ({ kind: 'lister.rows', data: rows }) })
      op.command({ name: 'one', summary: 'a short answer', run: () => 'just this' })
      op.formatter<string[]>({ kind: 'lister.rows', format: (d, ctx) => fitLines(d, ctx) })
    }
  })
  const op = await createTestOperator({ plugins: [{ plugin: lister }] })
  t.teardown(() => op.close())
  const first = await op.dispatch('rows', { channel: 'sms' })
  t.ok(countSegments(first.reply).segments <= 3)
  const shown = first.reply.split('\n').length - 1
  t.equal(first.reply.split('\n').at(-1), `+${60 - shown} more: text MORE`)
  t.ok(first.pages >= 2)
  const second = await op.exec('more', { channel: 'sms' })
  t.match(second, new RegExp(`^row ${String(shown).padStart(2, '0')} of a list`), 'more starts where the list stopped')
  // Another question answered in full: `more` now has nothing to add rather than the old list's pages.
  t.equal(await op.exec('one', { channel: 'sms' }), 'just this')
  t.equal(await op.exec('more', { channel: 'sms' }), 'Nothing more to show.')
  // json has no `more`: the formatter says how many were left out, as before.
  t.match((await op.dispatch('rows', { channel: 'json' })).reply, /\n\+\d+ more$/)
})
