// Config errors as a person meets them: the real `operator config check` and `operator start`, one line each.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { freePort } from '@operator/test-support'
import { appDir, operator, startUntil, LOCAL_PLUGINS } from './fixtures/cli.js'

const SHOP = `${LOCAL_PLUGINS}shop.mjs`

async function checkAndStart (dir: string, env: Record<string, string>): Promise<Array<{ code: number; stderr: string; stdout: string }>> {
  const port = String(await freePort())
  return [await operator(['config', 'check'], dir, { PORT: port, ...env }), await operator(['start'], dir, { PORT: port, ...env })]
}

t.test('config check refuses exactly what start refuses, with the same line', async (t) => {
  const cases: Array<[Record<string, string>, string]> = [
    [{ NODE_ENV: 'production' },
      'operator: Invalid configuration in the environment: NODE_ENV=production needs TWILIO_AUTH_TOKEN and AUTHORIZED_NUMBERS [OPR_ERR_CONFIG_INVALID]\n'],
    [{ NODE_ENV: 'production', TWILIO_AUTH_TOKEN: 'tok' },
      'operator: Invalid configuration in the environment: NODE_ENV=production needs AUTHORIZED_NUMBERS [OPR_ERR_CONFIG_INVALID]\n'],
    [{ TWILIO_AUTH_TOKEN: 'tok', TWILIO_VERIFY_SIGNATURE: 'false', HOST: '0.0.0.0' },
      'operator: Invalid configuration in the environment: TWILIO_VERIFY_SIGNATURE=false is refused unless the daemon listens on loopback only (HOST is 0.0.0.0; set HOST=127.0.0.1) [OPR_ERR_CONFIG_INVALID]\n']
  ]
  for (const [env, line] of cases) {
    const [check, start] = await checkAndStart(appDir(t), env)
    t.equal(check!.code, 1, `config check exits 1 for ${JSON.stringify(env)}`)
    t.equal(check!.stderr, line)
    t.equal(check!.stdout, '')
    t.equal(start!.code, 1, `start exits 1 for ${JSON.stringify(env)}`)
    t.equal(start!.stderr, line, 'start prints the same line')
  }
})

t.test('a production config with what it needs passes config check', async (t) => {
  const r = await operator(['config', 'check'], appDir(t), { NODE_ENV: 'production', TWILIO_AUTH_TOKEN: 'tok', AUTHORIZED_NUMBERS: '+14155550100' })
  t.equal(r.code, 0, r.stderr)
  t.match(r.stdout, /^Config OK \(no config file \(defaults\)\): 1 plugin\(s\) enabled: builtin\nStore: sqlite at .*\/data\/operator\.db \(directory writable\); migrations pending \(applied at start\): 0001_messages_idempotency(, \d{4}_\w+)*\n$/)
})

t.test('a bad value in core\'s environment names the variable and the value', async (t) => {
  const cases: Array<[Record<string, string>, string]> = [
    [{ PORT: 'abc' }, "PORT must be a whole number, got 'abc'"],
    [{ SMS_REPLY_DEADLINE_MS: '99999' }, "SMS_REPLY_DEADLINE_MS must be at most 14000, got '99999'"],
    [{ COMMAND_DEADLINE_MS: '5' }, "COMMAND_DEADLINE_MS must be at least 100, got '5'"],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of "fatal", "error", "warn", "info", "debug", "trace", "silent", got \'loud\''],
    [{ TWILIO_VERIFY_SIGNATURE: 'maybe' }, "TWILIO_VERIFY_SIGNATURE must be true or false, got 'maybe'"]
  ]
  for (const [env, message] of cases) {
    const [check, start] = await checkAndStart(appDir(t), env)
    t.equal(check!.stderr, `operator: ${message} [OPR_ERR_CONFIG_ENV_VALUE]\n`)
    t.equal(check!.code, 1)
    t.equal(start!.stderr, check!.stderr, `start says the same for ${Object.keys(env)[0]!}`)
    t.equal(start!.code, 1)
  }
})

t.test('a variable set in .env is read for plugins too, and its bad value is named', async (t) => {
  const r = await operator(['config', 'check'], appDir(t, undefined, { '.env': 'PROMETHEUS_URL=garbage\n' }))
  t.equal(r.code, 1)
  t.equal(r.stderr, "operator: PROMETHEUS_URL must be an http(s) URL, got 'garbage' (plugin 'prometheus', config key url) [OPR_ERR_CONFIG_ENV_VALUE]\n")
})

t.test('every first-party plugin reports a garbage URL by its variable and value', async (t) => {
  const cases: Array<[Record<string, string>, string]> = [
    [{ PROMETHEUS_URL: 'garbage' }, "PROMETHEUS_URL must be an http(s) URL, got 'garbage' (plugin 'prometheus', config key url)"],
    [{ DATADOG_API_KEY: 'k', DATADOG_URL: 'garbage' }, "DATADOG_URL must be an http(s) URL, got 'garbage' (plugin 'datadog', config key url)"],
    [{ LOGS_TYPE: 'loki', LOGS_URL: 'garbage' }, "LOGS_URL must be an http(s) URL, got 'garbage' (plugin 'logs', config key url)"],
    [{ DB_URL: 'garbage' }, "DB_URL must be a postgres:// URL, got 'garbage' (plugin 'db', config key url)"],
    [{ DB_STATS_URL: 'garbage' }, "DB_STATS_URL must be a postgres:// or http(s) URL, got 'garbage' (plugin 'db', config key statsUrl)"],
    [{ GATEWAY_TYPE: 'kong', GATEWAY_URL: 'garbage' }, "GATEWAY_URL must be an http(s) URL, got 'garbage' (plugin 'gateway', config key url)"]
  ]
  const dir = appDir(t)
  for (const [env, message] of cases) {
    const r = await operator(['config', 'check'], dir, env)
    t.equal(r.stderr, `operator: ${message} [OPR_ERR_CONFIG_ENV_VALUE]\n`)
    t.equal(r.code, 1)
  }
})

t.test('secret values never appear: redacted by the variable\'s name, the schema, or inside a URL', async (t) => {
  const dir = appDir(t, { plugins: [SHOP] })
  const token = await operator(['config', 'check'], dir, { SHOP_URL: 'http://shop', SHOP_TOKEN: 'live-token-123' })
  t.equal(token.stderr, "operator: SHOP_TOKEN must match the pattern ^shp_[a-z0-9]+$, got <redacted, 14 characters> (plugin 'shop', config key token) [OPR_ERR_CONFIG_ENV_VALUE]\n")
  const marked = await operator(['config', 'check'], dir, { SHOP_URL: 'http://shop', SHOP_SIGNING: 'zz-not-hex' })
  t.equal(marked.stderr, "operator: SHOP_SIGNING must match the pattern ^[0-9a-f]{8}$, got <redacted, 10 characters> (plugin 'shop', config key signing) [OPR_ERR_CONFIG_ENV_VALUE]\n")
  const url = await operator(['config', 'check'], dir, { SHOP_URL: 'ftp://admin:hunter2@shop.internal' })
  t.equal(url.stderr, "operator: SHOP_URL must be an http(s) URL, got 'ftp://admin:<redacted>@shop.internal' (plugin 'shop', config key url) [OPR_ERR_CONFIG_ENV_VALUE]\n")
  const colons = await operator(['config', 'check'], appDir(t), { DB_URL: 'postgres//ops:pa:ss@db/app' })
  t.equal(colons.stderr, "operator: DB_URL must be a postgres:// URL, got 'postgres//ops:<redacted>@db/app' (plugin 'db', config key url) [OPR_ERR_CONFIG_ENV_VALUE]\n")
  for (const r of [token, marked, url, colons]) {
    t.equal(r.code, 1)
    t.notMatch(r.stderr, /live-token-123|zz-not-hex|hunter2|pa:ss/)
  }
})

t.test('a bad value the config file takes from ${VAR} names that variable; a file value is shown as written', async (t) => {
  const viaRef = await operator(['config', 'check'], appDir(t, { plugins: [{ package: SHOP, config: { url: '${MY_SHOP}' } }] }), { MY_SHOP: 'garbage' })
  t.equal(viaRef.stderr, "operator: MY_SHOP must be an http(s) URL, got 'garbage' (plugin 'shop', config key url) [OPR_ERR_CONFIG_ENV_VALUE]\n")
  const literal = await operator(['config', 'check'], appDir(t, { plugins: [{ package: SHOP, config: { url: 'http://shop', limit: 0 } }] }))
  t.equal(literal.stderr, "operator: Plugin 'shop' config key 'limit' must be at least 1, got 0 [OPR_ERR_PLUGIN_CONFIG]\n")
  // The file wins over the environment: its value is the one reported, not the variable's.
  const fileWins = await operator(['config', 'check'], appDir(t, { plugins: [{ package: SHOP, config: { url: 'nope' } }] }), { SHOP_URL: 'http://shop' })
  t.equal(fileWins.stderr, "operator: Plugin 'shop' config key 'url' must be an http(s) URL, got 'nope' [OPR_ERR_PLUGIN_CONFIG]\n")
})

t.test('an unset ${VAR} reads as a sentence saying what to set', async (t) => {
  const dir = appDir(t, { plugins: [{ package: SHOP, config: { url: 'http://shop', targets: { a: '${SHOP_TARGET}' } } }] })
  const r = await operator(['config', 'check'], dir)
  t.equal(r.code, 1)
  t.equal(r.stderr, "operator: Plugin 'shop' config key targets.a uses ${SHOP_TARGET}, which is not set: set SHOP_TARGET or write ${SHOP_TARGET:-default} [OPR_ERR_CONFIG_ENV_REF]\n")
})

t.test('${VAR:-} leaves an optional key unset, and the value is used when the variable is set', async (t) => {
  const dir = appDir(t, { plugins: [{ package: SHOP, config: { url: 'http://shop', token: '${SHOP_TOKEN_FILE:-}' } }] })
  const without = await operator(['exec', 'shop'], dir)
  t.equal(without.code, 0, without.stderr)
  t.equal(JSON.parse(without.stdout).token, undefined)
  const withIt = await operator(['exec', 'shop'], dir, { SHOP_TOKEN_FILE: 'shp_abc' })
  t.equal(withIt.code, 0, withIt.stderr)
  t.equal(JSON.parse(withIt.stdout).token, 'set')
})

t.test('the database README\'s config example passes with and without DB_STATS_URL', async (t) => {
  const readme = readFileSync(fileURLToPath(new URL('../../plugins/database/README.md', import.meta.url)), 'utf8')
  const block = /In `operator\.config\.json`:\n\n```json\n([\s\S]*?)```/.exec(readme)
  t.ok(block, 'the README has the example')
  const dir = appDir(t, JSON.parse(block![1]!))
  const env = { DB_URL: 'postgres://operator@127.0.0.1:1/app' }
  const without = await operator(['config', 'check'], dir, env)
  t.equal(without.code, 0, without.stderr)
  t.match(without.stdout, /plugin\(s\) enabled: builtin, db\nStore: sqlite at /)
  const withIt = await operator(['config', 'check'], dir, { ...env, DB_STATS_URL: 'postgres://stats@127.0.0.1:1/pgbouncer' })
  t.equal(withIt.code, 0, withIt.stderr)
})

t.test('a misspelt plugin name gets "did you mean", never an npm install of the typo', async (t) => {
  const hello = JSON.stringify({ name: 'operator-plugin-hello', version: '1.0.0', type: 'module', keywords: ['operator-plugin'], operator: { pluginId: 'hello', api: 1 } })
  const cases: Array<[string, string]> = [
    ['promethues', 'prometheus'],
    ['datadgo', 'datadog'],
    ['@operator/plugin-promethues', '@operator/plugin-prometheus'],
    ['operator-plugin-logz', '@operator/plugin-logs'],
    ['operator-plugin-helo', 'operator-plugin-hello']
  ]
  for (const [typo, meant] of cases) {
    const dir = appDir(t, { plugins: [typo] }, { 'node_modules/operator-plugin-hello/package.json': hello })
    const r = await operator(['config', 'check'], dir)
    t.equal(r.code, 1)
    t.equal(r.stderr, `operator: Plugin '${typo}' cannot be resolved: no plugin or installed package has that name; did you mean '${meant}'? [OPR_ERR_PLUGIN_NOT_FOUND]\n`)
    t.notMatch(r.stderr, /npm install/)
  }
})

t.test('a name close to nothing says to check it or install the plugin by its documented name, never npm install <typed name>', async (t) => {
  const far = await operator(['config', 'check'], appDir(t, { plugins: ['acme-widgets'] }))
  t.equal(far.stderr, "operator: Plugin 'acme-widgets' cannot be resolved: no installed package has that name. Check its spelling in the config file; a third-party plugin must be installed first, by the name its own documentation gives (first-party plugins: commands-builtin, prometheus, datadog, logs, database, gateway) [OPR_ERR_PLUGIN_NOT_FOUND]\n")
  t.notMatch(far.stderr, /npm install/)
  const scoped = await operator(['config', 'check'], appDir(t, { plugins: ['@operator/plugin-newrelic'] }))
  t.equal(scoped.stderr, "operator: Plugin '@operator/plugin-newrelic' cannot be resolved: there is no first-party plugin of that name (first-party plugins: commands-builtin, prometheus, datadog, logs, database, gateway) [OPR_ERR_PLUGIN_NOT_FOUND]\n")
})

t.test('a plugin whose import is missing says which package and how to install it', async (t) => {
  const manifest = (name: string): string => JSON.stringify({ name, version: '1.0.0', type: 'module', exports: { '.': './index.js' }, keywords: ['operator-plugin'], operator: { pluginId: 'orphan', api: 1 } })
  const dir = appDir(t, { plugins: ['operator-plugin-orphan', 'operator-plugin-lonely'] }, {
    'node_modules/operator-plugin-orphan/package.json': manifest('operator-plugin-orphan'),
    'node_modules/operator-plugin-orphan/index.js': "import { definePlugin } from '@operator/core'\nexport default definePlugin({ name: 'orphan', register () {} })\n",
    'node_modules/operator-plugin-lonely/package.json': manifest('operator-plugin-lonely'),
    'node_modules/operator-plugin-lonely/index.js': "export { default } from 'left-pad-that-is-not-here'\n"
  })
  const core = await operator(['config', 'check'], dir)
  t.equal(core.code, 1)
  t.equal(core.stderr, "operator: Plugin 'operator-plugin-orphan' cannot be loaded: index.js imports the package '@operator/core', which is not installed where the plugin is (the core package is a peer dependency: install @operator/core beside the plugin, npm install @operator/core) [OPR_ERR_PLUGIN_IMPORT]\n")
  t.notMatch(core.stderr, /is the package built/)
  const other = await operator(['config', 'check'], appDir(t, { plugins: ['operator-plugin-lonely'] }, {
    'node_modules/operator-plugin-lonely/package.json': manifest('operator-plugin-lonely'),
    'node_modules/operator-plugin-lonely/index.js': "export { default } from 'left-pad-that-is-not-here'\n"
  }))
  t.match(other.stderr, /^operator: Plugin 'operator-plugin-lonely' cannot be loaded: index\.js imports the package 'left-pad-that-is-not-here', which is not installed where the plugin is \(install the plugin's dependencies: npm install left-pad-that-is-not-here, or npm install in \/.*operator-plugin-lonely\) \[OPR_ERR_PLUGIN_IMPORT\]\n$/)
  // A package whose own entry is missing is still a build problem.
  const unbuilt = await operator(['config', 'check'], appDir(t, { plugins: ['operator-plugin-unbuilt'] }, {
    'node_modules/operator-plugin-unbuilt/package.json': manifest('operator-plugin-unbuilt')
  }))
  t.match(unbuilt.stderr, /^operator: Plugin 'operator-plugin-unbuilt' cannot be resolved: its entry \/.*index\.js does not exist \(is the package built\?\) \[OPR_ERR_PLUGIN_NOT_FOUND\]\n$/)
})

t.test('NODE_ENV other than development, production or test is a warning naming the value', async (t) => {
  const warning = "NODE_ENV is 'staging', which is not development, production or test: production rules and logging do not apply"
  const check = await operator(['config', 'check'], appDir(t), { NODE_ENV: 'staging' })
  t.equal(check.code, 0)
  t.match(check.stderr, `operator: warning: ${warning}\n`)
  const start = await startUntil(t, appDir(t), { NODE_ENV: 'staging', PORT: String(await freePort()) }, /"msg":"server listening|listening at/)
  const lines = start.out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: number; msg: string })
  t.ok(lines.some((l) => l.level === 40 && l.msg === warning), 'start logs the warning')
  t.equal(start.code, 0)
  for (const value of ['development', 'production', 'test']) {
    const env: Record<string, string> = value === 'production' ? { TWILIO_AUTH_TOKEN: 'tok', AUTHORIZED_NUMBERS: '+14155550100' } : {}
    const r = await operator(['config', 'check'], appDir(t), { NODE_ENV: value, ...env })
    t.notMatch(r.stderr, /NODE_ENV/, `no warning for ${value}`)
  }
})
