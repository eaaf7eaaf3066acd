import t from 'tap'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { PoolSet } from '../src/http/pools.js'
import { createHttpClient } from '../src/http/client.js'
import { isHttpStatusError } from '../src/http/errors.js'

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void
const seen: Array<{ method?: string; url?: string; headers: IncomingMessage['headers']; body: string }> = []
let handler: Handler = (_req, res) => { res.end('{}') }
const server = createServer((req, res) => {
  let body = ''
  req.on('data', (c: Buffer) => { body += c.toString() })
  req.on('end', () => {
    seen.push({ method: req.method, url: req.url, headers: req.headers, body })
    handler(req, res, body)
  })
})
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
const pools = new PoolSet()
t.teardown(async () => {
  await pools.close()
  server.closeAllConnections()
  server.close()
})

t.test('joins the base path, encodes the query, sends default and JSON headers, parses JSON', async (t) => {
  handler = (_req, res) => { res.setHeader('content-type', 'application/json'); res.end('{"status":"success","n":1}') }
  const client = createHttpClient(pools, `${base}/prometheus/`, { headers: { 'x-scope-orgid': 'team-a' } })
  const data = await client.getJson<{ n: number }>('/api/v1/query', { query: { query: 'up{job="a b"}', time: 5, skip: undefined, m: ['x', 'y'] } })
  t.equal(data.n, 1)
  const req = seen.at(-1)!
  t.equal(req.url, '/prometheus/api/v1/query?query=up%7Bjob%3D%22a+b%22%7D&time=5&m=x&m=y')
  t.equal(req.headers['x-scope-orgid'], 'team-a')
  t.equal(req.headers.accept, 'application/json')
  await client.postJson('/search', { json: { q: 1 } })
  t.equal(seen.at(-1)!.headers['content-type'], 'application/json')
  t.equal(seen.at(-1)!.body, '{"q":1}')
  await client.request({ path: '/form', form: { a: '1 2' } })
  t.equal(seen.at(-1)!.body, 'a=1+2')
  t.equal(seen.at(-1)!.method, 'POST')
})

t.test('credentials in the URL become a basic auth header and never appear in errors', async (t) => {
  handler = (_req, res) => { res.statusCode = 500; res.end('<html>oops</html>') }
  const client = createHttpClient(pools, base.replace('http://', 'http://ops:s3cret@'), { name: 'es' })
  const err = await client.getJson('/x').catch((e: unknown) => e)
  t.equal(seen.at(-1)!.headers.authorization, `Basic ${Buffer.from('ops:s3cret').toString('base64')}`)
  t.ok(isHttpStatusError(err))
  t.match(err, { code: 'OPR_ERR_HTTP_STATUS', message: 'es answered HTTP 500', status: 500, body: '<html>oops</html>' })
  t.notMatch(String((err as Error).message), /s3cret/)
})

t.test('a non-JSON answer is one clear error', async (t) => {
  handler = (_req, res) => { res.end('not json') }
  const client = createHttpClient(pools, base, { name: 'loki' })
  await t.rejects(client.getJson('/'), { code: 'OPR_ERR_HTTP_BODY', message: 'loki sent a non-JSON answer' })
})

t.test('a refused connection is reported as unreachable', async (t) => {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const port = (probe.address() as AddressInfo).port
  await new Promise((resolve) => probe.close(resolve))
  const client = createHttpClient(pools, `http://127.0.0.1:${port}`, { name: 'kong' })
  await t.rejects(client.getJson('/status'), { code: 'OPR_ERR_HTTP_UNREACHABLE', message: 'kong unreachable (connection refused)' })
})

t.test('a server that never answers hits the headers timeout; a caller deadline aborts', async (t) => {
  handler = () => { /* never answers */ }
  const client = createHttpClient(pools, base, { name: 'slow', headersTimeoutMs: 100 })
  await t.rejects(client.getJson('/'), { code: 'OPR_ERR_HTTP_TIMEOUT', message: 'slow timed out (no answer in time)' })
  const patient = createHttpClient(pools, base, { name: 'slow', headersTimeoutMs: 10_000 })
  await t.rejects(patient.getJson('/', { signal: AbortSignal.timeout(100) }), { code: 'OPR_ERR_HTTP_TIMEOUT', message: 'slow timed out (deadline reached)' })
  await t.rejects(patient.getJson('/', { timeoutMs: 50 }), { code: 'OPR_ERR_HTTP_TIMEOUT', message: 'slow timed out (no answer in 50ms)' })
  const controller = new AbortController()
  const pending = patient.getJson('/', { signal: controller.signal })
  controller.abort()
  await t.rejects(pending, { code: 'OPR_ERR_HTTP_ABORTED', message: 'slow request cancelled' })
})

t.test('a body that stalls hits the body timeout; a huge body is cut off', async (t) => {
  handler = (_req, res) => { res.write('{"partial":') }
  const client = createHttpClient(pools, base, { name: 'dd', bodyTimeoutMs: 100 })
  await t.rejects(client.getJson('/'), { code: 'OPR_ERR_HTTP_TIMEOUT', message: 'dd timed out (answer stalled)' })
  handler = (_req, res) => { res.end('x'.repeat(200_000)) }
  const small = createHttpClient(pools, base, { name: 'dd', maxBodyBytes: 64 * 1024 })
  await t.rejects(small.getJson('/'), { code: 'OPR_ERR_HTTP_BODY', message: 'dd sent an answer larger than 64 KiB' })
})

t.test('only http and https are accepted; closed pools refuse new clients', async (t) => {
  t.throws(() => createHttpClient(pools, 'ftp://127.0.0.1/'), /ftp: is not supported/)
  const closed = new PoolSet()
  const early = createHttpClient(closed, base)
  t.equal(closed.size, 1)
  await closed.close()
  t.throws(() => createHttpClient(closed, base), /closed/)
  // Its pool was never made (no request yet): a request after shutdown is refused the way undici refuses one.
  await t.rejects(early.getJson('/'), { code: 'OPR_ERR_HTTP_UNREACHABLE', message: /client closed/ })
})
