import { ERR_CONFIG_INVALID } from '../../errors.js'
import { compileSchema, errorExpectation, errorKey } from '../../config/ajv.js'
import type { OperatorEnv } from '../../config/env-schema.js'
import type { OperatorConfigFile } from '../../config/file.js'
import { ROLES, type Role } from '../../plugins/contract.js'
import { listenAddress } from '../../server.js'
import { stateSettings, type StateSettings } from '../../state/select.js'
import type { OutboundSettings } from './outbound.js'
import { parseAuthorizedNumbers, SenderConfigError, SenderDirectory } from './senders.js'

/** `signed`: every request needs a valid X-Twilio-Signature. `loopback`: unsigned, accepted from loopback only. */
export type VerifyMode = 'signed' | 'loopback'

export interface SmsSettings {
  readonly verify: VerifyMode
  readonly authToken: string
  /** PUBLIC_URL without a trailing slash; empty: the request's own scheme and Host (no proxy in front). */
  readonly publicUrl: string
  readonly senders: SenderDirectory
  /** No token and no authorised numbers: loopback requests act as a local admin console (the embedded default). */
  readonly localConsole: boolean
  readonly replyDeadlineMs: number
  readonly perSenderLimit: number
  readonly globalLimit: number
  readonly windowMs: number
  readonly windowText: string
  readonly idempotencyTtlMs: number
  readonly outbound: OutboundSettings
  readonly state: StateSettings
  /** What to say at start-up about the mode the channel runs in. */
  readonly notes: ReadonlyArray<{ readonly level: 'info' | 'warn', readonly msg: string }>
}

export const smsSectionSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    roles: { type: 'object', additionalProperties: { type: 'string', enum: ROLES } },
    defaultRole: { type: 'string', enum: ROLES }
  }
} as const

const DURATION = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i
const UNIT_MS: Readonly<Record<string, number>> = {
  '': 1, ms: 1, millisecond: 1, milliseconds: 1,
  s: 1000, sec: 1000, secs: 1000, second: 1000, seconds: 1000,
  m: 60_000, min: 60_000, mins: 60_000, minute: 60_000, minutes: 60_000,
  h: 3_600_000, hour: 3_600_000, hours: 3_600_000
}

/** `1 minute`, `30s`, `2m`, `1h`, `500ms`, `60000` → milliseconds; undefined when it is none of these. */
export function parseDuration (text: string): number | undefined {
  const m = DURATION.exec(text)
  if (m === null) return undefined
  const unit = m[2]!.toLowerCase()
  if (!Object.hasOwn(UNIT_MS, unit)) return undefined
  const factor = UNIT_MS[unit]!
  const ms = Math.round(Number(m[1]) * factor)
  return ms > 0 ? ms : undefined
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost'])

function isLoopbackHost (host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || host.startsWith('127.')
}

function roleFromEnv (raw: string | undefined): Role | undefined {
  return raw !== undefined && raw !== '' ? raw as Role : undefined
}

/**
 * The channel's settings from the validated environment and the config file's `sms` section, checked once at start-up:
 * a bad value stops the daemon with the key that is wrong.
 */
export function smsSettings (env: OperatorEnv, rawEnv: Readonly<Record<string, string | undefined>>, configFile: OperatorConfigFile): SmsSettings {
  const where = configFile.path ?? 'the given config'
  const section = structuredClone(configFile.sms) as Record<string, unknown>
  const validateSection = compileSchema(smsSectionSchema, { coerceTypes: false })
  if (!validateSection(section)) {
    const error = validateSection.errors![0]!
    const key = errorKey(error)
    throw new ERR_CONFIG_INVALID(where, `sms${key === '' ? '' : `.${key}`} ${errorExpectation(error)}`)
  }
  const fileRoles = (section.roles ?? {}) as Record<string, Role>
  const defaultRole = roleFromEnv(rawEnv.DEFAULT_ROLE) ?? (section.defaultRole as Role | undefined) ?? env.DEFAULT_ROLE

  let roles: Map<string, Role>
  try {
    roles = parseAuthorizedNumbers(env.AUTHORIZED_NUMBERS, defaultRole)
    for (const [number, role] of Object.entries(fileRoles)) {
      const parsed = parseAuthorizedNumbers(`${number}:${role}`, defaultRole, `sms.roles["${number}"]`)
      for (const [n, r] of parsed) {
        const prior = roles.get(n)
        if (prior !== undefined && prior !== r) {
          throw new SenderConfigError(`sms.roles["${number}"]`, `says ${r} but AUTHORIZED_NUMBERS says ${prior} for the same number`)
        }
        roles.set(n, r)
      }
    }
  } catch (err) {
    if (err instanceof SenderConfigError) {
      throw new ERR_CONFIG_INVALID(err.key.startsWith('sms.') ? where : 'the environment', err.message)
    }
    throw err
  }
  const senders = new SenderDirectory(roles)

  const windowMs = parseDuration(env.SMS_RATE_LIMIT_WINDOW)
  if (windowMs === undefined) {
    throw new ERR_CONFIG_INVALID('the environment', `SMS_RATE_LIMIT_WINDOW must be a duration such as '1 minute', '30s' or 60000, not '${env.SMS_RATE_LIMIT_WINDOW.slice(0, 30)}'`)
  }
  const publicUrl = env.PUBLIC_URL.replace(/\/+$/, '')
  if (publicUrl !== '' && !/^https?:\/\/[^/\s]+(\/\S*)?$/.test(publicUrl)) {
    throw new ERR_CONFIG_INVALID('the environment', 'PUBLIC_URL must be the base URL Twilio calls, such as https://ops.example.com')
  }

  const notes: Array<{ level: 'info' | 'warn', msg: string }> = []
  let verify: VerifyMode = 'signed'
  if (env.TWILIO_AUTH_TOKEN === '') {
    verify = 'loopback'
    notes.push({ level: 'warn', msg: 'sms: signature checks are off because TWILIO_AUTH_TOKEN is not set; unsigned webhooks are accepted from loopback only' })
  } else if (!env.TWILIO_VERIFY_SIGNATURE) {
    const { host } = listenAddress(env)
    if (!isLoopbackHost(host)) {
      throw new ERR_CONFIG_INVALID('the environment', `TWILIO_VERIFY_SIGNATURE=false is refused unless the daemon listens on loopback only (HOST is ${host}; set HOST=127.0.0.1)`)
    }
    verify = 'loopback'
    notes.push({ level: 'warn', msg: 'sms: TWILIO_VERIFY_SIGNATURE=false: signature checks are OFF; unsigned webhooks are accepted from loopback only' })
  } else if (publicUrl === '') {
    notes.push({ level: 'warn', msg: 'sms: PUBLIC_URL is not set: signatures are checked against the request\'s own Host header, which is wrong behind a proxy or tunnel' })
  }
  const localConsole = verify === 'loopback' && senders.size === 0
  if (localConsole) {
    notes.push({ level: 'warn', msg: 'sms: no AUTHORIZED_NUMBERS: requests from loopback are answered as a local admin console; set AUTHORIZED_NUMBERS to enforce senders' })
  } else if (senders.size === 0) {
    notes.push({ level: 'warn', msg: 'sms: no AUTHORIZED_NUMBERS: every sender is unknown and gets no answer' })
  } else {
    notes.push({ level: 'info', msg: `sms: ${senders.size} authorised number(s), ${env.SMS_RATE_LIMIT_PER_SENDER} messages per ${env.SMS_RATE_LIMIT_WINDOW} each` })
  }

  return {
    verify,
    authToken: env.TWILIO_AUTH_TOKEN,
    publicUrl,
    senders,
    localConsole,
    replyDeadlineMs: env.SMS_REPLY_DEADLINE_MS,
    perSenderLimit: env.SMS_RATE_LIMIT_PER_SENDER,
    globalLimit: env.SMS_RATE_LIMIT_GLOBAL,
    windowMs,
    windowText: env.SMS_RATE_LIMIT_WINDOW.trim(),
    idempotencyTtlMs: 24 * 3_600_000,
    outbound: {
      accountSid: env.TWILIO_ACCOUNT_SID,
      authToken: env.TWILIO_AUTH_TOKEN,
      messagingServiceSid: env.TWILIO_MESSAGING_SERVICE_SID,
      fromNumber: env.TWILIO_FROM_NUMBER,
      apiBaseUrl: env.TWILIO_API_BASE_URL
    },
    state: stateSettings(env),
    notes
  }
}
