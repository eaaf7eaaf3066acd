import t from 'tap'
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { promisify } from 'node:util'
import { existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { fakeNewRelic, freePort, localNpmRegistry } from '@operator/test-support'

// The install path people take, end to end, with no workspace around it: core and the first-party plugins packed with
// `npm pack`, `operator init` in a temporary directory, `npm install` from those tarballs, `npm start`, and plugins
// managed with `operator plugins new|add|disable`. npm never reaches the network: dependencies come from a registry
// on 127.0.0.1 that serves the packages already installed in this monorepo (test-support's localNpmRegistry), with a
// fresh cache, and a proxy that leads nowhere for anything else. Install scripts are off: better-sqlite3's would
// download a prebuilt binary (the network) or compile for a minute; the registry serves the copy already built here.
const run = promisify(execFile)
const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const NEWRELIC = join(ROOT, 'third-party/operator-plugin-newrelic')
const FIRST_PARTY = ['commands-builtin', 'prometheus', 'datadog', 'logs', 'database', 'gateway', 'interpreter', 'alertmanager', 'alert-webhook']

t.setTimeout(15 * 60_000)
const work = mkdtempSync(join(tmpdir(), 'operator-install-'))
t.teardown(() => rmSync(work, { recursive: true, force: true }))
const packed = join(work, 'packed')
mkdirSync(packed)

const modules = [join(ROOT, 'node_modules'), ...['core', 'test-support', ...FIRST_PARTY.map((p) => `plugins/${p}`)].map((p) => join(ROOT, p, 'node_modules'))]
const registry = await localNpmRegistry(modules)
t.teardown(() => registry.close())

// Only what is set here: nothing from the developer's shell or ~/.npmrc decides where npm goes.
const npmEnv: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: work, ...registry.npmEnv(work) }
const installEnv = { ...npmEnv, npm_config_ignore_scripts: 'true' }

async function sh (cmd: string, args: string[], cwd: string, env: Record<string, string> = installEnv): Promise<string> {
  try {
    return (await run(cmd, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 })).stdout
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string }
    throw new Error(`${cmd} ${args.join(' ')} in ${cwd} failed:\n${e.stderr ?? ''}${e.stdout ?? ''}${e.message}`)
  }
}

/** The app's own `operator` bin, as `npx operator` runs it there. */
async function operator (app: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(join(app, 'node_modules/.bin/operator'), args, { cwd: app, env: { ...installEnv, ...env } })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

/** `npm start` in the app until the daemon listens; stopped (SIGTERM to npm's process group) at the end of `t`. */
async function npmStart (app: string, env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort()
  const child = spawn('npm', ['start'], { cwd: app, env: { ...installEnv, ...env, PORT: String(port), LOG_FORMAT: 'json' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  let out = ''
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    process.kill(-child.pid!, 'SIGTERM')
    await exited
  }
  await new Promise<void>((resolve, reject) => {
    const look = (c: Buffer): void => { out += c.toString(); if (/server listening|listening at/i.test(out)) resolve() }
    child.stdout!.on('data', look)
    child.stderr!.on('data', look)
    child.once('exit', (code) => { reject(new Error(`npm start exited ${String(code)}:\n${out}`)) })
  })
  return { url: `http://127.0.0.1:${port}`, child: Object.assign(child, { stopDaemon: stop }) }
}
async function stopDaemon (child: ChildProcess): Promise<void> {
  await (child as ChildProcess & { stopDaemon: () => Promise<void> }).stopDaemon()
}

// 1. Pack core and every first-party plugin (their prepack builds dist/), as a release would.
await sh('npm', ['pack', ...['core', ...FIRST_PARTY.map((p) => `plugins/${p}`)].map((p) => join(ROOT, p)), '--pack-destination', packed], ROOT, npmEnv)
const withNewRelic = existsSync(join(NEWRELIC, 'package.json'))
if (withNewRelic) await sh('npm', ['pack', NEWRELIC, '--pack-destination', packed], ROOT, npmEnv)
const coreTarball = join(packed, readdirSync(packed).find((f) => f.startsWith('operator-core-'))!)

let helloTarball = ''

t.test('operator plugins new: the scaffold installs core from its tarball, builds, passes its own tests and packs', async (t) => {
  const bin = join(ROOT, 'core/bin/operator.js')
  const made = await sh(process.execPath, [bin, 'plugins', 'new', 'hello', '--core', coreTarball], work)
  t.match(made, /^Created .*operator-plugin-hello: plugin 'hello'/)
  const dir = join(work, 'operator-plugin-hello')
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, Record<string, unknown>>
  t.same(manifest.peerDependencies, { '@operator/core': '^0.1.0' })
  t.same(manifest.operator, { pluginId: 'hello', api: 1, commands: ['hello'] })
  t.equal(manifest.devDependencies!['@operator/core'], `file:${coreTarball}`)
  await sh('npm', ['install'], dir)
  // Install scripts are off here, so the prepare script's build is run by name.
  await sh('npm', ['run', 'build'], dir)
  t.ok(existsSync(join(dir, 'dist/index.js')), 'dist/index.js built')
  const tested = await sh('npm', ['test'], dir)
  t.match(tested, /# \{ total: \d+, pass: \d+ \}/)
  t.notMatch(tested, /fail: \d/)
  await sh('npm', ['pack', '--pack-destination', packed], dir)
  helloTarball = join(packed, 'operator-plugin-hello-0.1.0.tgz')
  t.ok(existsSync(helloTarball), 'packed')
})

t.test('init, npm install from the tarballs, npm start; plugins add, disable and restart', async (t) => {
  const app = join(work, 'my-ops')
  const made = await sh(process.execPath, [join(ROOT, 'core/bin/operator.js'), 'init', 'my-ops', '--plugins', 'prometheus', '--from', packed], work)
  t.match(made, /^Created my-ops: package\.json \(@operator\/core 0\.1\.0, plugins commands-builtin, prometheus, interpreter\)/)
  await sh('npm', ['install'], app)
  // Every package resolved from the registry on 127.0.0.1; none was published there under our names.
  t.notOk(registry.requested.some((n) => n.startsWith('@operator/')), 'Operator\'s own packages came from the tarballs')

  const env = { PROMETHEUS_URL: 'http://127.0.0.1:9' }
  const first = await npmStart(app, env)
  t.teardown(() => stopDaemon(first.child))
  const help = await operator(app, ['exec', '--url', first.url, 'help'])
  t.equal(help.code, 0, help.stderr)
  t.match(help.stdout, /^Commands:\nhelp \[command\]/)
  t.match(help.stdout, /metrics/)
  const status = await operator(app, ['exec', '--url', first.url, 'status'])
  // At a glance: the faulty system first, the healthy ones counted.
  t.match(status.stdout, /^\d of \d not ok: (.*; )?prometheus DOWN unreachable/m)
  await stopDaemon(first.child)

  // A third-party plugin from its tarball: checked, installed, named in the config, enabled.
  const added = await operator(app, ['plugins', 'add', helloTarball])
  t.equal(added.code, 0, added.stderr)
  t.match(added.stdout, /^Added operator-plugin-hello@0\.1\.0 \(plugin 'hello', plugin API 1\), enabled in operator\.config\.json/)
  const extra: Record<string, string> = { HELLO_URL: 'http://127.0.0.1:9' }
  let fake: Awaited<ReturnType<typeof fakeNewRelic>> | undefined
  if (withNewRelic) {
    const tarball = join(packed, readdirSync(packed).find((f) => f.startsWith('operator-plugin-newrelic-'))!)
    const nr = await operator(app, ['plugins', 'add', tarball])
    t.equal(nr.code, 0, nr.stderr)
    fake = await fakeNewRelic({ apiKey: 'NRAK-install-test', accountId: 1234567 })
    t.teardown(() => fake!.close())
    fake.seedNrql('SELECT count(*) FROM Transaction', [{ count: 4242 }])
    Object.assign(extra, { NEW_RELIC_API_KEY: 'NRAK-install-test', NEW_RELIC_ACCOUNT_ID: '1234567', NEW_RELIC_URL: fake.url })
  }
  const config = readFileSync(join(app, 'operator.config.json'), 'utf8')
  t.match(config, /"package": "operator-plugin-hello",\n\s+"enabled": true/)

  const second = await npmStart(app, { ...env, ...extra })
  t.teardown(() => stopDaemon(second.child))
  const hello = await operator(app, ['exec', '--url', second.url, 'hello'])
  t.equal(hello.stdout + hello.stderr, 'hello unreachable (connection refused)\n', 'the added plugin answers through the daemon')
  if (withNewRelic) {
    // The plugin's own replies are its tests' business; here: the daemon routes to it and it asks NerdGraph.
    const checkout = await operator(app, ['exec', '--url', second.url, 'newrelic checkout'])
    t.match(checkout.stdout + checkout.stderr, /checkout/)
    t.notMatch(checkout.stdout + checkout.stderr, /Unknown command|needs the/)
    t.ok(fake!.nrqlCalls.some((c) => c.nrql.includes('checkout')), 'NerdGraph was asked about checkout')
    const metrics = await operator(app, ['exec', '--url', second.url, 'metrics newrelic SELECT count(*) FROM Transaction'])
    t.equal(metrics.code, 0, metrics.stderr)
    t.match(metrics.stdout, /4\.24k|4242/)
  } else {
    t.comment('third-party/operator-plugin-newrelic is not on this branch: the New Relic steps were not run')
  }
  await stopDaemon(second.child)

  // Disabled in the config file: after a restart its commands are gone, and they say why.
  const target = withNewRelic ? 'newrelic' : 'hello'
  const disabled = await operator(app, ['plugins', 'disable', target])
  t.equal(disabled.code, 0, disabled.stderr)
  t.equal(readFileSync(join(app, 'operator.config.json'), 'utf8'),
    config.replace(new RegExp(`("package": "operator-plugin-${target}",\\n\\s+"enabled": )true`), '$1false'), 'only its enabled flag changed')
  const third = await npmStart(app, { ...env, ...extra })
  t.teardown(() => stopDaemon(third.child))
  const gone = await operator(app, ['exec', '--url', third.url, withNewRelic ? 'newrelic checkout' : 'hello'])
  t.equal(gone.code, 1)
  t.match(gone.stdout + gone.stderr, new RegExp(`^${target} needs the ${target} plugin, which is disabled in operator\\.config\\.json`))
  const list = await operator(app, ['plugins'], { ...env, ...extra })
  t.match(list.stdout, new RegExp(`\\[off\\] operator-plugin-${target} - disabled in the config file`), list.stderr)
  await stopDaemon(third.child)

  // Removed: uninstalled and gone from the config file; a missing dependency is named, never "is it built?".
  const removed = await operator(app, ['plugins', 'remove', 'hello'])
  t.equal(removed.code, 0, removed.stderr)
  t.notOk(existsSync(join(app, 'node_modules/operator-plugin-hello')), 'uninstalled')
  t.notMatch(readFileSync(join(app, 'operator.config.json'), 'utf8'), /operator-plugin-hello/)
  rmSync(join(app, 'node_modules/fastify'), { recursive: true })
  const broken = await operator(app, ['exec', 'status'])
  t.equal(broken.code, 1)
  t.match(broken.stderr, /^operator: cannot load 'fastify': it is not installed where Operator runs; run npm install in the app directory \[OPR_ERR_DEPENDENCY_MISSING\]$/m)
  t.notMatch(broken.stderr, /built/)
})
