// Item 8 of issue 12: accept exactly the signatures `twilio.validateRequest` accepts for the configured PUBLIC_URL.
// The oracle's verdict is computed here for every case and compared with what the real HTTP webhook does.
import t, { type Test } from 'tap'
import { createHmac } from 'node:crypto'
import { request } from 'node:http'
import { stringify as stringifyQuery, parse as parseQuery } from 'node:querystring'
import twilio from 'twilio'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../src/app.js'
import { definePlugin } from '../src/plugins/contract.js'
import { TwilioSignatureVerifier } from '../src/channels/sms/signature.js'

const { validateRequest, getExpectedTwilioSignature } = twilio
const TOKEN = 'vectors-token-5f3a9c'
const ADMIN = '+14155550100'

type Fields = Record<string, string | string[]>

/** validateRequest's verdict; it throws on a URL WHATWG cannot parse, which is a refusal too. */
function oracle (signature: string | undefined, url: string, fields: Fields): boolean {
  try {
    return validateRequest(TOKEN, signature as string, url, fields)
  } catch {
    return false
  }
}

let sidSeq = 0
function smsFields (extra: Fields = {}): Fields {
  const sid = 'SM' + (++sidSeq).toString(16).padStart(32, '0')
  return { AccountSid: 'AC' + '1'.repeat(32), MessageSid: sid, SmsSid: sid, From: ADMIN, To: '+14155559999', Body: 'ping', NumMedia: '0', ...extra }
}

/** Signs the way a client that does not merge repeated values would: every occurrence, sorted. */
function signEveryOccurrence (url: string, fields: Fields): string {
  let data = url
  for (const name of Object.keys(fields).sort()) {
    const v = fields[name]!
    for (const one of (Array.isArray(v) ? [...v] : [v]).sort()) data += name + one
  }
  return createHmac('sha1', TOKEN).update(data).digest('base64')
}

function form (fields: Fields): string {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) p.append(k, one)
  return p.toString()
}

interface Vector {
  readonly name: string
  /** PUBLIC_URL as configured. */
  readonly configured: string
  /** The request's path and query exactly as sent (it must reach POST /sms). */
  readonly path: string
  /** The URL the signature was made for; undefined: no signature header at all. */
  readonly signedFor: string | undefined
  /** What validateRequest says, written down so the table reads as a specification (the test also asks it). */
  readonly expect: 'accept' | 'refuse'
  readonly fields?: Fields
  readonly sign?: (url: string, fields: Fields) => string
}

const H = 'hooks.example.org'
const Q = '/sms?site=north&shift=2'
// In our own values: one row per kind of case in twilio-node's webhook tests (spec/validation.spec.js and
// spec/unit/webhooks/webhooks.spec.js), plus the neighbours each implies.
const VECTORS: Vector[] = [
  { name: 'the exact URL with its query', configured: `https://${H}`, path: Q, signedFor: `https://${H}${Q}`, expect: 'accept' },
  { name: 'a signature made with another token', configured: `https://${H}`, path: Q, signedFor: `https://${H}${Q}`, expect: 'refuse', sign: (u, f) => getExpectedTwilioSignature('other-token', u, f) },
  { name: 'no signature header', configured: `https://${H}`, path: Q, signedFor: undefined, expect: 'refuse' },
  { name: 'a query value other than the one signed', configured: `https://${H}`, path: Q, signedFor: `https://${H}/sms?site=north&shift=3`, expect: 'refuse' },
  { name: 'a query parameter the signature does not cover', configured: `https://${H}`, path: `${Q}&extra=1`, signedFor: `https://${H}${Q}`, expect: 'refuse' },
  { name: 'signed with :443, configured with :443', configured: `https://${H}:443`, path: Q, signedFor: `https://${H}:443${Q}`, expect: 'accept' },
  { name: 'signed without a port, configured with :443', configured: `https://${H}:443`, path: Q, signedFor: `https://${H}${Q}`, expect: 'accept' },
  { name: 'signed with :443, configured without a port', configured: `https://${H}`, path: Q, signedFor: `https://${H}:443${Q}`, expect: 'accept' },
  { name: 'http signed with :80, configured without a port', configured: `http://${H}`, path: Q, signedFor: `http://${H}:80${Q}`, expect: 'accept' },
  { name: 'http signed without a port, configured with :80', configured: `http://${H}:80`, path: Q, signedFor: `http://${H}${Q}`, expect: 'accept' },
  { name: 'http signed with :443 (not its default)', configured: `http://${H}`, path: Q, signedFor: `http://${H}:443${Q}`, expect: 'refuse' },
  { name: 'a non-default port configured and signed', configured: `https://${H}:8443`, path: Q, signedFor: `https://${H}:8443${Q}`, expect: 'accept' },
  { name: 'a non-default port configured, signed without it', configured: `https://${H}:8443`, path: Q, signedFor: `https://${H}${Q}`, expect: 'accept' },
  { name: 'http with a non-default port configured and signed', configured: `http://${H}:8080`, path: Q, signedFor: `http://${H}:8080${Q}`, expect: 'accept' },
  { name: 'signed with a port the configured URL lacks', configured: `https://${H}`, path: Q, signedFor: `https://${H}:8443${Q}`, expect: 'refuse' },
  { name: 'signed for http, configured https', configured: `https://${H}`, path: Q, signedFor: `http://${H}${Q}`, expect: 'refuse' },
  { name: 'signed for another host', configured: `https://${H}`, path: Q, signedFor: `https://evil.example.org${Q}`, expect: 'refuse' },
  { name: 'signed for another path', configured: `https://${H}`, path: Q, signedFor: `https://${H}/other${Q}`, expect: 'refuse' },
  { name: "a query signed with ' and sent as %27", configured: `https://${H}`, path: '/sms?owner=o%27hara', signedFor: `https://${H}/sms?owner=o'hara`, expect: 'accept' },
  { name: "a query signed as %27 and sent with '", configured: `https://${H}`, path: "/sms?owner=o'hara", signedFor: `https://${H}/sms?owner=o%27hara`, expect: 'accept' },
  { name: "' signed and sent", configured: `https://${H}`, path: "/sms?owner=o'hara", signedFor: `https://${H}/sms?owner=o'hara`, expect: 'accept' },
  { name: '%27 signed and sent', configured: `https://${H}`, path: '/sms?owner=o%27hara', signedFor: `https://${H}/sms?owner=o%27hara`, expect: 'accept' },
  { name: "%27 sent, ' signed, and :443 as well", configured: `https://${H}`, path: '/sms?owner=o%27hara', signedFor: `https://${H}:443/sms?owner=o'hara`, expect: 'accept' },
  { name: "a query with ' and + signed in querystring's encoding", configured: `https://${H}`, path: "/sms?note=it's+late", signedFor: `https://${H}/sms?note=it's%20late`, expect: 'accept' },
  { name: 'a query signed with another escape of the same value', configured: `https://${H}`, path: '/sms?owner=o%27hara', signedFor: `https://${H}/sms?owner=o%2527hara`, expect: 'refuse' },
  { name: 'user and password in the URL, signed with them', configured: `https://ops:pa55@${H}`, path: Q, signedFor: `https://ops:pa55@${H}${Q}`, expect: 'accept' },
  { name: 'user and password, signed with them and :443', configured: `https://ops:pa55@${H}`, path: Q, signedFor: `https://ops:pa55@${H}:443${Q}`, expect: 'accept' },
  { name: 'a user name alone in the URL', configured: `https://ops@${H}`, path: Q, signedFor: `https://ops@${H}${Q}`, expect: 'accept' },
  { name: 'credentials configured but left out of the signed URL', configured: `https://ops:pa55@${H}`, path: Q, signedFor: `https://${H}${Q}`, expect: 'refuse' },
  { name: 'an upper-case host configured, the lower-case one signed', configured: 'https://Hooks.Example.ORG', path: Q, signedFor: `https://${H}${Q}`, expect: 'accept' },
  { name: 'a path prefix behind a proxy, signed with :443', configured: `https://${H}/ops`, path: '/sms', signedFor: `https://${H}:443/ops/sms`, expect: 'accept' },
  { name: 'a path prefix configured but not signed', configured: `https://${H}/ops`, path: '/sms', signedFor: `https://${H}/sms`, expect: 'refuse' },
  { name: 'repeated identical values, which Twilio signs once', configured: `https://${H}`, path: Q, signedFor: `https://${H}${Q}`, expect: 'accept', fields: smsFields({ Tag: ['red', 'red', 'blue'] }) },
  { name: 'repeated values signed in another order', configured: `https://${H}`, path: Q, signedFor: `https://${H}${Q}`, expect: 'accept', fields: smsFields({ Tag: ['red', 'blue'] }), sign: (u, f) => getExpectedTwilioSignature(TOKEN, u, { ...f, Tag: ['blue', 'red'] }) },
  { name: 'repeated identical values signed once per occurrence', configured: `https://${H}`, path: Q, signedFor: `https://${H}${Q}`, expect: 'refuse', fields: smsFields({ Tag: ['red', 'red', 'blue'] }), sign: signEveryOccurrence },
  { name: 'a field added after signing', configured: `https://${H}`, path: Q, signedFor: `https://${H}${Q}`, expect: 'refuse', sign: (u, f) => getExpectedTwilioSignature(TOKEN, u, (({ NumMedia: _, ...rest }) => rest)(f)) }
]

function counterPlugin () {
  const runs: string[] = []
  const plugin = definePlugin({
    name: 'counter',
    register (op) { op.command({ name: 'ping', summary: 'counts runs', run: () => { runs.push('ping'); return `pong ${runs.length}` } }) }
  })
  return { plugin, runs }
}

/** One listening daemon per PUBLIC_URL, shared by the cases that configure it. */
function daemons (t: Test) {
  const apps = new Map<string, Promise<{ app: FastifyInstance, port: number, runs: string[] }>>()
  t.teardown(async () => { for (const a of apps.values()) await (await a).app.close() })
  return async (publicUrl: string) => {
    let entry = apps.get(publicUrl)
    if (entry === undefined) {
      entry = (async () => {
        const counter = counterPlugin()
        const app = await buildApp({
          // Many accepted cases per daemon: the per-sender limit is not what is tested here.
          env: { TWILIO_AUTH_TOKEN: TOKEN, PUBLIC_URL: publicUrl, AUTHORIZED_NUMBERS: `${ADMIN}:admin`, SMS_RATE_LIMIT_PER_SENDER: '1000' },
          config: { plugins: [] },
          plugins: [{ plugin: counter.plugin }]
        })
        await app.listen({ host: '127.0.0.1', port: 0 })
        return { app, port: (app.server.address() as { port: number }).port, runs: counter.runs }
      })()
      apps.set(publicUrl, entry)
    }
    return await entry
  }
}

/** POSTs over loopback with the path exactly as given (fetch would re-encode `'` in the query). */
async function post (port: number, path: string, body: string, signature: string | undefined): Promise<{ status: number, body: string }> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) }
  if (signature !== undefined) headers['x-twilio-signature'] = signature
  return await new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path, headers, agent: false }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => { text += d })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

t.test('each vector is accepted or refused through the HTTP webhook exactly as validateRequest decides', async (t) => {
  const daemonFor = daemons(t)
  let accepted = 0
  for (const v of VECTORS) {
    const fields = v.fields ?? smsFields()
    const signature = v.signedFor === undefined ? undefined : (v.sign ?? ((u, f) => getExpectedTwilioSignature(TOKEN, u, f)))(v.signedFor, fields)
    const verdict = oracle(signature, v.configured + v.path, fields)
    t.equal(verdict ? 'accept' : 'refuse', v.expect, `${v.name}: validateRequest says ${v.expect}`)

    const { port, runs } = await daemonFor(v.configured)
    const before = runs.length
    const res = await post(port, v.path, form(fields), signature)
    if (verdict) {
      accepted++
      t.equal(res.status, 200, `${v.name}: accepted`)
      t.match(res.body, /<Message>pong \d+<\/Message>/)
      t.equal(runs.length, before + 1, 'and the command ran')
    } else {
      t.equal(res.status, 403, `${v.name}: refused`)
      t.equal(runs.length, before, 'and nothing ran')
    }
  }
  t.ok(accepted > 0 && accepted < VECTORS.length, `${accepted} of ${VECTORS.length} accepted`)
})

/** A small deterministic generator, so a failure names a seed that reproduces it. */
function prng (seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let x = s
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

const PIECES = ['a', 'Z', '9', "'", '%27', '%2527', '%20', '+', '~', '!', '*', '(', ')', '%C3%A9', 'é', '%2B', ';', ',', '$', ':', '@',
  '.', '..', '%2E', '%7E', '"', '<', '^', '`', '{', '|', '%', '%zz', '[', '\\']

function generated (random: () => number): { configured: string, path: string, signedFor: string, fields: Fields } {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!
  const text = (max: number): string => Array.from({ length: Math.floor(random() * max) }, () => pick(PIECES)).join('')
  const configured = pick(['https://', 'http://', 'HTTPS://']) + pick(['', '', 'ops@', 'ops:pa55@']) +
    pick(['hooks.example.org', 'Hooks.Example.org', '127.0.0.1', '[::1]', 'bücher.example']) + pick(['', '', ':443', ':80', ':8443', ':']) +
    pick(['', '', '/ops', '/a/../b', `/${text(3)}`])
  const path = '/sms' + pick(['', '', '?', '?a=1&b=2', `?t=${text(5)}`, `?${text(3)}=${text(3)}&k=${text(4)}`, '?x=1&x=1', '?2=a&b=c&1=z'])
  const url = configured + path
  // The URL the signature is made for: the same, or one of the spellings a client or an SDK might have signed.
  const spellings: Array<() => string> = [
    () => url,
    () => new URL(url).href,
    () => url.replace(/^([a-z]+:\/\/[^/?#]*?):\d*(?=[/?#]|$)/i, '$1'),
    () => url.replace(/^(https?:\/\/[^/?#:]*)(?=[/?#]|$)/i, (m) => m + (/^https/i.test(m) ? ':443' : ':80')),
    () => url.replace(/'/g, '%27'),
    () => url.replace(/%27/g, "'"),
    () => { const q = url.indexOf('?'); return q === -1 ? url : `${url.slice(0, q)}?${stringifyQuery(parseQuery(url.slice(q + 1)))}` },
    () => url.toLowerCase(),
    () => url + pick(['x', '&z=1', '/'])
  ]
  let signedFor: string
  try { signedFor = pick(spellings)() } catch { signedFor = url }
  const fields = smsFields(random() < 0.4 ? { Tag: pick([['a', 'a'], ['b', 'a', 'b'], ['x', 'y'], ['z', 'z', 'z']]) } : { Body: `ping ${text(3)}` })
  return { configured, path, signedFor, fields }
}

t.test('property: over generated URLs, spellings and repeated fields, the verifier agrees with validateRequest', async (t) => {
  const verifier = new TwilioSignatureVerifier(TOKEN)
  const random = prng(12)
  let accepted = 0
  let disagreements = 0
  const N = 4000
  for (let i = 0; i < N; i++) {
    const g = generated(random)
    const signature = random() < 0.9 ? getExpectedTwilioSignature(TOKEN, g.signedFor, g.fields) : signEveryOccurrence(g.signedFor, g.fields)
    const url = g.configured + g.path
    const expected = oracle(signature, url, g.fields)
    const ours = verifier.verify(url, g.fields, signature)
    if (expected) accepted++
    if (ours !== expected && disagreements++ < 5) t.fail(`case ${i}: ${url} signed for ${g.signedFor}: validateRequest ${String(expected)}, ours ${String(ours)}`)
  }
  t.equal(disagreements, 0, `no disagreement in ${N} cases`)
  t.ok(accepted > N * 0.3 && accepted < N * 0.95, `both verdicts are exercised (${accepted} accepted)`)
})

t.test('property, through HTTP: generated requests to a few configured URLs get validateRequest\'s verdict', async (t) => {
  const daemonFor = daemons(t)
  const random = prng(7)
  const configuredUrls = [`https://${H}`, `http://${H}:80`, `https://ops:pa55@${H}:443/ops`]
  let checked = 0
  for (let i = 0; checked < 60; i++) {
    const g = generated(random)
    const configured = configuredUrls[i % configuredUrls.length]!
    // Node's HTTP client sends only printable bytes in a path; the generator also makes some it would refuse.
    if (!/^[\x21-\x7e]*$/.test(g.path)) continue
    const url = configured + g.path
    const signedFor = g.signedFor.replace(g.configured, configured)
    const signature = getExpectedTwilioSignature(TOKEN, signedFor, g.fields)
    const verdict = oracle(signature, url, g.fields)
    const { port, runs } = await daemonFor(configured)
    const before = runs.length
    const res = await post(port, g.path, form(g.fields), signature)
    t.equal(res.status === 200 && runs.length === before + 1, verdict, `${url} signed for ${signedFor}: ${verdict ? 'accepted' : 'refused'} as validateRequest decides`)
    checked++
  }
})

t.test('a URL that WHATWG cannot parse (validateRequest throws past its first two tries): only those two verify', async (t) => {
  const verifier = new TwilioSignatureVerifier(TOKEN)
  const fields = smsFields()
  const url = 'https://bad^host.example/sms?owner=o%27hara'
  t.throws(() => new URL(url))
  for (const signedFor of [url, 'https://bad^host.example:443/sms?owner=o%27hara', "https://bad^host.example/sms?owner=o'hara"]) {
    const signature = getExpectedTwilioSignature(TOKEN, signedFor, fields)
    t.equal(verifier.verify(url, fields, signature), oracle(signature, url, fields), `signed for ${signedFor}`)
  }
  t.ok(verifier.verify(url, fields, getExpectedTwilioSignature(TOKEN, url, fields)))
  t.notOk(verifier.verify(url, fields, getExpectedTwilioSignature(TOKEN, "https://bad^host.example/sms?owner=o'hara", fields)))
})

t.test('a genuine request costs one HMAC: the exact URL is tried first, the other spellings only after it failed', async (t) => {
  const crypto = await import('node:crypto')
  let hmacs = 0
  const counting = { ...crypto, createHmac: (...args: Parameters<typeof crypto.createHmac>) => { hmacs++; return crypto.createHmac(...args) } }
  const { TwilioSignatureVerifier: Counted } = await t.mockImport<typeof import('../src/channels/sms/signature.js')>(
    '../src/channels/sms/signature.js', { 'node:crypto': counting })
  const verifier = new Counted(TOKEN)
  const fields = smsFields()
  const url = `https://${H}/sms?owner=o'hara`
  const hmacsFor = (signature: string): [boolean, number] => {
    hmacs = 0
    const ok = verifier.verify(url, fields, signature)
    return [ok, hmacs]
  }
  t.same(hmacsFor(getExpectedTwilioSignature(TOKEN, url, fields)), [true, 1], 'signed for the exact URL: one HMAC')
  t.same(hmacsFor(getExpectedTwilioSignature(TOKEN, `https://${H}:443/sms?owner=o'hara`, fields)), [true, 2], 'with :443: the second try')
  const [ok, tries] = hmacsFor(getExpectedTwilioSignature('other-token', url, fields))
  t.notOk(ok)
  t.equal(tries, 4, 'a forged one: each distinct spelling once (exact, :443, %27, %27 with :443), never more')
})
