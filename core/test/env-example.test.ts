import t from 'tap'
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildApp } from '../src/app.js'

// The real file, read by the daemon exactly as a user's copy would be: `.env` in the working directory.
const EXAMPLE = fileURLToPath(new URL('../../.env.example', import.meta.url))
const example = readFileSync(EXAMPLE, 'utf8')

// Nothing from the developer's shell decides what these tests see: drop every variable the file mentions.
const NAMES = [...example.matchAll(/^#? ?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!)
for (const name of NAMES) delete process.env[name]

/** The README's curl example, `curl -s -X POST http://127.0.0.1:5000/sms -d From=+15550000000 -d Body=help`. */
async function curlHelp (dotenv: string | undefined): Promise<{ status: number; type: string | undefined; body: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'operator-env-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  if (dotenv !== undefined) writeFileSync(join(dir, '.env'), dotenv)
  const app = await buildApp({ cwd: dir })
  try {
    await app.ready()
    const res = await app.inject({
      method: 'POST', url: '/sms', remoteAddress: '127.0.0.1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'From=+15550000000&Body=help'
    })
    return { status: res.statusCode, type: res.headers['content-type'] as string | undefined, body: res.body }
  } finally {
    await app.close()
  }
}

t.test('every setting in .env.example is commented out, so the names are documented but none is set', async (t) => {
  t.ok(NAMES.length > 50, 'the file documents the variables')
  t.same(example.split('\n').filter((l) => /^\s*[A-Za-z_][A-Za-z0-9_]*\s*=/.test(l)), [], 'no live NAME=value line')
})

t.test('cp .env.example .env changes nothing: the README curl gets the help text, as with no .env at all', async (t) => {
  const before = { ...process.env }
  const none = await curlHelp(undefined)
  t.equal(none.status, 200)
  t.match(none.body, /^<\?xml[^>]*>\s*<Response><Message>[^<]*\bhelp\b[^<]*<\/Message><\/Response>$/, 'the help text')

  const dir = mkdtempSync(join(tmpdir(), 'operator-env-copy-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  copyFileSync(EXAMPLE, join(dir, '.env'))
  const copied = await curlHelp(readFileSync(join(dir, '.env'), 'utf8'))
  t.same(copied, none, 'the same status, content type and reply')
  t.same(process.env, before, 'reading the copy set no variable')
})

t.test('uncommenting a line is what changes the daemon (the example AUTHORIZED_NUMBERS shuts out the curl sender)', async (t) => {
  const edited = example.replace(/^# (AUTHORIZED_NUMBERS=.*)$/m, '$1')
  t.not(edited, example)
  const reply = await curlHelp(edited)
  t.equal(reply.status, 200)
  t.notMatch(reply.body, /<Message>/, 'an unknown sender gets no reply text')
  delete process.env.AUTHORIZED_NUMBERS
})

t.test('the values shown are the defaults: uncommenting every one of them (not the examples) still changes nothing', async (t) => {
  const EXAMPLES = new Set(['PUBLIC_URL', 'TWILIO_ACCOUNT_SID', 'TWILIO_FROM_NUMBER', 'AUTHORIZED_NUMBERS'])
  const uncommented = example.replace(/^# ([A-Z][A-Z0-9_]*)=(.+)$/gm, (line, name: string) => EXAMPLES.has(name) ? line : line.slice(2))
  const set = uncommented.split('\n').filter((l) => /^[A-Z]/.test(l)).length
  t.ok(set > 30, `${set} defaults uncommented`)
  const none = await curlHelp(undefined)
  const withDefaults = await curlHelp(uncommented)
  for (const name of NAMES) delete process.env[name]
  t.same(withDefaults, none)
})
