import t from 'tap'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, symlinkSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

// The third-party path end to end: a plugin living outside the workspaces, depending on core only as a peer, packed
// with `npm pack`, installed from its tarball into an application directory next to the core package, named in that
// directory's config, and run by the daemon there.
const run = promisify(execFile)
const CORE = fileURLToPath(new URL('..', import.meta.url))
const BIN = join(CORE, 'dist/cli/bin.js')
const FIXTURE = fileURLToPath(new URL('./fixtures/third-party-plugin', import.meta.url))
const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_FORMAT: 'json', npm_config_update_notifier: 'false' }

const work = mkdtempSync(join(tmpdir(), 'operator-3p-'))
t.teardown(() => rmSync(work, { recursive: true, force: true }))
const app = join(work, 'app')
mkdirSync(app)

await run('npm', ['pack', FIXTURE, '--pack-destination', work, '--silent'], { env })
const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'))!
writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'ops-app', private: true }))
// --legacy-peer-deps: the peer (@operator/core) is provided by the link below, not fetched.
await run('npm', ['install', join(work, tarball), '--offline', '--no-audit', '--no-fund', '--legacy-peer-deps', '--ignore-scripts'], { cwd: app, env })
mkdirSync(join(app, 'node_modules/@operator'), { recursive: true })
symlinkSync(CORE, join(app, 'node_modules/@operator/core'), 'dir')

async function operator (args: string[], config: unknown, extra: Record<string, string> = {}) {
  writeFileSync(join(app, 'operator.config.json'), JSON.stringify(config))
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd: app, env: { ...env, ...extra } })
    return { code: 0, stdout, stderr }
  } catch (err) {
    return err as { code: number; stdout: string; stderr: string }
  }
}

t.test('the packed plugin, named in config, answers its command and its health check', async (t) => {
  const config = { plugins: [{ package: 'operator-plugin-hello', config: { greeting: 'Morning' } }] }
  const hello = await operator(['exec', 'hello Sam'], config)
  t.equal(hello.code, 0, hello.stderr)
  t.equal(hello.stdout, 'Morning, Sam! (third-party plugin)\n')
  t.equal((await operator(['exec', 'HI'], config)).stdout, 'Morning, on-call! (third-party plugin)\n', 'alias')
  t.match((await operator(['exec', 'health hello'], config)).stdout, /^hello ok greeting ready/)
  const plugins = await operator(['plugins'], config)
  t.match(plugins.stdout, /\[on\] +operator-plugin-hello@1\.2\.3 - named in the config file\n +name: hello; commands: hello; health checks: hello/)
})

t.test('its config is validated from the environment mapping too', async (t) => {
  const missing = await operator(['config', 'check'], { plugins: ['operator-plugin-hello'] })
  t.equal(missing.code, 1)
  t.match(missing.stderr, /Plugin 'hello' config key 'greeting' is required \(set HELLO_GREETING\) \[OPR_ERR_PLUGIN_CONFIG\]/)
  const fromEnv = await operator(['exec', 'hello'], { plugins: ['operator-plugin-hello'] }, { HELLO_GREETING: 'Evening' })
  t.equal(fromEnv.stdout, 'Evening, on-call! (third-party plugin)\n')
})

t.test('the same plugin with enabled: false contributes nothing', async (t) => {
  const config = { plugins: [{ package: 'operator-plugin-hello', enabled: false }] }
  const hello = await operator(['exec', 'hello Sam'], config)
  t.equal(hello.code, 1)
  t.match(hello.stderr, /^Unknown command 'hello'/)
  t.match((await operator(['exec', 'health hello'], config)).stderr, /Unknown system 'hello'/)
  t.match((await operator(['plugins'], config)).stdout, /\[off\] operator-plugin-hello - disabled in the config file/)
})
