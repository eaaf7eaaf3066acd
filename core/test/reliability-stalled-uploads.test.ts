// Item 9 of issue 12: uploads that send headers and part of a body, then nothing, are closed by REQUEST_TIMEOUT_MS
// while other clients are served, and SIGTERM with such uploads open exits 0 (it used to wait out its grace period).
import t from 'tap'
import { Agent, request } from 'node:http'
import { connect, type Socket } from 'node:net'
import { httpOnce, startDaemon, webhookRequest, type HttpAnswer } from './fixtures/reliability-daemon.js'

interface Stalled {
  readonly socket: Socket
  /** Everything the server wrote back. */
  received: string
  /** Resolves when the server closed the connection. */
  readonly closed: Promise<void>
  isClosed: boolean
}

/**
 * Sends a webhook's headers and the first few bytes of its body, then nothing (`body`); or only part of its headers
 * (`headers`); or nothing at all after connecting (`silent`).
 */
async function stalledUpload (port: number, kind: 'body' | 'headers' | 'silent' = 'body'): Promise<Stalled> {
  const w = webhookRequest('help')
  const socket = connect(port, '127.0.0.1')
  const stalled: Stalled = { socket, received: '', isClosed: false, closed: new Promise((resolve) => socket.once('close', () => { stalled.isClosed = true; resolve() })) }
  socket.setEncoding('utf8')
  socket.on('data', (d: string) => { stalled.received += d })
  socket.on('error', () => {})
  await new Promise<void>((resolve) => socket.once('connect', resolve))
  const head = `POST /sms HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${w.headers['content-type']!}\r\n` +
    `X-Twilio-Signature: ${w.headers['x-twilio-signature']!}\r\nContent-Length: ${Buffer.byteLength(w.payload)}\r\n\r\n`
  const sent = kind === 'body' ? head + w.payload.slice(0, 10) : kind === 'headers' ? head.slice(0, 40) : ''
  if (sent !== '') await new Promise<void>((resolve) => socket.write(sent, () => resolve()))
  return stalled
}

/** A webhook on a keep-alive connection (what a proxy in front, or Twilio, may use), with the response headers. */
async function keepAlivePost (port: number, agent: Agent, body: string): Promise<HttpAnswer & { connection: string | undefined }> {
  const w = webhookRequest(body)
  return await new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/sms', headers: w.headers, agent }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => { text += d })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, connection: res.headers.connection }))
    })
    req.on('error', reject)
    req.end(w.payload)
  })
}

t.test('stalled uploads get 408 and are closed by REQUEST_TIMEOUT_MS while other clients are answered', async (t) => {
  const daemon = await startDaemon({ REQUEST_TIMEOUT_MS: '1000', LOG_LEVEL: 'info' }, { slowMs: 1500 })
  t.teardown(daemon.stop)

  const kinds = ['body', 'body', 'body', 'body', 'body', 'body', 'body', 'body', 'headers', 'headers', 'silent', 'silent'] as const
  const stalled = await Promise.all(kinds.map(async (kind) => await stalledUpload(daemon.port, kind)))
  // Served meanwhile: a quick command, and one that takes longer than the request timeout (which limits receiving a
  // request, not answering it).
  const slow = webhookRequest('slow')
  const [help, slowAnswer] = await Promise.all([
    (async () => { const w = webhookRequest('help'); return await httpOnce(daemon.port, 'POST', '/sms', w.payload, w.headers) })(),
    httpOnce(daemon.port, 'POST', '/sms', slow.payload, slow.headers)
  ])
  t.equal(help.status, 200, 'another client is answered while the uploads stall')
  t.match(help.body, /<Message>Commands:/)
  t.equal(slowAnswer.status, 200, 'a command slower than REQUEST_TIMEOUT_MS is still answered')
  t.match(slowAnswer.body, /slow done/)

  const startedAt = performance.now()
  await Promise.all(stalled.map(async (s) => await s.closed))
  t.comment(`stalled uploads closed ${Math.round(performance.now() - startedAt)} ms after the other clients were answered`)
  stalled.forEach((s, i) => { t.match(s.received, /^HTTP\/1\.1 408 Request Timeout/, `a stalled upload (${kinds[i]!}) got 408 before it was closed`) })
  t.equal(daemon.logs().split('\n').filter((l) => l.includes('"outcome":"answered"')).length, 2, 'only the two whole requests ran')
  daemon.child.kill('SIGTERM')
  t.equal(await daemon.exited, 0)
})

t.test('SIGTERM with stalled uploads and idle keep-alive connections open: the in-flight answer arrives, exit 0', async (t) => {
  // A request timeout far beyond the test: only the shutdown can close these uploads.
  const daemon = await startDaemon({ REQUEST_TIMEOUT_MS: '120000', SHUTDOWN_GRACE_MS: '30000', LOG_LEVEL: 'info' }, { slowMs: 1500 })
  t.teardown(daemon.stop)
  const idleAgent = new Agent({ keepAlive: true, maxSockets: 1 })
  const busyAgent = new Agent({ keepAlive: true, maxSockets: 1 })
  t.teardown(() => { idleAgent.destroy(); busyAgent.destroy() })

  const idle = await keepAlivePost(daemon.port, idleAgent, 'help')
  t.equal(idle.status, 200, 'a keep-alive client answered once, its connection left open and idle')
  const kinds = [...Array.from({ length: 22 }, () => 'body' as const), 'headers', 'silent'] as const
  const stalled = await Promise.all(kinds.map(async (kind) => await stalledUpload(daemon.port, kind)))
  const inFlight = keepAlivePost(daemon.port, busyAgent, 'slow')
  await daemon.waitForLog(/"marker":"slow-started"/)

  const killedAt = performance.now()
  daemon.child.kill('SIGTERM')
  const answer = await inFlight
  t.equal(answer.status, 200, 'the request received whole before SIGTERM is answered')
  t.match(answer.body, /slow done: the in-flight reply made it/)
  t.equal(answer.connection, 'close', 'and told its keep-alive connection is closing, so the socket does not hold the daemon')

  t.equal(await daemon.exited, 0, 'exit 0: it stopped before the grace period ran out (which exits 1)')
  t.comment(`SIGTERM to exit: ${Math.round(performance.now() - killedAt)} ms (the in-flight command had up to 1.5 s left)`)
  await Promise.all(stalled.map(async (s) => await s.closed))
  t.ok(stalled.every((s) => s.isClosed), 'every stalled upload was closed (22 with part of a body, one with part of its headers, one silent)')
  const closedLine = daemon.logs().split('\n').find((l) => l.includes('closed idle and stalled connections'))
  const closed = closedLine === undefined ? 0 : (JSON.parse(closedLine) as { closed: number }).closed
  t.ok(closed >= stalled.length + 1, `the shutdown says it closed the ${stalled.length} stalled uploads and the idle connection (${closed})`)
  t.notMatch(daemon.logs(), /grace period over/)
  t.match(daemon.logs(), /"msg":"stopped"/)
})
