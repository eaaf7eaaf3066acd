import t from 'tap'
import { request as httpRequest } from 'node:http'
import { buildApp } from '../src/app.js'

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

async function rawPost (port: number, headers: Record<string, string>, body: Buffer): Promise<{ status: number, text: string }> {
  return await new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/sms', headers: { ...headers, 'content-length': String(body.length) } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString('utf8') }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

t.test('each bad input gets a 4xx with a clear reason, never a 5xx, and the daemon keeps serving', async (t) => {
  const lines: string[] = []
  const app = await buildApp({ env: { AUTHORIZED_NUMBERS: '+14155550100' }, config: { plugins: [] }, logger: { level: 'info', stream: { write: (l: string) => { lines.push(l) } } } })
  await app.ready()
  t.teardown(() => app.close())
  const post = async (headers: Record<string, string>, payload: string | Buffer) => await app.inject({ method: 'POST', url: '/sms', headers, payload })

  const cases: Array<[string, Record<string, string>, string | Buffer, number, RegExp]> = [
    ['missing From', FORM, 'Body=help', 400, /^missing From$/],
    ['empty From', FORM, 'From=&Body=help', 400, /^missing From$/],
    ['missing Body', FORM, 'From=%2B14155550100', 400, /^missing Body$/],
    ['From twice', FORM, 'From=%2B14155550100&From=%2B14155550101&Body=help', 400, /From given more than once/],
    ['Body over 1,600 characters', FORM, `From=%2B14155550100&Body=${'a'.repeat(1601)}`, 400, /^Body is over 1,600 characters$/],
    ['invalid UTF-8 bytes', FORM, Buffer.concat([Buffer.from('From=%2B14155550100&Body='), Buffer.from([0xff, 0xfe, 0x41])]), 400, /not valid UTF-8/],
    ['a percent-escape that is not UTF-8', FORM, 'From=%2B14155550100&Body=%C3%28', 400, /percent-escape that is not valid UTF-8/],
    ['a form in another charset', { 'content-type': 'application/x-www-form-urlencoded; charset=iso-8859-1' }, 'From=%2B14155550100&Body=help', 415, /must be UTF-8, not iso-8859-1/],
    ['a compressed body', { ...FORM, 'content-encoding': 'gzip' }, 'From=%2B14155550100&Body=help', 415, /compressed/],
    ['a JSON body', { 'content-type': 'application/json' }, '{"From":"+14155550100","Body":"help"}', 415, /takes application\/x-www-form-urlencoded/],
    ['a multipart body', { 'content-type': 'multipart/form-data; boundary=x' }, '--x\r\nContent-Disposition: form-data; name="Body"\r\n\r\nhelp\r\n--x--', 415, /takes application\/x-www-form-urlencoded/],
    ['plain text', { 'content-type': 'text/plain' }, 'help', 415, /takes application\/x-www-form-urlencoded/],
    ['an oversized request', FORM, `From=%2B14155550100&Body=${'a'.repeat(70 * 1024)}`, 413, /too large/],
    ['an empty request', FORM, '', 400, /missing From|expected Twilio/]
  ]
  for (const [name, headers, payload, status, reason] of cases) {
    const res = await post(headers, payload)
    t.equal(res.statusCode, status, `${name}: ${status}`)
    t.match(res.body, reason, `${name}: says why`)
  }
  const ok = await post(FORM, 'From=%2B14155550100&Body=help')
  t.equal(ok.statusCode, 200, 'still serving')
  t.match(ok.body, '<Message>Commands:')
  const bodyAt1600 = await post(FORM, `From=%2B14155550100&Body=${'🙂'.repeat(1600)}`)
  t.equal(bodyAt1600.statusCode, 200, '1,600 characters (emoji count once) are accepted')
  t.ok(lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.outcome === 'bad-request').length >= cases.length, 'each is audited')
})

t.test('over real HTTP on loopback: raw invalid UTF-8 and an oversized body are refused and the daemon keeps serving', async (t) => {
  const app = await buildApp({ env: {}, config: { plugins: [] } })
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => app.close())
  const { port } = app.server.address() as { port: number }
  const bad = await rawPost(port, FORM, Buffer.concat([Buffer.from('From=%2B15550000000&Body='), Buffer.from([0xc3, 0x28])]))
  t.same(bad, { status: 400, text: 'the form is not valid UTF-8' })
  const big = await rawPost(port, FORM, Buffer.alloc(100 * 1024, 0x61)).catch((err: Error) => ({ status: 0, text: err.message }))
  t.ok(big.status === 413 || big.status === 0, `oversized: ${big.status} ${big.text.slice(0, 60)}`)
  const json = await rawPost(port, { 'content-type': 'application/json' }, Buffer.from('{"From":"+15550000000","Body":"help"}'))
  t.equal(json.status, 415)
  const ok = await rawPost(port, FORM, Buffer.from('From=%2B15550000000&Body=help'))
  t.equal(ok.status, 200)
  t.match(ok.text, '<Message>Commands:')
})
