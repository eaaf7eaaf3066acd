import t from 'tap'
import { Registry } from '../src/registry/index.js'
import type { CommandSpec } from '../src/plugins/contract.js'

const cmd = (name: string, extra: Partial<CommandSpec> = {}): CommandSpec => ({ name, summary: `${name} things`, run: () => name, ...extra })

t.test('two plugins registering the same command is an error naming both', async (t) => {
  const r = new Registry()
  r.addCommand('alpha', cmd('deploy'))
  t.throws(() => r.addCommand('beta', cmd('deploy')), {
    code: 'OPR_ERR_REGISTRY_CONFLICT',
    message: "command 'deploy' is registered by both plugin 'alpha' and plugin 'beta'"
  })
})

t.test('a shared capability may have several sources; the first registered is primary by default', async (t) => {
  const r = new Registry()
  r.addCommand('prometheus', cmd('metrics', { shared: true }))
  r.addCommand('datadog', cmd('metrics', { shared: true }))
  r.freeze()
  const entry = r.commands.resolve('METRICS')
  t.equal(entry?.shared, true)
  t.same(entry?.providers.map((p) => p.plugin), ['prometheus', 'datadog'])
})

t.test('a configured primary moves first; an unknown primary is a config error naming the providers', async (t) => {
  const r = new Registry()
  r.addCommand('prometheus', cmd('metrics', { shared: true }))
  r.addCommand('datadog', cmd('metrics', { shared: true }))
  r.freeze({ metrics: 'datadog' })
  t.same(r.commands.resolve('metrics')?.providers.map((p) => p.plugin), ['datadog', 'prometheus'])

  const bad = new Registry()
  bad.addCommand('prometheus', cmd('metrics', { shared: true }))
  t.throws(() => bad.freeze({ metrics: 'newrelic' }), {
    code: 'OPR_ERR_CONFIG_INVALID',
    message: /'metrics' names 'newrelic', which does not provide it \(providers: prometheus\)/
  })
})

t.test('shared and unshared registrations of one name still clash', async (t) => {
  const r = new Registry()
  r.addCommand('prometheus', cmd('metrics', { shared: true }))
  t.throws(() => r.addCommand('homegrown', cmd('metrics')), { code: 'OPR_ERR_REGISTRY_CONFLICT' })
  t.throws(() => r.addCommand('prometheus', cmd('metrics', { shared: true })), { code: 'OPR_ERR_REGISTRY_CONFLICT' }, 'one plugin twice')
})

t.test('aliases resolve case-insensitively and may not shadow commands or other aliases', async (t) => {
  const r = new Registry()
  r.addCommand('core', cmd('health', { aliases: ['H'] }))
  t.equal(r.commands.resolve('h')?.name, 'health')
  t.equal(r.commands.resolve('Health')?.name, 'health')
  t.throws(() => r.addCommand('other', cmd('history', { aliases: ['h'] })), { code: 'OPR_ERR_REGISTRY_CONFLICT', message: /alias 'h'/ })
  t.throws(() => r.addCommand('other', cmd('hh', { aliases: ['health'] })), { code: 'OPR_ERR_REGISTRY_CONFLICT' })
  t.throws(() => r.addCommand('other', cmd('h')), { code: 'OPR_ERR_REGISTRY_CONFLICT', message: /an alias of 'health'/ })
})

t.test('invalid entries are refused with the plugin named', async (t) => {
  const r = new Registry()
  t.throws(() => r.addCommand('p', cmd('two words')), { code: 'OPR_ERR_REGISTRY_INVALID', message: /Plugin 'p'/ })
  t.throws(() => r.addCommand('p', { name: 'x', summary: '', run: () => '' }), { code: 'OPR_ERR_REGISTRY_INVALID' })
  t.throws(() => r.addCommand('p', { name: 'x', summary: 's' } as unknown as CommandSpec), { code: 'OPR_ERR_REGISTRY_INVALID' })
  t.throws(() => r.addCommand('p', cmd('x', { aliases: ['no way'] })), { code: 'OPR_ERR_REGISTRY_INVALID' })
  t.throws(() => r.addHealthCheck('p', { system: 'Bad System', check: () => ({ status: 'ok', summary: '' }) }), { code: 'OPR_ERR_REGISTRY_INVALID' })
  t.throws(() => r.addHealthCheck('p', { system: 'db' } as never), { code: 'OPR_ERR_REGISTRY_INVALID' })
  t.throws(() => r.addStatusLine('p', { system: 'db' } as never), { code: 'OPR_ERR_REGISTRY_INVALID' })
  t.throws(() => r.addFormatter('p', { kind: '', format: () => '' }), { code: 'OPR_ERR_REGISTRY_INVALID' })
  t.throws(() => r.addFormatter('p', { kind: 'k' } as never), { code: 'OPR_ERR_REGISTRY_INVALID' })
})

t.test('health checks, status lines and formatters clash by system or kind', async (t) => {
  const r = new Registry()
  const check = { system: 'db', check: () => ({ status: 'ok' as const, summary: 'fine' }) }
  r.addHealthCheck('database', check)
  t.throws(() => r.addHealthCheck('other-db', check), { message: "health check 'db' is registered by both plugin 'database' and plugin 'other-db'" })
  r.addStatusLine('database', { system: 'db', line: () => ({ status: 'ok', text: '' }) })
  t.throws(() => r.addStatusLine('x', { system: 'db', line: () => ({ status: 'ok', text: '' }) }), { code: 'OPR_ERR_REGISTRY_CONFLICT' })
  r.addFormatter('prometheus', { kind: 'prometheus.vector', format: () => '' })
  t.throws(() => r.addFormatter('x', { kind: 'prometheus.vector', format: () => '' }), { code: 'OPR_ERR_REGISTRY_CONFLICT' })
  t.same(r.systems.systems(), ['db'])
  t.equal(r.systems.check('DB')?.plugin, 'database')
})

t.test('the registry refuses additions once frozen', async (t) => {
  const r = new Registry()
  r.freeze()
  r.freeze()
  t.equal(r.frozen, true)
  t.throws(() => r.addCommand('late', cmd('late')), { code: 'OPR_ERR_REGISTRY_FROZEN', message: /Plugin 'late' tried to register command 'late' after start-up/ })
  t.throws(() => r.addHealthCheck('late', { system: 'x', check: () => ({ status: 'ok', summary: '' }) }), { code: 'OPR_ERR_REGISTRY_FROZEN' })
  t.throws(() => r.addStatusLine('late', { system: 'x', line: () => ({ status: 'ok', text: '' }) }), { code: 'OPR_ERR_REGISTRY_FROZEN' })
  t.throws(() => r.addFormatter('late', { kind: 'x', format: () => '' }), { code: 'OPR_ERR_REGISTRY_FROZEN' })
})

t.test('suggestions find the closest command or alias within typo distance', async (t) => {
  const r = new Registry()
  for (const n of ['health', 'help', 'status', 'metrics']) r.addCommand('core', cmd(n))
  r.addCommand('core', cmd('database', { aliases: ['db'] }))
  t.equal(r.commands.suggest('helth'), 'health')
  t.equal(r.commands.suggest('stauts'), 'status')
  t.equal(r.commands.suggest('metrcs'), 'metrics')
  t.equal(r.commands.suggest('dv'), 'database', 'an alias suggests its command')
  t.equal(r.commands.suggest('kubernetes'), undefined)
})
