// Documented commands whose plugin is off answer what would turn it on, through the real CLI and in-process.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { buildApp } from '../src/app.js'
import { appDir, operator } from './fixtures/cli.js'

const NOT_CONFIGURED: Array<[string, string]> = [
  ['metrics up', 'metrics needs a metrics source: set PROMETHEUS_URL or DATADOG_API_KEY'],
  ['alerts', 'alerts needs the prometheus plugin: set PROMETHEUS_URL'],
  ['monitors', 'monitors needs the datadog plugin: set DATADOG_API_KEY'],
  ['logs errors', 'logs needs the logs plugin: set LOGS_TYPE'],
  ['db', 'db needs the database plugin: set DB_URL or DB_STATS_URL'],
  ['gateway', 'gateway needs the gateway plugin: set GATEWAY_TYPE'],
  ['GW', 'gw needs the gateway plugin: set GATEWAY_TYPE']
]

t.test('a documented command whose plugin is not configured says what to set, not "Unknown command"', async (t) => {
  const dir = appDir(t)
  for (const [text, reply] of NOT_CONFIGURED) {
    const r = await operator(['exec', text], dir)
    t.equal(r.stderr, `${reply}\n`, text)
    t.equal(r.code, 1, `${text} did not run`)
  }
})

t.test('help <command> says the same for a command whose plugin is not configured', async (t) => {
  const dir = appDir(t)
  for (const word of ['metrics', 'alerts', 'monitors', 'logs', 'db', 'gateway']) {
    const r = await operator(['exec', `help ${word}`], dir)
    t.equal(r.code, 0)
    t.equal(r.stdout, `${NOT_CONFIGURED.find(([text]) => text.split(' ')[0] === word)![1]}\n`, `help ${word}`)
  }
  const unknown = await operator(['exec', 'help nonsense'], dir)
  t.equal(unknown.stderr, "No command 'nonsense'. Text HELP for commands.\n")
})

t.test('a plugin disabled in the config file says it is disabled there', async (t) => {
  const dir = appDir(t, { plugins: [{ package: 'prometheus', enabled: false }] })
  const alerts = await operator(['exec', 'alerts'], dir, { PROMETHEUS_URL: 'http://127.0.0.1:9' })
  t.equal(alerts.stderr, 'alerts needs the prometheus plugin, which is disabled in operator.config.json\n')
  const metrics = await operator(['exec', 'metrics up'], dir)
  t.equal(metrics.stderr, 'metrics needs a metrics source: set DATADOG_API_KEY (prometheus is disabled in operator.config.json)\n')
  const both = await operator(['exec', 'metrics up'], appDir(t, { plugins: [{ package: 'prometheus', enabled: false }, { package: 'datadog', enabled: false }] }))
  t.equal(both.stderr, 'metrics needs a metrics source: prometheus and datadog are disabled in operator.config.json\n')
})

t.test('a third-party plugin declares its commands in its manifest and gets the same answer, without being imported', async (t) => {
  const manifest = { name: 'operator-plugin-newrelic', version: '1.0.0', type: 'module', keywords: ['operator-plugin'], operator: { pluginId: 'newrelic', api: 1, commands: ['nrql'] } }
  const dir = appDir(t, { plugins: [{ package: 'operator-plugin-newrelic', enabled: false }] }, {
    'node_modules/operator-plugin-newrelic/package.json': JSON.stringify(manifest),
    // Importing this would throw: the loader must only read the manifest.
    'node_modules/operator-plugin-newrelic/index.js': "throw new Error('imported')\n"
  })
  const r = await operator(['exec', 'nrql'], dir)
  t.equal(r.stderr, 'nrql needs the newrelic plugin, which is disabled in operator.config.json\n')
  const help = await operator(['exec', 'help nrql'], dir)
  t.equal(help.stdout, 'nrql needs the newrelic plugin, which is disabled in operator.config.json\n')
})

t.test('a typo of a command whose plugin is off is suggested like any other', async (t) => {
  const r = await operator(['exec', 'metircs up'], appDir(t))
  t.equal(r.stderr, "Unknown command 'metircs'. Did you mean 'metrics'? Text HELP for commands.\n")
})

t.test('once its plugin is enabled the command runs instead', async (t) => {
  const app = await buildApp({ env: { PROMETHEUS_URL: 'http://127.0.0.1:9', COMMAND_DEADLINE_MS: '2000' }, config: { plugins: [] } })
  await app.ready()
  t.teardown(() => app.close())
  const alerts = await app.operator.dispatcher.dispatch('monitors', { id: 'console', role: 'admin', channel: 'console' })
  t.equal(alerts.reply, 'monitors needs the datadog plugin: set DATADOG_API_KEY')
  t.equal(alerts.code, 'OPR_ERR_COMMAND_NOT_CONFIGURED')
  t.equal(app.operator.registry.commands.resolve('metrics')?.providers[0]?.plugin, 'prometheus')
  t.equal(app.operator.registry.unavailable.explain('alerts'), undefined, 'nothing is said about a command that is loaded')
})

t.test('each first-party manifest lists exactly the command words its plugin registers', async (t) => {
  const env = {
    PROMETHEUS_URL: 'http://127.0.0.1:9',
    DATADOG_API_KEY: 'k',
    LOGS_TYPE: 'loki',
    LOGS_URL: 'http://127.0.0.1:9',
    DB_URL: 'postgres://operator@127.0.0.1:1/app',
    GATEWAY_TYPE: 'kong',
    GATEWAY_URL: 'http://127.0.0.1:9'
  }
  const app = await buildApp({ env, config: { plugins: [] } })
  await app.ready()
  t.teardown(() => app.close())
  const packages: Record<string, string> = { builtin: 'commands-builtin', prometheus: 'prometheus', datadog: 'datadog', logs: 'logs', db: 'database', gateway: 'gateway' }
  for (const [plugin, dir] of Object.entries(packages)) {
    const manifest = JSON.parse(readFileSync(fileURLToPath(new URL(`../../plugins/${dir}/package.json`, import.meta.url)), 'utf8')) as { operator: { commands: string[] } }
    const registered = app.operator.registry.commands.list()
      .flatMap((c) => c.providers.filter((p) => p.plugin === plugin).flatMap((p) => [c.name, ...(p.spec.aliases ?? [])]))
    t.same([...registered].sort(), [...manifest.operator.commands].sort(), `${plugin}: manifest and registrations agree`)
  }
})
