import t from 'tap'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { localNpmRegistry } from '@operator/test-support'
import { appDir, baseEnv, BIN, operator } from './fixtures/cli.js'

// `operator init` and `operator plugins add|remove|enable|disable|new`, run as the real CLI in temporary directories.
// npm runs for real against a registry on 127.0.0.1 with a fresh cache; a proxy that leads nowhere keeps anything
// else off the network. (The whole install path, from npm pack to npm start, is install-app-dir.test.ts.)
const run = promisify(execFile)
t.setTimeout(10 * 60_000)
const CORE = fileURLToPath(new URL('..', import.meta.url))
const registry = await localNpmRegistry([])
t.teardown(() => registry.close())

function npmEnv (dir: string): Record<string, string> {
  return registry.npmEnv(dir)
}

const manifest = (name: string, operator?: unknown): string =>
  JSON.stringify({ name, version: '1.0.0', type: 'module', exports: { '.': './index.js' }, ...(operator !== undefined ? { keywords: ['operator-plugin'], operator } : {}) })

/**
 * A plugin folder with no dependencies, so npm installs it with nothing to fetch: its default export carries the
 * brand definePlugin gives (Symbol.for('operator.plugin')), which is what the loader checks.
 */
function pluginFolder (root: string, name: string, id: string, version = true): string {
  const dir = join(root, name)
  mkdirSync(dir, { recursive: true })
  const json = JSON.parse(manifest(basename(name), { pluginId: id, api: 1, commands: [id] })) as Record<string, unknown>
  if (!version) delete json.version
  writeFileSync(join(dir, 'package.json'), JSON.stringify(json))
  writeFileSync(join(dir, 'index.js'), `export default { name: '${id}', version: '1.0.0', [Symbol.for('operator.plugin')]: { api: 1 }, register (op) { op.command({ name: '${id}', summary: 's', run: () => '${id} here' }) } }\n`)
  return dir
}

// The config file as a person wrote it: tabs, their own key order, a first-party plugin by its short name.
const CONFIG = '{\n\t"primary": { "metrics": "prometheus" },\n\t"plugins": [\n\t\t"prometheus"\n\t],\n\t"sms": {}\n}'

t.test('operator init: flags, a missing or bad argument, a directory that is not empty', async (t) => {
  const cwd = appDir(t)
  const none = await operator(['init'], cwd)
  t.equal(none.code, 2)
  t.equal(none.stderr, 'operator: operator init needs a directory: operator init my-ops [OPR_ERR_CLI_USAGE]\n')
  for (const args of [['init', 'a', 'b'], ['init', 'a', '--yes']]) {
    const r = await operator(args, cwd)
    t.equal(r.code, 2)
    t.match(r.stderr, /^operator: operator init: unexpected '(b|--yes)' \(usage: operator init <dir> \[--plugins prometheus,datadog\] \[--from <folder of tarballs>\]\) \[OPR_ERR_CLI_USAGE\]\n$/)
  }
  t.equal((await operator(['init', 'a', '--plugins'], cwd)).stderr, 'operator: --plugins needs a value [OPR_ERR_CLI_USAGE]\n')
  t.equal((await operator(['init', 'a', '--plugins=prometheus,newrelic'], cwd)).stderr,
    "operator: 'newrelic' is not a first-party plugin (choose from prometheus, datadog, logs, database, gateway, alertmanager, alert-webhook; add others later with operator plugins add) [OPR_ERR_CLI_USAGE]\n")
  t.notOk(existsSync(join(cwd, 'a')), 'nothing written on bad input')
  writeFileSync(join(cwd, 'taken'), '')
  mkdirSync(join(cwd, 'full'))
  writeFileSync(join(cwd, 'full/x'), '')
  const full = await operator(['init', 'full'], cwd)
  t.equal(full.code, 1)
  t.equal(full.stderr, `operator: ${join(cwd, 'full')} already exists and is not empty: choose a new directory [OPR_ERR_TARGET_NOT_EMPTY]\n`)
})

t.test('operator init writes the app: dependencies, config, the environment of the chosen plugins, a README', async (t) => {
  const cwd = appDir(t)
  mkdirSync(join(cwd, 'empty'))
  const r = await operator(['init', 'My Ops', '--plugins', 'datadog,@operator/plugin-prometheus,commands-builtin,datadog'], cwd)
  t.equal(r.code, 0, r.stderr)
  t.equal(r.stdout, 'Created My Ops: package.json (@operator/core 0.1.0, plugins commands-builtin, prometheus, datadog, interpreter), operator.config.json, .env.example, README.md\n' +
    'Next: cd My Ops && npm install && cp .env.example .env, set what you need, then npm start\n')
  const app = join(cwd, 'My Ops')
  const pkg = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as Record<string, Record<string, string>>
  t.equal(pkg.name as unknown as string, 'my-ops')
  t.same(pkg.dependencies, { '@operator/core': '^0.1.0', '@operator/plugin-commands-builtin': '^0.1.0', '@operator/plugin-prometheus': '^0.1.0', '@operator/plugin-datadog': '^0.1.0', '@operator/plugin-interpreter': '^0.1.0' })
  t.equal(pkg.scripts!.start, 'operator start')
  t.same(JSON.parse(readFileSync(join(app, 'operator.config.json'), 'utf8')), { plugins: [{ package: 'datadog', enabled: true }, { package: 'prometheus', enabled: true }] })
  const env = readFileSync(join(app, '.env.example'), 'utf8')
  t.match(env, /# --- Prometheus \(node_modules\/@operator\/plugin-prometheus\/README\.md\) ---\n# PROMETHEUS_URL=/)
  t.match(env, /# DATADOG_API_KEY=/)
  t.match(env, /# TWILIO_AUTH_TOKEN=/)
  t.notMatch(env, /LOGS_TYPE|GATEWAY_TYPE|DB_URL/, 'no section for a plugin the app does not have')
  t.same(env.split('\n').filter((l) => l !== '' && !l.startsWith('#')), [], 'every line commented out')
  t.match(readFileSync(join(app, 'README.md'), 'utf8'), /^# My Ops\n[\s\S]*plugins commands-builtin, prometheus, datadog, interpreter\.[\s\S]*npm start/)
  t.equal(readFileSync(join(app, '.gitignore'), 'utf8'), 'node_modules/\n.env\ndata/\n')
  const odd = await operator(['init', '__', '--plugins', ''], cwd)
  t.equal(odd.code, 0, odd.stderr)
  t.equal(JSON.parse(readFileSync(join(cwd, '__/package.json'), 'utf8')).name, 'operator-app', 'a directory name npm would refuse')
  // An empty directory is fine, and with no --plugins and no terminal, no plugin is chosen.
  const bare = await operator(['init', 'empty'], cwd)
  t.equal(bare.code, 0, bare.stderr)
  t.same(JSON.parse(readFileSync(join(cwd, 'empty/operator.config.json'), 'utf8')), { plugins: [] })
  t.notMatch(readFileSync(join(cwd, 'empty/.env.example'), 'utf8'), /PROMETHEUS_URL/)
})

t.test('operator init --from depends on tarballs from npm pack, by relative path', async (t) => {
  const cwd = appDir(t, undefined, { 'packed/operator-core-0.1.0.tgz': '', 'packed/operator-core-0.0.9.tgz': '', 'packed/operator-plugin-commands-builtin-0.1.0.tgz': '', 'packed/operator-plugin-commands-builtin-extra-0.1.0.tgz': '', 'packed/operator-plugin-interpreter-0.1.0.tgz': '' })
  const r = await operator(['init', 'app', '--from=packed'], cwd)
  t.equal(r.code, 0, r.stderr)
  t.same(JSON.parse(readFileSync(join(cwd, 'app/package.json'), 'utf8')).dependencies, {
    '@operator/core': 'file:../packed/operator-core-0.1.0.tgz',
    '@operator/plugin-commands-builtin': 'file:../packed/operator-plugin-commands-builtin-0.1.0.tgz',
    '@operator/plugin-interpreter': 'file:../packed/operator-plugin-interpreter-0.1.0.tgz'
  })
  const missing = await operator(['init', 'other', '--from', 'packed', '--plugins', 'gateway'], cwd)
  t.equal(missing.code, 2)
  t.equal(missing.stderr, `operator: --from ${join(cwd, 'packed')} has no operator-plugin-gateway-<version>.tgz (npm pack makes one) [OPR_ERR_CLI_USAGE]\n`)
})

t.test('operator init asks which plugins when a person is at the terminal', { skip: existsSync('/usr/bin/script') ? false : 'needs script(1) (util-linux) for a terminal' }, async (t) => {
  const cwd = appDir(t)
  const child = execFile('script', ['-qec', `${process.execPath} ${BIN} init asked`, '/dev/null'], { cwd, env: baseEnv })
  let out = ''
  child.stdout!.on('data', (c: Buffer) => {
    out += c.toString()
    if (out.includes('empty for none): ')) child.stdin!.write('gateway, logs\n')
  })
  await new Promise((resolve) => child.on('exit', resolve))
  t.match(out, 'First-party plugins to include (comma-separated: prometheus, datadog, logs, database, gateway, alertmanager, alert-webhook; empty for none): ')
  t.same(JSON.parse(readFileSync(join(cwd, 'asked/operator.config.json'), 'utf8')).plugins.map((p: { package: string }) => p.package), ['gateway', 'logs'])
})

t.test('plugins add: a folder, a tarball and a registry name; each checked, installed and enabled, the file kept as written', async (t) => {
  const app = appDir(t, undefined, { 'package.json': '{"name":"app","private":true}\n', 'operator.config.json': CONFIG })
  const env = npmEnv(app)
  const folder = pluginFolder(app, 'plugins-src/operator-plugin-hi', 'hi')
  const added = await operator(['plugins', 'add', folder], app, env)
  t.equal(added.code, 0, added.stderr)
  t.equal(added.stdout, "Added operator-plugin-hi@1.0.0 (plugin 'hi', plugin API 1), enabled in operator.config.json; restart the daemon for it to take effect\n")
  const withHi = '{\n\t"primary": { "metrics": "prometheus" },\n\t"plugins": [\n\t\t"prometheus",\n\t\t{\n\t\t\t"package": "operator-plugin-hi",\n\t\t\t"enabled": true\n\t\t}\n\t],\n\t"sms": {}\n}'
  t.equal(readFileSync(join(app, 'operator.config.json'), 'utf8'), withHi, 'appended in the file\'s own style, nothing else touched')
  t.equal((await operator(['exec', 'hi'], app, { PROMETHEUS_URL: 'http://127.0.0.1:9' })).stdout, 'hi here\n')

  // Disabled, then added again: the same entry is enabled again (npm changes nothing: same folder).
  t.equal((await operator(['plugins', 'disable', 'hi'], app)).stdout, 'Disabled hi in operator.config.json; restart the daemon for it to take effect\n')
  t.equal((await operator(['plugins', 'disable', 'operator-plugin-hi'], app)).stdout, 'operator-plugin-hi is already disabled in operator.config.json\n')
  t.equal((await operator(['plugins', 'add', folder], app, env)).code, 0)
  t.equal(readFileSync(join(app, 'operator.config.json'), 'utf8'), withHi)

  // A tarball of it (the dependency changes to the tarball), then the same tarball again.
  await run('npm', ['pack', folder, '--pack-destination', app], { cwd: app, env: { ...baseEnv, ...env } })
  for (let i = 0; i < 2; i++) {
    const r = await operator(['plugins', 'add', 'operator-plugin-hi-1.0.0.tgz'], app, env)
    t.equal(r.code, 0, r.stderr)
    t.match(JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')).dependencies, { 'operator-plugin-hi': 'file:operator-plugin-hi-1.0.0.tgz' })
  }

  // From the registry by name, and by name@version once installed.
  const reg = pluginFolder(app, 'plugins-src/operator-plugin-yo', 'yo')
  registry.publish(reg)
  const fromRegistry = await operator(['plugins', 'add', 'operator-plugin-yo'], app, env)
  t.equal(fromRegistry.code, 0, fromRegistry.stderr)
  t.equal((await operator(['plugins', 'add', 'operator-plugin-yo'], app, env)).code, 0, 'again: npm changes nothing')
  t.equal((await operator(['plugins', 'add', 'operator-plugin-yo@1.0.0'], app, env)).code, 0)
  // A first-party plugin by its package name is written by its short name, as people write it.
  registry.publish(pluginFolder(app, 'plugins-src/gateway', 'gateway'))
  const gwDir = join(app, 'plugins-src/gateway')
  writeFileSync(join(gwDir, 'package.json'), readFileSync(join(gwDir, 'package.json'), 'utf8').replace('"name":"gateway"', '"name":"@operator/plugin-gateway"'))
  registry.publish(gwDir)
  const gw = await operator(['plugins', 'add', '@operator/plugin-gateway'], app, env)
  t.equal(gw.code, 0, gw.stderr)
  t.same(JSON.parse(readFileSync(join(app, 'operator.config.json'), 'utf8')).plugins.map((p: string | { package: string }) => typeof p === 'string' ? p : p.package),
    ['prometheus', 'operator-plugin-hi', 'operator-plugin-yo', 'gateway'])
})

t.test('plugins add refuses what is not an Operator plugin, or is one for another plugin API, and leaves the app as it was', async (t) => {
  const app = appDir(t, undefined, {
    'package.json': '{"name":"app","private":true}\n',
    'plain/package.json': manifest('left-pad-local'),
    'plain/index.js': 'export default 1\n',
    'future/package.json': manifest('operator-plugin-future', { pluginId: 'future', api: 2 }),
    'future/index.js': 'export default 1\n'
  })
  const env = npmEnv(app)
  const plain = await operator(['plugins', 'add', './plain'], app, env)
  t.equal(plain.code, 1)
  t.equal(plain.stdout, '')
  t.match(plain.stderr, /operator: Plugin 'left-pad-local' is not an Operator plugin: its package\.json has no "operator": \{ "pluginId", "api" \} field \[OPR_ERR_PLUGIN_INVALID\]\n$/)
  const future = await operator(['plugins', 'add', './future'], app, env)
  t.match(future.stderr, /operator: Plugin 'operator-plugin-future' targets plugin API 2, this Operator provides API 1 \[OPR_ERR_PLUGIN_API_VERSION\]\n$/)
  t.equal(readFileSync(join(app, 'package.json'), 'utf8').includes('left-pad-local') || readFileSync(join(app, 'package.json'), 'utf8').includes('future'), false, 'uninstalled again')
  t.notOk(existsSync(join(app, 'operator.config.json')), 'no config written')
  const missing = await operator(['plugins', 'add', 'operator-plugin-nowhere'], app, env)
  t.equal(missing.code, 1)
  t.match(missing.stderr, /operator: npm install operator-plugin-nowhere failed: 404 Not Found - GET http:\/\/127\.0\.0\.1:\d+\/operator-plugin-nowhere - Not found \(E404\) \[OPR_ERR_NPM_FAILED\]\n$/)
})

t.test('plugins enable, disable and remove by any of a plugin\'s names; unknown names and bad files are one clear line', async (t) => {
  const app = appDir(t, undefined, { 'package.json': '{"name":"app","private":true}\n', 'operator.config.json': CONFIG })
  const env = npmEnv(app)
  t.equal((await operator(['plugins', 'disable', '@operator/plugin-prometheus'], app)).code, 0)
  t.equal(readFileSync(join(app, 'operator.config.json'), 'utf8'),
    '{\n\t"primary": { "metrics": "prometheus" },\n\t"plugins": [\n\t\t{\n\t\t\t"package": "prometheus",\n\t\t\t"enabled": false\n\t\t}\n\t],\n\t"sms": {}\n}')
  t.equal((await operator(['plugins', 'enable', 'prometheus'], app)).stdout, 'Enabled prometheus in operator.config.json; restart the daemon for it to take effect\n')
  t.equal((await operator(['plugins', 'enable', 'prometheus'], app)).stdout, 'prometheus is already enabled in operator.config.json\n')
  t.equal((await operator(['plugins', 'disable', 'commands-builtin'], app)).code, 0, 'a first-party plugin the file does not name yet')
  t.match(readFileSync(join(app, 'operator.config.json'), 'utf8'), /\{\n\t\t\t"package": "commands-builtin",\n\t\t\t"enabled": false\n\t\t\}\n\t\],\n\t"sms": \{\}\n\}$/)
  const unknown = await operator(['plugins', 'disable', 'newrelic'], app)
  t.equal(unknown.code, 1)
  t.equal(unknown.stderr, "operator: No plugin 'newrelic' in this app: operator.config.json does not name it and no dependency of the app is that plugin (operator plugins add <package> installs one) [OPR_ERR_PLUGIN_UNKNOWN]\n")
  t.equal((await operator(['plugins', 'remove', 'newrelic'], app)).stderr,
    "operator: No plugin 'newrelic' in this app: operator.config.json does not name it and no dependency of the app is that plugin (operator plugins lists them) [OPR_ERR_PLUGIN_UNKNOWN]\n")
  t.equal((await operator(['plugins', 'remove', 'prometheus'], app)).stdout, 'Removed prometheus and its entry in operator.config.json; restart the daemon for it to take effect\n')

  // Installed but not named in the file (a dependency only): enable adds it, remove uninstalls it.
  const hey = await operator(['plugins', 'add', pluginFolder(app, 'src/operator-plugin-hey', 'hey', false)], app, env)
  t.match(hey.stdout, /^Added operator-plugin-hey \(plugin 'hey', plugin API 1\)/, 'a package with no version')
  writeFileSync(join(app, 'operator.config.json'), '{ "plugins": [] }\n')
  t.equal((await operator(['plugins', 'enable', 'hey'], app)).code, 0)
  t.same(JSON.parse(readFileSync(join(app, 'operator.config.json'), 'utf8')), { plugins: [{ package: 'operator-plugin-hey', enabled: true }] })
  writeFileSync(join(app, 'operator.config.json'), '{}')
  const removed = await operator(['plugins', 'remove', 'hey'], app, env)
  t.equal(removed.stdout, 'Removed operator-plugin-hey; restart the daemon for it to take effect\n')
  t.notOk(existsSync(join(app, 'node_modules/operator-plugin-hey')))
  t.equal(readFileSync(join(app, 'operator.config.json'), 'utf8'), '{}', 'a file that did not name it is untouched')

  // Windows line ends and four-space indentation stay as they are.
  writeFileSync(join(app, 'operator.config.json'), '{\r\n    "plugins": [\r\n        "logs"\r\n    ]\r\n}\r\n')
  t.equal((await operator(['plugins', 'disable', 'logs'], app)).code, 0)
  t.equal(readFileSync(join(app, 'operator.config.json'), 'utf8'), '{\r\n    "plugins": [\r\n        {\r\n            "package": "logs",\r\n            "enabled": false\r\n        }\r\n    ]\r\n}\r\n')

  // The file OPERATOR_CONFIG names (here from .env), created when missing.
  writeFileSync(join(app, '.env'), 'OPERATOR_CONFIG=conf/ops.json\n')
  mkdirSync(join(app, 'conf'))
  t.equal((await operator(['plugins', 'disable', 'datadog'], app)).stdout, 'Disabled datadog in ops.json; restart the daemon for it to take effect\n')
  t.equal(readFileSync(join(app, 'conf/ops.json'), 'utf8'), '{\n  "plugins": [\n    {\n      "package": "datadog",\n      "enabled": false\n    }\n  ]\n}\n')

  // A file the daemon would refuse is refused before anything changes.
  writeFileSync(join(app, 'conf/ops.json'), '{ "plugins": [1] ')
  t.match((await operator(['plugins', 'enable', 'datadog'], app)).stderr, /^operator: Cannot read config file .*ops\.json: not valid JSON .* \[OPR_ERR_CONFIG_FILE\]\n$/)
  writeFileSync(join(app, 'conf/ops.json'), '{ "plugins": [1] }')
  t.match((await operator(['plugins', 'enable', 'datadog'], app)).stderr, /^operator: Invalid configuration in .*ops\.json: plugins\[0\] must be a package name or .* \[OPR_ERR_CONFIG_INVALID\]\n$/)
  mkdirSync(join(app, 'conf/dir.json'))
  t.match((await operator(['plugins', 'enable', 'datadog'], app, { OPERATOR_CONFIG: 'conf/dir.json' })).stderr, /^operator: Cannot read config file .*dir\.json: EISDIR \[OPR_ERR_CONFIG_FILE\]\n$/)
})

t.test('plugins subcommands: usage, and a directory that is not an app', async (t) => {
  const cwd = appDir(t)
  const cases: Array<[string[], string]> = [
    [['plugins', 'add'], 'usage: operator plugins add <package|tarball|folder>'],
    [['plugins', 'enable', 'a', 'b'], 'usage: operator plugins enable <name>'],
    [['plugins', 'frob', 'x'], "unknown plugins command 'frob' (add, remove, enable, disable, new, or none to list)"]
  ]
  for (const [args, message] of cases) {
    const r = await operator(args, cwd)
    t.equal(r.code, 2)
    t.equal(r.stderr, `operator: ${message} [OPR_ERR_CLI_USAGE]\n`)
  }
  const notApp = await operator(['plugins', 'enable', 'prometheus'], cwd)
  t.equal(notApp.stderr, `operator: ${cwd} has no package.json: run this in an app directory (operator init <dir> makes one) [OPR_ERR_APP_DIR_MISSING]\n`)
  t.match((await operator(['plugins', 'list'], cwd)).stdout, /^\[on\]  @operator\/plugin-commands-builtin/)
})

t.test('plugins new: the package, its files and its flags', async (t) => {
  const cwd = appDir(t)
  const r = await operator(['plugins', 'new', 'acme-status'], cwd)
  t.equal(r.code, 0, r.stderr)
  const dir = join(cwd, 'operator-plugin-acme-status')
  t.equal(r.stdout, `Created ${dir}: plugin 'acme-status' (package operator-plugin-acme-status, core ^0.1.0)\n` +
    `Next: cd ${dir} && npm install && npm test, then npm pack and operator plugins add <the .tgz> in an app\n`)
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>
  t.match(pkg, {
    name: 'operator-plugin-acme-status',
    keywords: ['operator-plugin'],
    operator: { pluginId: 'acme-status', api: 1, commands: ['acme-status'] },
    peerDependencies: { '@operator/core': '^0.1.0' },
    devDependencies: { '@operator/core': '^0.1.0' },
    scripts: { prepare: 'npm run build', test: 'tap' },
    files: ['dist', 'README.md']
  })
  t.match(readFileSync(join(dir, 'src/index.ts'), 'utf8'), /env: \{ ACME_STATUS_URL: 'url', ACME_STATUS_TIMEOUT_MS: 'timeoutMs' \}/)
  t.match(readFileSync(join(dir, 'test/index.test.ts'), 'utf8'), /from '@operator\/core\/testing'/)
  t.ok(existsSync(join(dir, 'tsconfig.json')) && existsSync(join(dir, 'README.md')))

  const devCore = async (core: string): Promise<string> => {
    const out = join(cwd, `c${Math.random().toString(36).slice(2)}`)
    t.equal((await operator(['plugins', 'new', 'x', '--dir', out, '--core', core], cwd)).code, 0)
    return (JSON.parse(readFileSync(join(out, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies['@operator/core']!
  }
  t.equal(await devCore('~0.1.2'), '~0.1.2', 'a version range as given')
  t.equal(await devCore('../operator-core-0.1.0.tgz'), `file:${join(cwd, '../operator-core-0.1.0.tgz')}`, 'a tarball path made absolute')
  t.equal(await devCore(CORE), `file:${CORE.replace(/\/$/, '')}`, 'a folder')

  const bad: Array<[string[], string]> = [
    [['plugins', 'new'], 'operator plugins new needs a name (usage: operator plugins new <name> [--dir <folder>] [--core <version range|tarball|folder>])'],
    [['plugins', 'new', 'Bad_Name'], "plugin name 'Bad_Name' must be lower case letters, digits or dashes, starting with a letter (at most 32)"],
    [['plugins', 'new', 'a', 'b'], "operator plugins new: unexpected 'b' (usage: operator plugins new <name> [--dir <folder>] [--core <version range|tarball|folder>])"],
    [['plugins', 'new', 'a', '--core'], '--core needs a value (usage: operator plugins new <name> [--dir <folder>] [--core <version range|tarball|folder>])']
  ]
  for (const [args, message] of bad) t.equal((await operator(args, cwd)).stderr, `operator: ${message} [OPR_ERR_CLI_USAGE]\n`)
  const again = await operator(['plugins', 'new', 'acme-status'], cwd)
  t.equal(again.stderr, `operator: ${dir} already exists and is not empty: choose a new directory [OPR_ERR_TARGET_NOT_EMPTY]\n`)
})
