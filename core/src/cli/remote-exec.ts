import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseEnv } from 'node:util'
import { ERR_EXEC_UNREACHABLE, ERR_EXEC_URL } from '../errors.js'
import { EXEC_PATH, PROOF_HEADER, TIMESTAMP_HEADER, execProof } from '../local-exec/proof.js'
import { startupMessage } from './boot.js'

/** Long enough for a command under the default COMMAND_DEADLINE_MS (20 s) and then some; the daemon bounds the rest. */
const ANSWER_TIMEOUT_MS = 60_000
const CONNECT_TIMEOUT_MS = 3_000

/** The daemon's URL, checked: http(s) only. */
export function execUrl (given: string): URL {
  let url: URL | undefined
  try { url = new URL(given) } catch { url = undefined }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new ERR_EXEC_URL(given.slice(0, 200))
  return url
}

/** TWILIO_AUTH_TOKEN as the daemon started here would see it: the environment first, then `.env` in `cwd`. */
export function localAuthToken (env: NodeJS.ProcessEnv, cwd: string): string {
  if (env.TWILIO_AUTH_TOKEN !== undefined) return env.TWILIO_AUTH_TOKEN
  let text: string
  try { text = readFileSync(join(cwd, '.env'), 'utf8') } catch { return '' }
  return parseEnv(text).TWILIO_AUTH_TOKEN ?? ''
}

function networkReason (err: unknown): string {
  const code = (err as { code?: unknown }).code
  if (code === 'ECONNREFUSED') return 'connection refused'
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found'
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return `no connection within ${CONNECT_TIMEOUT_MS / 1000} s`
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return `no answer within ${ANSWER_TIMEOUT_MS / 1000} s`
  return typeof code === 'string' ? code : String((err as Error).message ?? err).split('\n')[0]!
}

interface ExecAnswer { outcome?: unknown; reply?: unknown; code?: unknown; error?: unknown }

/**
 * `operator exec --url <daemon> "<text>"`: the running daemon runs the command as the console, so `status` is the
 * daemon's and `more` continues its pages. Same output and exit code as in-process; anything else is one line.
 */
export async function remoteExec (given: string, text: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Promise<number> {
  let base: URL
  try {
    base = execUrl(given)
  } catch (err) {
    process.stderr.write(`${startupMessage(err)}\n`)
    return 2
  }
  const origin = base.origin
  const body = JSON.stringify({ text })
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  const token = localAuthToken(env, cwd)
  if (token !== '') {
    const timestamp = String(Date.now())
    headers[TIMESTAMP_HEADER] = timestamp
    headers[PROOF_HEADER] = execProof(token, timestamp, body)
  }

  const { request, Agent } = await import('undici')
  const dispatcher = new Agent({ connect: { timeout: CONNECT_TIMEOUT_MS }, headersTimeout: ANSWER_TIMEOUT_MS, bodyTimeout: ANSWER_TIMEOUT_MS })
  let status: number
  let answer: ExecAnswer | undefined
  try {
    const res = await request(new URL(EXEC_PATH, origin), {
      method: 'POST', headers, body, dispatcher, signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS + CONNECT_TIMEOUT_MS)
    })
    status = res.statusCode
    const raw = await res.body.text()
    try { answer = JSON.parse(raw) as ExecAnswer } catch { answer = undefined }
  } catch (err) {
    process.stderr.write(`${startupMessage(new ERR_EXEC_UNREACHABLE(origin, networkReason(err)))}\n`)
    return 1
  } finally {
    await dispatcher.close()
  }

  if (status === 200 && typeof answer?.reply === 'string') {
    const ok = answer.outcome === 'answered'
    ;(ok ? process.stdout : process.stderr).write(`${answer.reply}\n`)
    return ok ? 0 : 1
  }
  if (typeof answer?.error === 'string' && typeof answer.code === 'string' && answer.code.startsWith('OPR_ERR_')) {
    process.stderr.write(`operator: ${origin} refused: ${answer.error} [${answer.code}]\n`)
  } else {
    process.stderr.write(`operator: ${origin} answered HTTP ${status}, not as an Operator daemon with ${EXEC_PATH} (is it one, and as new as this CLI?)\n`)
  }
  return 1
}
