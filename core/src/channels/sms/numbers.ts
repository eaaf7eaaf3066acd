// Phone numbers as Twilio sends them and as people write them, reduced to E.164: the one form used as an identity.

const E164 = /^\+[1-9]\d{6,14}$/
// Spaces (incl. no-break), dashes, dots, slashes and brackets people put in numbers.
const SEPARATORS = /[\s\u00a0\-.()/[\]]/g
const WHATSAPP = /^whatsapp:/i
const LEADING_SPACE_DIGIT = /^ [1-9]\d{6,14}$/

/**
 * `+1 (415) 555-0100`, `0014155550100`, `whatsapp:+14155550100` → `+14155550100`; undefined when it is not an
 * international number (national formats, short codes and alphanumeric senders have no E.164 form).
 */
export function normalizeNumber (raw: string): string | undefined {
  // The hot path: Twilio sends SMS senders already in E.164.
  if (E164.test(raw)) return raw
  // `curl -d From=+1415...` sends a literal `+`, which form decoding turns into a space: read it as the `+` it was.
  let s = LEADING_SPACE_DIGIT.test(raw) ? `+${raw.slice(1)}` : raw.trim()
  if (WHATSAPP.test(s)) s = s.slice(9)
  s = s.replace(SEPARATORS, '')
  if (s.startsWith('00')) s = `+${s.slice(2)}`
  return E164.test(s) ? s : undefined
}

/** Whether the sender wrote over WhatsApp (replies then go back over WhatsApp). */
export function isWhatsApp (raw: string): boolean {
  return WHATSAPP.test(raw)
}

/**
 * A number as logs may show it: `+14155550100` → `+1415***0100`. Anything that is not E.164 keeps at most its
 * first and last two characters, so a stray secret pasted into From never lands in a log.
 */
export function maskNumber (raw: string): string {
  if (E164.test(raw)) return raw.length > 9 ? `${raw.slice(0, 5)}***${raw.slice(-4)}` : `${raw.slice(0, 3)}***${raw.slice(-2)}`
  if (raw.length <= 4) return '***'
  return `${raw.slice(0, 2)}***${raw.slice(-2)}`
}
