import t from 'tap'
import type { InjectOptions } from 'fastify'
import { buildApp } from '../src/app.js'
import { ADMIN, PUBLIC_URL, sign, TOKEN } from './fixtures/reliability-daemon.js'

const COUNT = 3000
const SEED = 0x5eed_0008

/** mulberry32: a small seeded PRNG, so a failure reproduces with the same seed. */
function prng (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let x = Math.imul(a ^ (a >>> 15), 1 | a)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

const rand = prng(SEED)
const int = (n: number): number => Math.floor(rand() * n)
function pick<T> (items: readonly T[]): T { return items[int(items.length)]! }

const ALPHABET = 'abcXYZ019 +-_.~%&=;:/?#@!$\'"<>\\\n\r\t\u0000é€😀\u202e\ud800'
function randomString (max: number): string {
  let s = ''
  const n = int(max)
  for (let i = 0; i < n; i++) s += ALPHABET[int(ALPHABET.length)]
  return s
}

/** A well-formed MessageSid (a signed webhook without one is refused), most of the time; noise otherwise. */
function messageSid (): string {
  let s = 'SM'
  for (let i = 0; i < 32; i++) s += '0123456789abcdef'[int(16)]
  return s
}

const METHODS = ['POST', 'POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'] as const
const PATHS = ['/sms', '/sms', '/sms', '/sms', '/sms', '/sms/', '/SMS', '/sms?x=1&x=2', '/sms#frag', '/%', '/..%2f..%2fetc',
  '/healthz', '/readyz', '/', '/sms/../sms', '//sms', '/sms%00', '/' + 'a'.repeat(5000)]
const CONTENT_TYPES = ['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8',
  'application/x-www-form-urlencoded; charset=latin1', 'APPLICATION/X-WWW-FORM-URLENCODED', 'application/json', 'text/plain',
  'multipart/form-data; boundary=xyz', 'application/xml', '', 'garbage', 'application/x-www-form-urlencoded;;;']
const FIELDS = ['From', 'Body', 'To', 'MessageSid', 'SmsSid', 'AccountSid', 'NumMedia', 'From', 'Body', '__proto__', 'constructor', 'toString']
const FROMS = [ADMIN, ADMIN, '+14155550199', '14155550100', '+1 (415) 555-0100', 'whatsapp:+14155550100', '', 'not a number', '+' + '9'.repeat(40)]
const BODIES = ['help', 'status', 'health', 'more', 'HELP', ' help ', 'health nosuch', 'help help help', '', 'x'.repeat(1601), '😀'.repeat(900)]

type Fields = Array<[string, string]>

function randomFields (): Fields {
  const fields: Fields = []
  const n = int(8)
  for (let i = 0; i < n; i++) {
    const name = rand() < 0.8 ? pick(FIELDS) : randomString(12)
    const value = name === 'From' && rand() < 0.7 ? pick(FROMS) : name === 'Body' && rand() < 0.7 ? pick(BODIES) : randomString(rand() < 0.05 ? 3000 : 40)
    fields.push([name, value])
  }
  return fields
}

function encode (fields: Fields): string {
  const body = new URLSearchParams(fields).toString()
  switch (int(8)) {
    case 0: return body.replace(/%[0-9A-F]{2}/, '%E0%A4%A') // a truncated percent escape
    case 1: return body + '&&=&a&=b&%zz'
    case 2: return body.replace(/\+/g, ' ')
    default: return body
  }
}

function signatureFor (fields: Fields, forge: number): string | undefined {
  const params: Record<string, string> = {}
  for (const [k, v] of fields) params[k] = v // a repeated field keeps the last value: a signature the server rejects
  switch (forge) {
    case 0: return undefined
    case 1: return sign(params)
    case 2: return sign(params, 'https://evil.example.com/sms')
    case 3: return Buffer.from(randomString(20)).toString('base64')
    case 4: return randomString(90)
    case 5: return ''
    default: return sign({ ...params, Body: 'status' }) // signed for a different body
  }
}

function generate (): InjectOptions {
  // Mostly POST /sms, where the work is; the rest probes other methods and paths.
  const method = rand() < 0.8 ? 'POST' : pick(METHODS)
  const url = rand() < 0.8 ? '/sms' : pick(PATHS)
  const headers: Record<string, string> = {}
  const ct = rand() < 0.75 ? 'application/x-www-form-urlencoded' : pick(CONTENT_TYPES)
  if (ct !== '') headers['content-type'] = ct
  let payload: string | Buffer | undefined
  const shape = int(20)
  if (shape === 0) payload = ''
  else if (shape === 1) payload = 'From=' + 'A'.repeat(70 * 1024) // over the 64 KiB body limit
  else if (shape === 2) payload = Buffer.from(Array.from({ length: int(2000) }, () => int(256)))
  else if (shape === 3) payload = JSON.stringify({ From: ADMIN, Body: 'help' })
  else if (shape === 4) payload = undefined
  else {
    // A third are Twilio-shaped (From, Body, MessageSid, then noise), the rest random fields.
    const fields: Fields = rand() < 0.35
      ? [['From', pick(FROMS)], ['Body', pick(BODIES)], ['MessageSid', rand() < 0.8 ? messageSid() : 'SM' + randomString(32)], ...randomFields().slice(0, int(3))]
      : randomFields()
    payload = encode(fields)
    const signature = signatureFor(fields, rand() < 0.4 ? 1 : int(7))
    if (signature !== undefined) headers['x-twilio-signature'] = signature
  }
  if (rand() < 0.05) headers['x-forwarded-for'] = '203.0.113.7'
  if (rand() < 0.03) headers['content-encoding'] = pick(['gzip', 'br', 'identity', 'bogus'])
  const options: InjectOptions = { method, url, headers }
  if (payload !== undefined && method !== 'GET' && method !== 'HEAD') options.payload = payload
  return options
}

function signedHelp (): InjectOptions {
  const params = { AccountSid: 'AC' + '0'.repeat(32), MessageSid: 'SM' + 'f'.repeat(32), From: ADMIN, To: '+14155559999', Body: 'help' }
  return {
    method: 'POST',
    url: '/sms',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sign(params) },
    payload: new URLSearchParams(params).toString()
  }
}

t.test(`${COUNT} fuzzed webhook requests (seed ${SEED}): no 5xx, and a correctly signed help still answers afterwards`, async (t) => {
  const app = await buildApp({
    env: {
      NODE_ENV: 'production',
      TWILIO_AUTH_TOKEN: TOKEN,
      PUBLIC_URL,
      AUTHORIZED_NUMBERS: `${ADMIN}:admin`,
      SMS_RATE_LIMIT_PER_SENDER: '1000000',
      SMS_RATE_LIMIT_GLOBAL: '1000000',
      STATE_STORE: 'memory',
      HEALTH_DEADLINE_MS: '500',
      COMMAND_DEADLINE_MS: '2000'
    },
    config: { plugins: [] },
    logger: false
  })
  t.teardown(() => app.close())
  await app.ready()

  const byStatus = new Map<number, number>()
  const serverErrors: string[] = []
  for (let i = 0; i < COUNT; i++) {
    const request = generate()
    const res = await app.inject(request)
    byStatus.set(res.statusCode, (byStatus.get(res.statusCode) ?? 0) + 1)
    if (res.statusCode >= 500 && serverErrors.length < 5) {
      serverErrors.push(`#${i} ${request.method ?? ''} ${request.url as string} -> ${res.statusCode} ${res.body.slice(0, 200)}`)
    }
  }
  const summary = [...byStatus.entries()].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}:${n}`).join(' ')
  t.same(serverErrors, [], `no request got a 5xx (statuses: ${summary})`)
  t.ok((byStatus.get(403) ?? 0) > 100, 'forged and unsigned requests were refused with 403')
  t.ok((byStatus.get(200) ?? 0) > 10, 'some generated requests were valid signed webhooks and were answered')

  const after = await app.inject(signedHelp())
  t.equal(after.statusCode, 200)
  t.match(after.headers['content-type'], /^text\/xml/)
  t.match(after.body, /<Response><Message>Commands:\n/, 'the help reply is intact')
})
