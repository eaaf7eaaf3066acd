import { usageError } from '@operator/core'

/** What `metrics <name or query> [over 1h]` asks for. */
export interface MetricsRequest {
  /** The Datadog query sent. */
  readonly query: string
  /** The named query used, if any. */
  readonly name: string | undefined
  /** Seconds before now the window starts. */
  readonly windowSeconds: number
  /** `over <duration>` was given: min / avg / max / last per series rather than one value. */
  readonly range: boolean
}

/** The default window: the last 5 minutes, so a query rolled up per minute has a few points to take the last of. */
export const DEFAULT_WINDOW_SECONDS = 300
const MAX_WINDOW_SECONDS = 31 * 86_400
const UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 }
const OVER = /^(?:over|last|for)$/i
const DURATION = /^(\d+)([smhdw])$/i

/** `90s`, `15m`, `1h`, `2d`, `1w` → seconds; undefined when it is not a duration. */
export function parseDuration (text: string): number | undefined {
  const m = DURATION.exec(text)
  if (m === null) return undefined
  return Number(m[1]) * UNITS[m[2]!.toLowerCase()]!
}

/** Looks like a Datadog query rather than a mistyped name: it has a metric path, a scope or an aggregator. */
function looksLikeQuery (text: string): boolean {
  return /[.:{(]/.test(text)
}

export function parseMetricsArgs (argv: readonly string[], queries: Readonly<Record<string, string>>): MetricsRequest {
  let words = [...argv]
  let windowSeconds = DEFAULT_WINDOW_SECONDS
  let range = false
  if (words.length >= 2 && OVER.test(words[words.length - 2]!)) {
    const seconds = parseDuration(words[words.length - 1]!)
    if (seconds === undefined) {
      throw usageError(`'${words[words.length - 1]!.slice(0, 20)}' is not a duration: try over 15m, over 1h or over 1d`)
    }
    if (seconds < 60 || seconds > MAX_WINDOW_SECONDS) throw usageError('The range must be between 1m and 31d.')
    windowSeconds = seconds
    range = true
    words = words.slice(0, -2)
  }
  const text = words.join(' ')
  if (text === '') throw usageError('Text metrics <name or query> [over 1h], e.g. metrics cpu.')
  const named = words.length === 1 ? queries[text.toLowerCase()] : undefined
  if (named !== undefined) return { query: named, name: text.toLowerCase(), windowSeconds, range }
  if (words.length === 1 && !looksLikeQuery(text)) {
    throw usageError(`No query named '${text.slice(0, 20)}'. Named: ${Object.keys(queries).sort().join(', ')}. Or text a Datadog query.`)
  }
  return { query: text, name: undefined, windowSeconds, range }
}
