import { ROLES, type Role, type Sender } from '../../plugins/contract.js'
import { maskNumber, normalizeNumber } from './numbers.js'

/** A start-up problem with the sender settings: which key and what is wrong. */
export class SenderConfigError extends Error {
  constructor (readonly key: string, readonly detail: string) {
    super(`${key} ${detail}`)
  }
}

function isRole (value: string): value is Role {
  return (ROLES as readonly string[]).includes(value)
}

const ENTRY_SEPARATOR = /[,;\n]/
const ROLE_SUFFIX = /:\s*([A-Za-z]+)\s*$/

/**
 * `AUTHORIZED_NUMBERS="+14155550100:admin, +1 415 555 0101"`: numbers in any common writing (normalised to E.164),
 * each with an optional `:role`; numbers without one get `defaultRole`.
 */
export function parseAuthorizedNumbers (text: string, defaultRole: Role, key = 'AUTHORIZED_NUMBERS'): Map<string, Role> {
  const roles = new Map<string, Role>()
  const entries = text.split(ENTRY_SEPARATOR)
  for (let i = 0; i < entries.length; i++) {
    let entry = entries[i]!.trim()
    if (entry === '') continue
    let role = defaultRole
    const suffix = ROLE_SUFFIX.exec(entry)
    if (suffix !== null && suffix[1]!.toLowerCase() !== 'whatsapp') {
      const named = suffix[1]!.toLowerCase()
      if (!isRole(named)) throw new SenderConfigError(key, `entry ${i + 1} has role '${named.slice(0, 20)}'; roles are ${ROLES.join(', ')}`)
      role = named
      entry = entry.slice(0, suffix.index)
    }
    const number = normalizeNumber(entry)
    if (number === undefined) {
      throw new SenderConfigError(key, `entry ${i + 1} (${maskNumber(entry)}) is not an international number: write it as +<country code><number>`)
    }
    const prior = roles.get(number)
    if (prior !== undefined && prior !== role) throw new SenderConfigError(key, `gives ${maskNumber(number)} two roles (${prior} and ${role})`)
    roles.set(number, role)
  }
  return roles
}

/** Who may text Operator and with what role; Sender objects are made once here, not per message. */
export class SenderDirectory {
  readonly #senders = new Map<string, Sender>()

  constructor (roles: ReadonlyMap<string, Role>) {
    for (const [id, role] of roles) this.#senders.set(id, Object.freeze({ id, role, channel: 'sms' as const }))
  }

  get size (): number {
    return this.#senders.size
  }

  /** The authorised sender for a normalised number, or undefined for a stranger. */
  lookup (number: string): Sender | undefined {
    return this.#senders.get(number)
  }
}
