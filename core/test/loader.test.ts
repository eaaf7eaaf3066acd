import t from 'tap'
import { fileURLToPath } from 'node:url'
import { buildApp } from '../src/app.js'
import { planPlugins } from '../src/plugins/plan.js'
import { parseConfig } from '../src/config/file.js'

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url))
const env = { COMMAND_DEADLINE_MS: '2000' }

async function boot (config: unknown, extraEnv: Record<string, string> = {}) {
  const app = await buildApp({ env: { ...env, ...extraEnv }, config, cwd: fixtures })
  await app.ready()
  return app
}

async function bootError (config: unknown, extraEnv: Record<string, string> = {}): Promise<{ code?: string; message: string }> {
  const app = await buildApp({ env: { ...env, ...extraEnv }, config, cwd: fixtures }).catch((err: unknown) => err)
  if (app instanceof Error) return app as { code?: string; message: string }
  try {
    await (app as Awaited<ReturnType<typeof buildApp>>).ready()
  } catch (err) {
    return err as { code?: string; message: string }
  } finally {
    await (app as Awaited<ReturnType<typeof buildApp>>).close().catch(() => {})
  }
  throw new Error('expected start-up to fail')
}

t.test('a plugin named by path loads with its config validated and defaults applied', async (t) => {
  const app = await boot({ plugins: [{ package: './local-plugins/echo.mjs', config: { times: '2' } }] })
  t.teardown(() => app.close())
  const reply = await app.operator.dispatcher.dispatch('echo hi', { id: 'c', role: 'admin', channel: 'console' })
  t.equal(reply.reply, 'echo: hiecho: hi', 'default prefix, "2" coerced to 2')
})

t.test('environment variables map onto plugin config; the file wins; ${VAR} references resolve', async (t) => {
  const fromEnv = await boot({ plugins: ['./local-plugins/echo.mjs'] }, { ECHO_PREFIX: 'env>' })
  t.teardown(() => fromEnv.close())
  t.equal((await fromEnv.operator.dispatcher.dispatch('echo a', { id: 'c', role: 'admin', channel: 'console' })).reply, 'env> a')
  const fromRef = await boot({ plugins: [{ package: './local-plugins/echo.mjs', config: { prefix: '${WHO:-anon}@${SITE}' } }] }, { SITE: 'prod', ECHO_PREFIX: 'env>' })
  t.teardown(() => fromRef.close())
  t.equal((await fromRef.operator.dispatcher.dispatch('echo a', { id: 'c', role: 'admin', channel: 'console' })).reply, 'anon@prod a')
})

t.test('a missing package stops start-up with a message naming it', async (t) => {
  const err = await bootError({ plugins: ['operator-plugin-does-not-exist'] })
  t.equal(err.code, 'OPR_ERR_PLUGIN_NOT_FOUND')
  t.match(err.message, /Plugin 'operator-plugin-does-not-exist' cannot be resolved: no installed package has that name/)
  const path = await bootError({ plugins: ['./local-plugins/nope.mjs'] })
  t.equal(path.code, 'OPR_ERR_PLUGIN_NOT_FOUND')
})

t.test('a config that fails the plugin schema names the plugin, the key and what was expected', async (t) => {
  const err = await bootError({ plugins: [{ package: './local-plugins/echo.mjs', config: { times: 0 } }] })
  t.equal(err.code, 'OPR_ERR_PLUGIN_CONFIG')
  t.equal(err.message, "Plugin 'echo' config key 'times' must be at least 1, got 0")
  const ref = await bootError({ plugins: [{ package: './local-plugins/echo.mjs', config: { prefix: '${UNSET_VAR}' } }] })
  t.equal(ref.code, 'OPR_ERR_CONFIG_ENV_REF')
  t.equal(ref.message, "Plugin 'echo' config key prefix uses ${UNSET_VAR}, which is not set: set UNSET_VAR or write ${UNSET_VAR:-default}")
})

t.test('a plugin that throws in register stops start-up with one line naming it', async (t) => {
  const err = await bootError({ plugins: ['./local-plugins/throws.mjs'] })
  t.equal(err.code, 'OPR_ERR_PLUGIN_REGISTER')
  t.equal(err.message, "Plugin 'thrower' failed to register: cannot reach the license server")
})

t.test('a module that is not made with definePlugin is refused', async (t) => {
  const err = await bootError({ plugins: ['./local-plugins/not-a-plugin.mjs'] })
  t.equal(err.code, 'OPR_ERR_PLUGIN_INVALID')
  t.match(err.message, /not made with definePlugin/)
})

t.test('two plugins registering one command name fail start-up naming both', async (t) => {
  const err = await bootError({ plugins: ['./local-plugins/echo.mjs', './local-plugins/clash.mjs'] })
  t.equal(err.code, 'OPR_ERR_REGISTRY_CONFLICT')
  t.equal(err.message, "command 'echo' is registered by both plugin 'echo' and plugin 'clash'")
})

t.test('a disabled plugin is never imported; nothing unnamed is loaded', async (t) => {
  const g = globalThis as { __operatorImported?: number }
  delete g.__operatorImported
  const app = await boot({ plugins: [{ package: './local-plugins/marks-import.mjs', enabled: false }] })
  t.teardown(() => app.close())
  t.equal(g.__operatorImported, undefined, 'not imported')
  const report = app.operator.plugins.find((p) => p.specifier === './local-plugins/marks-import.mjs')
  t.same(report && { enabled: report.enabled, reason: report.reason }, { enabled: false, reason: 'disabled in the config' })
  t.same(app.operator.plugins.filter((p) => p.enabled).map((p) => p.name), ['builtin', 'interpreter'])
})

t.test('disabling commands-builtin leaves help unknown', async (t) => {
  const app = await boot({ plugins: [{ package: 'commands-builtin', enabled: false }] })
  t.teardown(() => app.close())
  const r = await app.operator.dispatcher.dispatch('help', { id: 'c', role: 'admin', channel: 'console' })
  t.equal(r.outcome, 'unknown')
})

t.test('plugins register after the plugins they depend on; missing dependencies and cycles are refused', async (t) => {
  const app = await boot({ plugins: ['./local-plugins/needs-echo.mjs', './local-plugins/echo.mjs'] })
  t.teardown(() => app.close())
  t.same(app.operator.registry.commands.list().map((c) => c.name).filter((n) => n === 'echo' || n === 'after'), ['echo', 'after'])
  const err = await bootError({ plugins: ['./local-plugins/needs-echo.mjs'] })
  t.equal(err.code, 'OPR_ERR_PLUGIN_DEPENDENCY')
  t.equal(err.message, "Plugin 'needs-echo' needs plugin 'echo', which is not enabled")
})

t.test('the config file itself is validated with the key named', async (t) => {
  t.throws(() => parseConfig({ plugins: [{ package: 'x', enabled: 'yes' }] }, 'operator.config.json', '/'), {
    code: 'OPR_ERR_CONFIG_INVALID', message: /operator\.config\.json: plugins\[0\].enabled must be true or false/
  })
  t.throws(() => parseConfig({ plugin: [] }, 'f.json', '/'), { message: /plugin is not a known setting/ })
  t.throws(() => parseConfig({ plugins: [42] }, 'f.json', '/'), { message: /plugins\[0\] must be a package name/ })
  t.throws(() => parseConfig({ plugins: ['a', 'a'] }, 'f.json', '/'), { message: /names 'a' twice/ })
})

t.test('a config file named explicitly must exist and be JSON', async (t) => {
  const missing = await bootError(undefined, { OPERATOR_CONFIG: 'missing.json' })
  t.equal(missing.code, 'OPR_ERR_CONFIG_FILE')
  t.match(missing.message, /missing\.json: no such file/)
  const app = await buildApp({ env, cwd: fixtures })
  await app.ready()
  t.equal(app.operator.configFile.path, undefined, 'the default name may be absent')
  await app.close()
})

t.test('first-party plugins are enabled by their environment variables unless the file disables them', async (t) => {
  const file = parseConfig({ plugins: [{ package: 'datadog', enabled: false }] }, '/srv/operator.config.json', '/srv', '/srv/operator.config.json')
  const plan = planPlugins(file, { PROMETHEUS_URL: 'http://127.0.0.1:9090', DATADOG_API_KEY: 'k', DB_URL: '' })
  const byName = Object.fromEntries(plan.map((p) => [p.specifier, `${p.enabled} ${p.reason}`]))
  t.equal(byName['@operator/plugin-commands-builtin'], 'true built in, enabled by default')
  t.equal(byName['@operator/plugin-prometheus'], 'true enabled because PROMETHEUS_URL is set')
  t.equal(byName['@operator/plugin-datadog'], 'false disabled in the config file')
  t.equal(byName['@operator/plugin-database'], 'false not configured (set DB_URL or DB_STATS_URL)')
})
