// Start-up loads only what answering a message needs: with every first-party plugin enabled, a daemon that is ready
// and has answered `help` over the webhook has not loaded any backend SDK, HTTP client, Redis client or the Twilio
// REST client. Each comes with its first use (a command that talks to a backend, an outbound text).
import t, { type Test } from 'tap'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from '@operator/test-support'
import { BIN, httpOnce, productionEnv, webhookRequest } from './fixtures/reliability-daemon.js'

const RECORDER = fileURLToPath(new URL('./fixtures/record-modules.mjs', import.meta.url))
const COMPILES = fileURLToPath(new URL('./fixtures/record-ajv-compiles.mjs', import.meta.url))

const DEAD = 'http://127.0.0.1:9'

/**
 * Every first-party plugin enabled, each backend at a dead loopback port; the AWS drivers, which bring the heaviest
 * SDKs, for logs and gateway. Static AWS credentials keep the SDK off the network's credential chain.
 */
const ALL_PLUGINS_ENV = {
  PROMETHEUS_URL: DEAD,
  DATADOG_API_KEY: 'test-api-key',
  DATADOG_APP_KEY: 'test-app-key',
  LOGS_TYPE: 'cloudwatch',
  LOGS_URL: DEAD,
  LOGS_GROUPS: '/aws/lambda/checkout',
  LOGS_REGION: 'us-east-1',
  DB_TYPE: 'postgres',
  DB_URL: 'postgres://operator@127.0.0.1:9/app',
  GATEWAY_TYPE: 'aws',
  GATEWAY_URL: DEAD,
  GATEWAY_AWS_REGION: 'us-east-1',
  GATEWAY_AWS_API_NAME: 'shop',
  GATEWAY_AWS_STAGE: 'prod',
  AWS_ACCESS_KEY_ID: 'AKIDTEST',
  AWS_SECRET_ACCESS_KEY: 'test-secret',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true'
}

/** The packages that must wait for their first use, by the directory they load from. */
const LAZY = ['twilio', 'undici', 'pg', '@aws-sdk/client-cloudwatch', '@aws-sdk/client-cloudwatch-logs', 'pino-pretty']

function loaded (modules: readonly string[], pkg: string): boolean {
  return modules.some((m) => m.includes(`/node_modules/${pkg}/`))
}

/** Starts `operator start` under the recorder, runs `texts` over the webhook, stops it; returns the modules loaded. */
async function modulesAfter (t: Test, texts: readonly string[], cacheDir?: string): Promise<{ modules: string[], replies: string[], plugins: number, compiles: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'operator-footprint-'))
  t.teardown(() => { rmSync(dir, { recursive: true, force: true }) })
  const file = join(dir, 'modules.txt')
  const compiles = join(dir, 'compiles.txt')
  writeFileSync(compiles, '')
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', RECORDER, '--import', COMPILES, BIN, 'start'], {
    cwd: dir,
    env: {
      ...productionEnv(port), LOG_LEVEL: 'warn', RECORD_MODULES_FILE: file, RECORD_AJV_FILE: compiles, ...ALL_PLUGINS_ENV,
      ...(cacheDir === undefined ? {} : { OPERATOR_CACHE_DIR: cacheDir })
    },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  child.stdout.on('data', (d: Buffer) => { out += d.toString() })
  child.stderr.on('data', (d: Buffer) => { out += d.toString() })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => { resolve(code) }))
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
  })

  let plugins = 0
  const deadline = Date.now() + 20_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`operator start exited ${child.exitCode}:\n${out}`)
    const r = await httpOnce(port, 'GET', '/readyz').catch(() => undefined)
    if (r?.status === 200) {
      plugins = (JSON.parse(r.body) as { plugins: number }).plugins
      break
    }
    if (Date.now() > deadline) throw new Error(`operator start not ready within 20 s:\n${out}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const replies: string[] = []
  for (const text of texts) {
    const req = webhookRequest(text)
    replies.push((await httpOnce(port, 'POST', '/sms', req.payload, req.headers)).body)
  }
  child.kill('SIGTERM')
  t.equal(await exited, 0, 'the daemon stops cleanly')
  const lines = (f: string): string[] => readFileSync(f, 'utf8').split('\n').filter((l) => l !== '')
  return { modules: lines(file), replies, plugins, compiles: lines(compiles) }
}

t.test('ready with every first-party plugin and `help` answered: no backend SDK, HTTP client or Twilio client loaded', async (t) => {
  const { modules, replies, plugins } = await modulesAfter(t, ['help'])
  t.equal(plugins, 7, 'the built-ins, the interpreter and the five first-party monitor plugins are enabled')
  t.match(replies[0], /<Response><Message>[^<]*metrics/, '`help` was answered (and lists a plugin command)')
  t.ok(loaded(modules, 'fastify'), 'the recorder saw the modules the daemon loaded')
  for (const pkg of LAZY) t.notOk(loaded(modules, pkg), `${pkg} is not loaded`)
  t.notOk(loaded(modules, 'ioredis'), 'ioredis is not loaded with the memory store')
})

t.test('each lazy package comes with the first command that needs it', async (t) => {
  // The backends are dead ports, so each command answers with a one-line error; loading is what is checked here.
  const { modules, replies } = await modulesAfter(t, ['metrics up', 'db', 'gateway', 'logs timeout'])
  t.equal(replies.length, 4)
  for (const reply of replies) t.match(reply, /<Response><Message>/, 'each command is answered')
  t.ok(loaded(modules, 'undici'), 'undici, with the first request to Prometheus')
  t.ok(loaded(modules, 'pg'), 'pg, with the first query')
  t.ok(loaded(modules, '@aws-sdk/client-cloudwatch'), 'the CloudWatch SDK, with the first gateway read')
  t.ok(loaded(modules, '@aws-sdk/client-cloudwatch-logs'), 'the CloudWatch Logs SDK, with the first log search')
  t.notOk(loaded(modules, 'twilio'), 'twilio still waits for an outbound text')
})

t.test('a second start with a warm validator cache compiles no schema: each validator loads from the cache', async (t) => {
  // Fastify loads the Ajv module itself (for route schemas); what the cache saves is the compiling of core's and the
  // plugins' config schemas, and the generating of their code.
  const cache = mkdtempSync(join(tmpdir(), 'operator-footprint-cache-'))
  t.teardown(() => { rmSync(cache, { recursive: true, force: true }) })
  const fromCache = (modules: readonly string[]): string[] => modules.filter((m) => m.startsWith(cache))
  const cold = await modulesAfter(t, ['help'], cache)
  t.ok(cold.compiles.length >= 8, 'the first start compiles the config schemas (environment, file, sms, 5 plugins)')
  t.same(fromCache(cold.modules), [], 'and loads nothing from the cache')
  const warm = await modulesAfter(t, ['help'], cache)
  t.match(warm.replies[0], /<Response><Message>[^<]*metrics/, '`help` is answered')
  t.same(warm.compiles, [], 'the second start compiles no schema')
  t.equal(fromCache(warm.modules).length, cold.compiles.length, 'it loads one cached validator per schema')
})
