import type { OperatorEnv } from '../config/env-schema.js'
import type { OperatorConfigFile } from '../config/file.js'
import { ERR_PAGING_CONFIG } from '../errors.js'
import { maskNumber, normalizeNumber } from '../channels/sms/numbers.js'
import { parseAuthorizedNumbers } from '../channels/sms/senders.js'
import { parseDuration } from '../channels/sms/settings.js'
import type { OutboundSettings } from '../channels/sms/outbound.js'

const WEEK_MS = 7 * 86_400_000

export interface PagingSettings {
  /** ONCALL_NUMBERS: the weekly rotation, in order. */
  readonly rotation: readonly string[]
  readonly shiftMs: number
  readonly escalateAfterMs: number
  readonly resolvedNotices: boolean
  readonly dailySegments: number
  /** Admin numbers (AUTHORIZED_NUMBERS `:admin`): budget warnings and numbers that cannot be paged. */
  readonly admins: readonly string[]
  /** `oncall.people`: names for numbers, so texts and history say who. */
  readonly names: ReadonlyMap<string, string>
  /** PUBLIC_URL/sms/status; undefined without PUBLIC_URL (no delivery status then). */
  readonly statusCallback: string | undefined
  readonly outbound: OutboundSettings
}

function numbersOf (text: string, key: string): string[] {
  const out: string[] = []
  text.split(/[,;\n]/).map((s) => s.trim()).filter((s) => s !== '').forEach((entry, i) => {
    const n = normalizeNumber(entry)
    if (n === undefined) throw new ERR_PAGING_CONFIG(`${key} entry ${i + 1} (${maskNumber(entry)}) is not an international number: write it as +<country code><number>`)
    if (!out.includes(n)) out.push(n)
  })
  return out
}

function peopleOf (section: Readonly<Record<string, unknown>>): Map<string, string> {
  const people = section.people
  const names = new Map<string, string>()
  if (people === undefined) return names
  if (typeof people !== 'object' || people === null || Array.isArray(people)) throw new ERR_PAGING_CONFIG('oncall.people must map numbers to names')
  for (const [raw, name] of Object.entries(people)) {
    const n = normalizeNumber(raw)
    if (n === undefined) throw new ERR_PAGING_CONFIG(`oncall.people has ${maskNumber(raw)}, which is not an international number`)
    if (typeof name !== 'string' || !/^[\w .'-]{1,30}$/.test(name)) throw new ERR_PAGING_CONFIG(`oncall.people["${maskNumber(n)}"] must be a short name (letters, digits, spaces)`)
    names.set(n, name)
  }
  return names
}

/** The paging settings from the validated environment and the config file's `oncall` section, checked at start-up. */
export function pagingSettings (env: OperatorEnv, configFile: OperatorConfigFile): PagingSettings {
  const escalateAfterMs = parseDuration(env.ONCALL_ESCALATE_AFTER)
  if (escalateAfterMs === undefined) {
    throw new ERR_PAGING_CONFIG(`ONCALL_ESCALATE_AFTER must be a duration such as '10m', '30s' or '1h', not '${env.ONCALL_ESCALATE_AFTER.slice(0, 30)}'`)
  }
  const roles = parseAuthorizedNumbers(env.AUTHORIZED_NUMBERS, env.DEFAULT_ROLE)
  const publicUrl = env.PUBLIC_URL.replace(/\/+$/, '')
  return {
    rotation: numbersOf(env.ONCALL_NUMBERS, 'ONCALL_NUMBERS'),
    shiftMs: WEEK_MS,
    escalateAfterMs,
    resolvedNotices: env.ONCALL_RESOLVED_NOTICES,
    dailySegments: env.SMS_DAILY_SEGMENTS,
    admins: [...roles].filter(([, role]) => role === 'admin').map(([n]) => n),
    names: peopleOf(configFile.oncall),
    statusCallback: publicUrl === '' ? undefined : `${publicUrl}/sms/status`,
    outbound: {
      accountSid: env.TWILIO_ACCOUNT_SID,
      authToken: env.TWILIO_AUTH_TOKEN,
      messagingServiceSid: env.TWILIO_MESSAGING_SERVICE_SID,
      fromNumber: env.TWILIO_FROM_NUMBER,
      apiBaseUrl: env.TWILIO_API_BASE_URL,
      // The outbox retries from its rows (a restart keeps the count); one try per send here.
      maxAttempts: 1
    }
  }
}
