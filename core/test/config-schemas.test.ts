// Schemas are not checked against the JSON Schema meta-schema at start-up (it costs start-up time on every boot):
// core's own are checked here, a plugin's by the test harness (refused) and `operator config check` (warned).
import t from 'tap'
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { buildApp, CORE_DIR } from '../src/app.js'
import { schemaProblem } from '../src/config/ajv.js'
import { envSchema } from '../src/config/env-schema.js'
import { configFileSchema } from '../src/config/file.js'
import { smsSectionSchema } from '../src/channels/sms/settings.js'
import { definePlugin } from '../src/plugins/contract.js'
import { FIRST_PARTY } from '../src/config/first-party.js'
import { loadPluginModule } from '../src/plugins/resolve.js'
import { pluginSchemaProblem } from '../src/plugins/plugin-config.js'
import { createTestOperator } from '../src/testing/index.js'

const BIN = fileURLToPath(new URL('../dist/cli/bin.js', import.meta.url))
const BAD_SCHEMA_PLUGIN = fileURLToPath(new URL('./fixtures/local-plugins/bad-schema.mjs', import.meta.url))

t.test("core's schemas are valid JSON Schemas", async (t) => {
  t.equal(schemaProblem(envSchema), undefined, 'the environment')
  t.equal(schemaProblem(configFileSchema), undefined, 'the config file')
  t.equal(schemaProblem(smsSectionSchema), undefined, "the config file's sms section")
})

t.test("every first-party plugin's configSchema is a valid JSON Schema", async (t) => {
  for (const p of FIRST_PARTY) {
    const { plugin } = await loadPluginModule(p.packageName, [CORE_DIR])
    t.equal(pluginSchemaProblem(plugin), undefined, p.short)
  }
})

t.test('a broken schema is described in one line', async (t) => {
  t.equal(schemaProblem({ type: 'object', properties: { name: 'string' } }), 'schema/properties/name must be object,boolean')
  t.match(schemaProblem({ $schema: 'https://json-schema.org/draft/2020-12/schema' }), /no schema with key or ref/)
  t.equal(schemaProblem(null), 'it is not an object')
  const stringly = { type: 'string', minLength: '3' }
  t.equal(schemaProblem(stringly), 'schema/minLength must be integer', 'not coerced by the coercing Ajv')
  t.same(stringly, { type: 'string', minLength: '3' }, 'the schema is left as it was')
})

t.test('the test harness refuses a plugin whose configSchema is not a valid JSON Schema, naming it', async (t) => {
  const plugin = definePlugin({
    name: 'sloppy',
    configSchema: { type: 'object', properties: { url: 'string' } },
    register (op) { op.command({ name: 'sloppy', summary: 'x', run: () => 'x' }) }
  })
  await t.rejects(createTestOperator({ plugins: [{ plugin }] }), {
    code: 'OPR_ERR_PLUGIN_INVALID',
    message: "Plugin 'sloppy' is not an Operator plugin: its configSchema is not a valid JSON Schema: schema/properties/url must be object,boolean"
  })
})

t.test('start-up refuses a schema Ajv cannot compile, naming the plugin', async (t) => {
  const plugin = definePlugin({
    name: 'uncompilable',
    configSchema: { type: 'object', properties: { name: { type: 'string', minLength: 'three' } } },
    register () {}
  })
  await t.rejects(buildApp({ env: {}, config: { plugins: [] }, plugins: [{ plugin }] }), {
    code: 'OPR_ERR_PLUGIN_INVALID',
    message: "Plugin 'uncompilable' is not an Operator plugin: its configSchema cannot be compiled: minLength value must be [\"number\"]"
  })
})

t.test('config check warns about a plugin schema that start accepts, and still passes', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'operator-schema-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  writeFileSync(join(dir, 'operator.config.json'), JSON.stringify({ plugins: [BAD_SCHEMA_PLUGIN] }))
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, 'config', 'check'], {
    cwd: dir, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' }
  })
  t.ok(stderr.split('\n').includes(
    "operator: warning: plugin 'bad-schema': its configSchema is not a valid JSON Schema: schema/properties/name must be object,boolean"
  ), stderr)
  t.match(stdout, /^Config OK \(.*operator\.config\.json\): 3 plugin\(s\) enabled: builtin, interpreter, bad-schema\nStore: sqlite at .*operator\.db \(directory writable\); migrations pending .*\n$/)
})

t.test('the environment: strings coerced, defaults filled, unknown variables left out, nothing read from process.env', async (t) => {
  process.env.SMS_MAX_SEGMENTS = '7'
  t.teardown(() => { delete process.env.SMS_MAX_SEGMENTS })
  const app = await buildApp({ env: { PORT: '8080', TWILIO_VERIFY_SIGNATURE: 'false', SOMETHING_ELSE: 'x' }, config: { plugins: [] } })
  t.teardown(() => app.close())
  t.equal(app.config.PORT, 8080)
  t.equal(app.config.TWILIO_VERIFY_SIGNATURE, false)
  t.equal(app.config.SMS_MAX_SEGMENTS, 3, 'the default, not the test process environment')
  t.equal(app.config.LOG_LEVEL, 'info')
  t.notOk('SOMETHING_ELSE' in app.config)
  t.notOk('PROMETHEUS_URL' in app.config, 'a plugin variable that is not set stays unset')
})
