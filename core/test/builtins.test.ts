import t from 'tap'
import { createTestOperator } from '../src/testing/index.js'
import { definePlugin, type HealthResult } from '../src/index.js'

// Three systems whose checks record when they start and end: `health` must run them at once.
const events: string[] = []
let release: () => void = () => {}
const allStarted = new Promise<void>((resolve) => { release = resolve })
function slowCheck (system: string, result: HealthResult) {
  return {
    system,
    check: async () => {
      events.push(`start ${system}`)
      if (events.filter((e) => e.startsWith('start')).length === 3) release()
      await allStarted // no check can finish before every check has started: only true if they run concurrently
      events.push(`end ${system}`)
      return result
    }
  }
}

const systems = definePlugin({
  name: 'fleet',
  register (op) {
    op.healthCheck(slowCheck('alpha', { status: 'ok', summary: 'fine', latencyMs: 3 }))
    op.healthCheck(slowCheck('beta', { status: 'degraded', summary: 'slow disk', latencyMs: 5 }))
    op.healthCheck(slowCheck('gamma', { status: 'down', summary: 'unreachable (connection refused)', latencyMs: 1 }))
    op.healthCheck({ system: 'stuck', deadlineMs: 100, check: () => new Promise<HealthResult>(() => {}) })
    op.healthCheck({ system: 'broken', check: () => { throw new Error('kaput\nstack') } })
    op.healthCheck({ system: 'weird', check: () => ({ status: 'fine' }) as never })
    op.statusLine({ system: 'alpha', line: () => ({ status: 'ok', text: '142/145 up, 3 firing' }) })
    op.statusLine({ system: 'lineonly', line: () => ({ status: 'ok', text: 'only a status line' }) })
    op.command({ name: 'deploy', aliases: ['ship'], summary: 'ship it', usage: 'deploy <service>', examples: ['deploy api'], role: 'admin', run: () => 'ok' })
    op.command({ name: 'metrics', shared: true, summary: 'query metrics', run: () => 'm' })
  }
})

const op = await createTestOperator({ plugins: [{ plugin: systems }] })
t.teardown(() => op.close())

t.test('health runs every check at once: all start before any ends', async (t) => {
  const reply = await op.exec('health')
  const firstEnd = events.findIndex((e) => e.startsWith('end'))
  t.same(events.slice(0, firstEnd).sort(), ['start alpha', 'start beta', 'start gamma'])
  // At a glance: what is wrong first (DOWN before DEGRADED), the healthy ones counted.
  // (`self` measures this process's event loop: on a busy machine it may be DEGRADED too, and is then listed.)
  t.match(reply, /^[56] of 7 not ok: gamma DOWN unreachable \(connection refused\) \(1ms\); stuck DOWN /)
  t.match(reply, /; (self DEGRADED [^;]*; )?beta DEGRADED slow disk \(5ms\)\. [12] ok\.$/)
  t.notMatch(reply, /alpha/, 'the healthy ones are counted, not listed')
})

t.test('a check past its deadline, a throwing and an invalid one each yield one DOWN line', async (t) => {
  const reply = await op.exec('health')
  t.match(reply, /stuck DOWN no answer within 100ms/)
  t.match(reply, /broken DOWN kaput \(\d+ms\)/)
  t.notMatch(reply, /stack/)
  t.match(reply, /weird DOWN check returned an invalid result/)
  t.match(await op.exec('health self'), /^self (ok|DEGRADED) up \d+s, \d+MB rss, loop p99 [\d.]+ms, v\d+\.\d+\.\d+ \(\d+ms\)$/)
})

t.test('health <system> checks one system; an unknown one lists the known systems', async (t) => {
  t.match(await op.exec('health ALPHA'), /^alpha ok fine \(3ms\)$/)
  t.equal(await op.exec('health nosuch'), 'Unknown system \'nosuch\'. Known: self, alpha, beta, gamma, stuck, broken, weird, lineonly.')
  t.equal(await op.exec('health lineonly'), 'lineonly has no health check; try status.')
})

t.test('status reports each system from its status line or else its health check, what is wrong first', async (t) => {
  const reply = await op.exec('status')
  t.match(reply, /^[56] of 8 not ok: gamma DOWN unreachable \(connection refused\); stuck DOWN no answer within 100ms; broken DOWN kaput; weird DOWN check returned an invalid result; (self DEGRADED [^;]*; )?beta DEGRADED slow disk\. [23] ok\.$/)
  t.notMatch(reply, /\(\d+ms\)/, 'no latencies: that is health')
  // The harness reads one system's line, ok or not, for plugin tests.
  t.equal(await op.statusLine('alpha'), 'alpha ok 142/145 up, 3 firing')
  t.equal(await op.statusLine('gamma'), 'gamma DOWN unreachable (connection refused)')
  t.equal(await op.statusLine('nosuch'), undefined)
})

t.test('help lists every command on one page; help <command> gives usage and examples', async (t) => {
  const r = await op.dispatch('help')
  t.equal(r.pages, 1)
  for (const name of ['help', 'status', 'health', 'more', 'deploy', 'metrics']) t.match(r.reply, new RegExp(`^${name}\\b`, 'm'))
  t.equal(await op.exec('help ship'), 'deploy <service>\nship it\nAlso: ship\nNeeds role: admin\ne.g. deploy api')
  t.match(await op.exec('help metrics'), /Sources: fleet \(default fleet/)
  t.equal(await op.exec('help nope'), "No command 'nope'. Text HELP for commands.")
  t.equal(await op.exec('more'), 'Nothing more to show.')
})

t.test('a check\'s fractional latency shows as whole milliseconds', async (t) => {
  const precise = definePlugin({
    name: 'precise',
    register (op) {
      op.healthCheck({ system: 'precise', check: () => ({ status: 'ok', summary: 'timed with performance.now()', latencyMs: 0.150552000000061 }) })
    }
  })
  const one = await createTestOperator({ plugins: [{ plugin: precise }] })
  t.teardown(() => one.close())
  t.match(await one.exec('health precise'), /^precise ok timed with performance\.now\(\) \(0ms\)$/)
})
