import t, { type Test } from 'tap'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { AddressInfo } from 'node:net'
import { createServer } from 'node:http'
import { freePort, listen } from '@operator/test-support'
import { buildApp } from '../src/app.js'
import { definePlugin } from '../src/plugins/contract.js'
import { execProof, EXEC_PATH, PROOF_HEADER, TIMESTAMP_HEADER } from '../src/local-exec/proof.js'
import { parseExecArgs } from '../src/cli/exec.js'

const BIN = fileURLToPath(new URL('../dist/cli/bin.js', import.meta.url))
const run = promisify(execFile)
const TOKEN = 'exec-test-auth-token-0123456789'
const LONG = Array.from({ length: 40 }, (_, i) => `line ${String(i + 1).padStart(2, '0')} ${'x'.repeat(20)}`).join('\n')

/**
 * A daemon in this process, listening on an ephemeral loopback port, with a status line only it has (DEGRADED, so
 * that `status`, which counts the systems that are ok, shows its words).
 */
async function daemon (t: Test, env: Record<string, string> = {}) {
  let ran = 0
  const marker = definePlugin({
    name: 'marker',
    register (op) {
      op.statusLine({ system: 'daemon', line: () => ({ status: 'degraded', text: `pid ${process.pid}` }) })
      op.command({ name: 'long', summary: 'a long reply', run: () => { ran++; return LONG } })
    }
  })
  const logs: string[] = []
  const dir = mkdtempSync(join(tmpdir(), 'operator-daemon-'))
  const app = await buildApp({
    cwd: dir, env, plugins: [{ plugin: marker }],
    logger: { level: 'debug', stream: { write: (l: string) => { logs.push(l) } } }
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(async () => { await app.close(); rmSync(dir, { recursive: true, force: true }) })
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  return { app, url, logs, ran: () => ran }
}

/** The CLI as a separate process, in a directory of its own, with a clean environment. */
async function operator (args: string[], env: Record<string, string> = {}, dotenv?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const cwd = mkdtempSync(join(tmpdir(), 'operator-cli-'))
  t.teardown(() => rmSync(cwd, { recursive: true, force: true }))
  if (dotenv !== undefined) writeFileSync(join(cwd, '.env'), dotenv)
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env } })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

t.test('exec --url "status" answers from the daemon, not from the CLI process', async (t) => {
  const d = await daemon(t)
  const remote = await operator(['exec', '--url', d.url, 'status'])
  t.equal(remote.code, 0)
  t.match(remote.stdout, new RegExp(`(: |; )daemon DEGRADED pid ${process.pid}[.;]`), "the daemon's own line, with the daemon's pid")
  t.match(remote.stdout, / of \d not ok: /)
  const local = await operator(['exec', 'status'])
  t.equal(local.code, 0)
  t.notMatch(local.stdout, /daemon/, 'in-process exec has its own registry: no daemon line')
  const viaEnv = await operator(['exec', 'status'], { OPERATOR_URL: d.url })
  t.match(viaEnv.stdout, new RegExp(`daemon DEGRADED pid ${process.pid}[.;]`), 'OPERATOR_URL does the same')
})

t.test('more carries over between two exec --url calls (the console keeps one identity)', async (t) => {
  const d = await daemon(t, { SMS_MAX_SEGMENTS: '2' })
  const first = await operator(['exec', `--url=${d.url}`, 'long'])
  t.equal(first.code, 0)
  t.match(first.stdout, /^line 01 /)
  const last = /^line (\d\d) /gm
  const shown = [...first.stdout.matchAll(last)].map((m) => Number(m[1]))
  t.match(first.stdout, /\(1\/\d\) MORE\n$/)
  const second = await operator(['exec', '--url', d.url, 'more'])
  t.equal(second.code, 0)
  const next = [...second.stdout.matchAll(last)].map((m) => Number(m[1]))
  t.ok(next.length > 0 && next[0]! > shown[shown.length - 1]!, `page 2 continues after line ${shown[shown.length - 1]}`)
  t.equal(d.ran(), 1, 'more did not run the command again')
})

t.test('a request that is not from a local process is refused and runs nothing', async (t) => {
  const d = await daemon(t)
  const post = async (remoteAddress: string, headers: Record<string, string> = {}) => await d.app.inject({
    method: 'POST', url: EXEC_PATH, remoteAddress, headers: { 'content-type': 'application/json', host: '127.0.0.1:5000', ...headers }, payload: '{"text":"long"}'
  })
  for (const [what, res] of [
    ['another address', await post('10.0.0.7')],
    ['a forwarded request', await post('127.0.0.1', { 'x-forwarded-for': '203.0.113.9' })],
    ['a Forwarded header', await post('127.0.0.1', { forwarded: 'for=203.0.113.9' })],
    ['a browser (Origin)', await post('127.0.0.1', { origin: 'http://evil.example' })],
    ['another Host name (DNS rebinding)', await post('127.0.0.1', { host: 'evil.example:5000' })]
  ] as const) {
    t.equal(res.statusCode, 403, what)
    t.equal(res.json().code, 'OPR_ERR_EXEC_NOT_LOCAL', what)
  }
  t.equal(d.ran(), 0)
  const ok = await post('::ffff:127.0.0.1')
  t.equal(ok.statusCode, 200, 'IPv4-mapped loopback is loopback')
  t.equal(ok.json().outcome, 'answered')
})

t.test('with TWILIO_AUTH_TOKEN set, the caller must prove it knows the token', async (t) => {
  const d = await daemon(t, { TWILIO_AUTH_TOKEN: TOKEN })
  const same = await operator(['exec', '--url', d.url, 'status'], { TWILIO_AUTH_TOKEN: TOKEN })
  t.equal(same.code, 0, 'the same token in the environment')
  t.match(same.stdout, new RegExp(`daemon DEGRADED pid ${process.pid}[.;]`))
  const fromDotenv = await operator(['exec', '--url', d.url, 'status'], {}, `TWILIO_AUTH_TOKEN=${TOKEN}\n`)
  t.equal(fromDotenv.code, 0, 'the same token in .env, as the daemon would read it')

  const missing = await operator(['exec', '--url', d.url, 'long'])
  t.equal(missing.code, 1)
  t.match(missing.stderr, /^operator: http:\/\/127\.0\.0\.1:\d+ refused: operator exec over HTTP needs proof of the daemon's TWILIO_AUTH_TOKEN: the request carries no proof .* \[OPR_ERR_EXEC_PROOF\]\n$/)
  const wrong = await operator(['exec', '--url', d.url, 'long'], { TWILIO_AUTH_TOKEN: 'not-the-token' })
  t.equal(wrong.code, 1)
  t.match(wrong.stderr, /the proof does not match.*\[OPR_ERR_EXEC_PROOF\]\n$/)

  const body = '{"text":"long"}'
  const post = async (headers: Record<string, string>, payload = body) => await d.app.inject({
    method: 'POST', url: EXEC_PATH, headers: { 'content-type': 'application/json', host: '127.0.0.1', ...headers }, payload
  })
  const now = String(Date.now())
  const stale = String(Date.now() - 10 * 60_000)
  t.equal((await post({ [TIMESTAMP_HEADER]: stale, [PROOF_HEADER]: execProof(TOKEN, stale, body) })).statusCode, 401, 'a stale timestamp')
  t.equal((await post({ [TIMESTAMP_HEADER]: now, [PROOF_HEADER]: execProof(TOKEN, now, body) }, '{"text":"status"}')).statusCode, 401, 'a proof of another body')
  t.equal((await post({ [TIMESTAMP_HEADER]: now, [PROOF_HEADER]: 'abc' })).statusCode, 401, 'a malformed proof')
  t.equal(d.ran(), 0, 'nothing ran')
  const good = await post({ [TIMESTAMP_HEADER]: now, [PROOF_HEADER]: execProof(TOKEN, now, body) })
  t.equal(good.statusCode, 200)
  t.equal(d.ran(), 1)
  t.notOk(d.logs.some((l) => l.includes(TOKEN)), 'the token is never logged')
  t.notOk(d.logs.some((l) => l.includes(execProof(TOKEN, now, body))), 'nor the proof')
})

t.test('bad bodies get a 400 with what is expected', async (t) => {
  const d = await daemon(t)
  const post = async (payload: string) => (await d.app.inject({ method: 'POST', url: EXEC_PATH, headers: { 'content-type': 'application/json' }, payload })).json()
  t.match(await post('not json'), { code: 'OPR_ERR_EXEC_BODY', error: /not JSON/ })
  t.match(await post('{"text":5}'), { code: 'OPR_ERR_EXEC_BODY', error: /missing or not a string/ })
  t.match(await post(JSON.stringify({ text: 'x'.repeat(1601) })), { code: 'OPR_ERR_EXEC_BODY', error: /longer than 1600/ })
})

t.test('no daemon at the URL, a bad URL, or something else there: one line and a non-zero exit', async (t) => {
  const closed = `http://127.0.0.1:${await freePort()}`
  const none = await operator(['exec', '--url', closed, 'status'])
  t.equal(none.code, 1)
  t.equal(none.stderr, `operator: No Operator daemon answering at ${closed} (connection refused); start one with 'operator start', or leave out --url to run the command in this process [OPR_ERR_EXEC_UNREACHABLE]\n`)
  const bad = await operator(['exec', '--url', 'ftp://x', 'status'])
  t.equal(bad.code, 2)
  t.equal(bad.stderr, "operator: --url must be an http(s) URL like http://127.0.0.1:5000, got 'ftp://x' [OPR_ERR_EXEC_URL]\n")
  const other = await listen(createServer((_req, res) => { res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>nope</h1>') }))
  t.teardown(() => other.close())
  const elsewhere = await operator(['exec', '--url', other.url, 'status'])
  t.equal(elsewhere.code, 1)
  t.equal(elsewhere.stderr, `operator: ${other.url} answered HTTP 404, not as an Operator daemon with /operator/exec (is it one, and as new as this CLI?)\n`)
})

t.test('parseExecArgs: --url only before the text, OPERATOR_URL as the default, -- ends options', async (t) => {
  t.same(parseExecArgs(['status'], {}), { text: 'status', url: undefined })
  t.same(parseExecArgs(['--url', 'http://a', 'health', 'db'], {}), { text: 'health db', url: 'http://a' })
  t.same(parseExecArgs(['--url=http://b', 'status'], { OPERATOR_URL: 'http://a' }), { text: 'status', url: 'http://b' })
  t.same(parseExecArgs(['status'], { OPERATOR_URL: 'http://a' }), { text: 'status', url: 'http://a' })
  t.same(parseExecArgs(['--', '--url', 'x'], {}), { text: '--url x', url: undefined })
  t.same(parseExecArgs(['--url'], {}), { text: '', url: '' })
})
