import { buildApp, type BuildOptions } from '../app.js'
import { OutboundSender, isWhatsApp, maskNumber, normalizeNumber, smsSettings, MAX_BODY_CHARS } from '../channels/sms/index.js'
import { normalizeForSms } from '../sms/index.js'
import { startupMessage, EXIT_CONFIG } from './boot.js'

export interface SendCommandOptions {
  /** The environment (default process.env plus .env); tests pass their own. */
  readonly env?: BuildOptions['env']
  readonly cwd?: string
  readonly stdout?: (line: string) => void
  readonly stderr?: (line: string) => void
}

/**
 * `operator send <to> "<text>"`: one text through the same outbound sender the daemon uses (Messaging Service
 * preferred, retries on 429/5xx). Exit 0 when Twilio accepted it; otherwise one line saying why and a non-zero code.
 */
export async function sendCommand (to: string | undefined, text: string, options: SendCommandOptions = {}): Promise<number> {
  const out = options.stdout ?? ((line: string) => { process.stdout.write(`${line}\n`) })
  const err = options.stderr ?? ((line: string) => { process.stderr.write(`${line}\n`) })
  if (to === undefined || to === '' || text.trim() === '') {
    err('usage: operator send <to> "<text>"')
    return 2
  }
  const number = normalizeNumber(to)
  if (number === undefined) {
    err(`operator send: ${maskNumber(to)} is not an international number; write it as +<country code><number>`)
    return 2
  }
  const body = normalizeForSms(text.trim())
  if ([...body].length > MAX_BODY_CHARS) {
    err(`operator send: the text is over ${MAX_BODY_CHARS.toLocaleString('en')} characters`)
    return 2
  }

  let app
  try {
    // Only the environment matters here: no plugins are loaded.
    app = await buildApp({
      config: { plugins: [{ package: 'commands-builtin', enabled: false }] },
      logger: false,
      ...(options.env !== undefined ? { env: options.env } : {}),
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {})
    })
  } catch (e) {
    err(startupMessage(e))
    return EXIT_CONFIG
  }
  try {
    const { env, rawEnv, configFile } = app.operator
    const sender = new OutboundSender(smsSettings(env, rawEnv, configFile).outbound, app.log)
    const problem = sender.problem
    if (problem !== undefined) {
      err(`operator send: ${problem}`)
      return EXIT_CONFIG
    }
    const result = await sender.send(number, body, { whatsapp: isWhatsApp(to) })
    if (result.ok) {
      out(`sent to ${maskNumber(number)}: ${result.sid}`)
      return 0
    }
    err(`operator send: not sent to ${maskNumber(number)}: ${result.reason}`)
    return 1
  } finally {
    await app.close()
  }
}
