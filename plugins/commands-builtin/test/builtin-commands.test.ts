import t from 'tap'
import { createTestOperator } from '@operator/core/testing'
import { definePlugin, type CommandInfo } from '@operator/core'
import { renderCommandList, renderCommandHelp } from '../src/help.js'
import { statusWord, reportLine } from '../src/systems.js'

const info = (name: string, summary: string, extra: Partial<CommandInfo> = {}): CommandInfo => ({
  name, summary, aliases: [], usage: undefined, examples: [], role: 'viewer', shared: false, sources: ['p'], ...extra
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

t.test('through the daemon: help, status, health and more answer as texted', async (t) => {
  const flaky = definePlugin({
    name: 'flaky',
    register (op) {
      op.healthCheck({ system: 'flaky', check: () => ({ status: 'degraded', summary: 'half the nodes', latencyMs: 7 }) })
      op.command({ name: 'lots', summary: 'a long answer', run: () => Array.from({ length: 30 }, (_, i) => `row ${i} of a reply that is too long for one text message`).join('\n') })
    }
  })
  const op = await createTestOperator({ plugins: [{ plugin: flaky }] })
  t.teardown(() => op.close())
  t.match(await op.exec('help'), /^Commands:\nhelp \[command\] - list commands/)
  t.match(await op.exec('status'), /^self ok up .*\nflaky DEGRADED half the nodes$/)
  t.match(await op.exec('health'), /^1 of 2 not ok\nself ok .*\nflaky DEGRADED half the nodes \(7ms\)$/)
  t.equal(await op.exec('health flaky'), 'flaky DEGRADED half the nodes (7ms)')
  t.equal(await op.exec('health nope'), "Unknown system 'nope'. Known: self, flaky.")
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
