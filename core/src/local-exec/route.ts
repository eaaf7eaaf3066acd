import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { ERR_EXEC_BODY, ERR_EXEC_NOT_LOCAL, ERR_EXEC_PROOF } from '../errors.js'
import { isLoopbackAddress } from '../http/loopback.js'
import type { Sender } from '../plugins/contract.js'
import { EXEC_PATH, PROOF_HEADER, TIMESTAMP_HEADER, proofProblem } from './proof.js'

/** The identity `operator exec` and `operator shell` use in-process too, so `more` follows the same pages. */
const CONSOLE: Sender = { id: 'console', role: 'admin', channel: 'console' }
/** As long as the longest text Twilio delivers. */
const MAX_TEXT = 1600

// Anything a proxy or a browser adds: such a request did not come straight from a process on this machine.
const FOREIGN_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-real-ip', 'via', 'origin', 'sec-fetch-site']


// A loopback Host keeps a web page on another name (DNS rebinding to 127.0.0.1) out, even without a token.
function isLoopbackHost (host: string | undefined): boolean {
  return host !== undefined && /^(?:127(?:\.\d{1,3}){3}|localhost|\[::1\])(?::\d{1,5})?$/i.test(host)
}

/** Why this request is not from a local process, or undefined. Uses the socket's address, never a header. */
function notLocal (request: FastifyRequest): string | undefined {
  const address = request.raw.socket.remoteAddress
  if (!isLoopbackAddress(address)) return `the request came from ${address ?? 'an unknown address'}`
  const foreign = FOREIGN_HEADERS.find((h) => request.headers[h] !== undefined)
  if (foreign !== undefined) return `the request carries ${foreign}, so it came through a proxy or a browser`
  if (!isLoopbackHost(request.headers.host)) return `the Host header is not a loopback name (${String(request.headers.host).slice(0, 64)})`
  return undefined
}

function header (request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name]
  return typeof value === 'string' ? value : undefined
}

/**
 * `POST /operator/exec`: `operator exec --url` asks the running daemon, so `status` reports the daemon and `more`
 * carries over. Served to loopback callers only; when TWILIO_AUTH_TOKEN is set, the caller must also prove it knows
 * the token (proof.ts). Encapsulated: its raw-body JSON parser is its own.
 */
async function localExecPlugin (app: FastifyInstance): Promise<void> {
  const core = app.operator
  const authToken = core.env.TWILIO_AUTH_TOKEN
  const log = app.log.child({ part: 'exec' })

  // The proof covers the exact bytes, so the body is kept as text and parsed after it is checked.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 8 * 1024 }, (_req, body, done) => { done(null, body) })

  app.addHook('onRequest', async (request) => {
    const reason = notLocal(request)
    if (reason !== undefined) {
      log.warn({ reason }, 'exec: refused a request that is not from this machine')
      throw new ERR_EXEC_NOT_LOCAL(reason)
    }
  })

  app.setErrorHandler(async (err: { code?: string; statusCode?: number; message: string }, _request, reply) => {
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500
    if (status === 500) log.error({ err }, 'exec: failed')
    return await reply.code(status).send({ code: err.code ?? 'OPR_ERR_EXEC', error: status === 500 ? 'internal error' : err.message })
  })

  app.post(EXEC_PATH, async (request: FastifyRequest, reply: FastifyReply) => {
    const raw = typeof request.body === 'string' ? request.body : ''
    if (authToken !== '') {
      const problem = proofProblem(authToken, header(request, TIMESTAMP_HEADER), header(request, PROOF_HEADER), raw, Date.now())
      if (problem !== undefined) {
        log.warn({ reason: problem }, 'exec: refused a request without a valid proof')
        throw new ERR_EXEC_PROOF(problem)
      }
    }
    let text: unknown
    try {
      text = (JSON.parse(raw) as { text?: unknown }).text
    } catch {
      throw new ERR_EXEC_BODY('the body is not JSON')
    }
    if (typeof text !== 'string') throw new ERR_EXEC_BODY('"text" is missing or not a string')
    if (text.length > MAX_TEXT) throw new ERR_EXEC_BODY(`"text" is longer than ${MAX_TEXT} characters`)

    const abort = new AbortController()
    reply.raw.once('close', () => { if (!reply.raw.writableFinished) abort.abort() })
    const result = await core.dispatcher.dispatch(text, CONSOLE, abort.signal)
    return { outcome: result.outcome, reply: result.reply, pages: result.pages }
  })
}

export const localExecRoute = fp(localExecPlugin, {
  name: '@operator/local-exec',
  fastify: '5.x',
  dependencies: ['@operator/core'],
  encapsulate: true
})
