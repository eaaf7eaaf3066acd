import { ERR_STORE_QUERY } from '../errors.js'
import { maskNumber, normalizeNumber } from '../channels/sms/numbers.js'
import type { Direction, MessageFilter, MessageQuery, Outcome } from '../store/types.js'

/** Every outcome a message in the history can have. */
export const HISTORY_OUTCOMES: readonly Outcome[] = [
  'answered', 'error', 'denied', 'unknown-command', 'rate-limited', 'duplicate', 'forged', 'unknown-sender', 'sent', 'failed'
]
export const HISTORY_MAX_LIMIT = 1000
const DIRECTIONS: readonly Direction[] = ['in', 'out']
const COMMAND = /^[a-z0-9][a-z0-9-]{0,31}$/
const MAX_TEXT = 200

/** How a field is called where the query came from: `since` in the API, `--since` on the command line. */
export type FieldLabel = (field: string) => string
const asIs: FieldLabel = (field) => field

function shown (value: string): string {
  return value.length > 30 ? `${value.slice(0, 30)}...` : value
}

function isOutcome (value: string): value is Outcome {
  return (HISTORY_OUTCOMES as readonly string[]).includes(value)
}

/**
 * A typed query checked and put in the store's form: the number normalised to E.164 (any common writing, as in
 * AUTHORIZED_NUMBERS), the command lower case. Bad input throws OPR_ERR_STORE_QUERY with one line naming the field.
 */
export function checkHistoryQuery (q: MessageQuery, label: FieldLabel = asIs): MessageQuery {
  const bad = (field: string, expected: string): never => { throw new ERR_STORE_QUERY(`${label(field)} ${expected}`) }
  const out: { -readonly [K in keyof MessageQuery]: MessageQuery[K] } = {}
  for (const field of ['since', 'until'] as const) {
    const value = q[field]
    if (value === undefined) continue
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) bad(field, 'must be epoch milliseconds')
    out[field] = value
  }
  if (out.since !== undefined && out.until !== undefined && out.until <= out.since) bad('until', `must be after ${label('since')}`)
  if (q.number !== undefined) {
    const number = typeof q.number === 'string' ? normalizeNumber(q.number) : undefined
    out.number = number ?? bad('number', `must be an international number such as +14155550100, not '${maskNumber(String(q.number))}'`)
  }
  if (q.command !== undefined) {
    const command = typeof q.command === 'string' ? q.command.trim().toLowerCase() : ''
    out.command = COMMAND.test(command) ? command : bad('command', `must be a command name such as db, not '${shown(String(q.command))}'`)
  }
  if (q.outcome !== undefined) {
    out.outcome = typeof q.outcome === 'string' && isOutcome(q.outcome) ? q.outcome : bad('outcome', `must be one of ${HISTORY_OUTCOMES.join(', ')}`)
  }
  if (q.direction !== undefined) {
    out.direction = DIRECTIONS.includes(q.direction) ? q.direction : bad('direction', 'must be in or out')
  }
  if (q.text !== undefined) {
    if (typeof q.text !== 'string' || q.text.length > MAX_TEXT) bad('text', `must be at most ${MAX_TEXT} characters`)
    if (q.text.trim() !== '') out.text = q.text.trim()
  }
  if (q.limit !== undefined) {
    if (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > HISTORY_MAX_LIMIT) bad('limit', `must be a whole number from 1 to ${HISTORY_MAX_LIMIT}`)
    out.limit = q.limit
  }
  if (q.cursor !== undefined) {
    if (typeof q.cursor !== 'string' || q.cursor === '') bad('cursor', 'must be the next of an earlier page')
    out.cursor = q.cursor
  }
  return out
}

/** A filter (no cursor or limit) checked the same way. */
export function checkHistoryFilter (f: MessageFilter, label: FieldLabel = asIs): MessageFilter {
  const { limit, cursor, ...filter } = checkHistoryQuery(f, label)
  return filter
}

/** The textual form of a query: a URL's query string, a command line's flags. Empty values count as not given. */
export interface HistoryParams {
  /** A duration back from now (`30m`, `1h`, `7d`, `2w`) or an ISO 8601 date or time (`2026-11-25`, `2026-11-25T10:00Z`). */
  readonly since?: string
  /** The same forms: an exclusive upper bound. */
  readonly until?: string
  /** A phone number in any common writing: the sender of a message in, the recipient of one out. */
  readonly number?: string
  readonly command?: string
  readonly outcome?: string
  /** `in` or `out`. */
  readonly direction?: string
  /** A case-insensitive substring of the text. */
  readonly text?: string
  /** 1 to 1000. */
  readonly limit?: string
  /** The `next` of an earlier page. */
  readonly cursor?: string
}

const AGO = /^(\d{1,6})\s*(s|m|min|h|d|w)$/i
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i
const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }

/** `1h` → an hour before `now`; `2026-11-25` (midnight UTC) or `2026-11-25T10:00Z` → that moment; else undefined. */
export function parseHistoryTime (text: string, now: number): number | undefined {
  const s = text.trim()
  const ago = AGO.exec(s)
  if (ago !== null) {
    const ms = Number(ago[1]) * UNIT_MS[ago[2]!.toLowerCase()]!
    return ms > 0 ? now - ms : undefined
  }
  if (!ISO_DATE.test(s)) return undefined
  const time = Date.parse(s.replace(' ', 'T'))
  return Number.isNaN(time) ? undefined : time
}

function given (value: string | undefined): value is string {
  return value !== undefined && value.trim() !== ''
}

/**
 * The textual form checked and turned into a query, as `operator history` and the console read their filters. `now`
 * anchors durations; `label` names fields as the caller's users know them (`--from`). Bad input: OPR_ERR_STORE_QUERY.
 */
export function parseHistoryParams (params: HistoryParams, now: number, label: FieldLabel = asIs): MessageQuery {
  const q: { -readonly [K in keyof MessageQuery]: MessageQuery[K] } = {}
  for (const field of ['since', 'until'] as const) {
    const text = params[field]
    if (!given(text)) continue
    const time = parseHistoryTime(text, now)
    if (time === undefined) {
      throw new ERR_STORE_QUERY(`${label(field)} must be a duration back from now (30m, 1h, 7d, 2w) or an ISO date such as 2026-11-25T10:00Z, not '${shown(text)}'`)
    }
    q[field] = time
  }
  if (given(params.limit)) {
    const limit = /^\d{1,5}$/.test(params.limit.trim()) ? Number(params.limit) : NaN
    q.limit = Number.isNaN(limit) ? -1 : limit
  }
  if (given(params.number)) q.number = params.number
  if (given(params.command)) q.command = params.command
  if (given(params.outcome)) q.outcome = params.outcome.trim().toLowerCase() as Outcome
  if (given(params.direction)) q.direction = params.direction.trim().toLowerCase() as Direction
  if (given(params.text)) q.text = params.text
  if (given(params.cursor)) q.cursor = params.cursor.trim()
  return checkHistoryQuery(q, label)
}
