import { usageError } from '@operator/core'

/** What `metrics …` asked for, after named queries are resolved. */
export type MetricsRequest =
  | { readonly kind: 'list' }
  | { readonly kind: 'instant'; readonly promql: string; readonly name?: string }
  | { readonly kind: 'range'; readonly promql: string; readonly name?: string; readonly rangeSec: number; readonly rangeText: string }

export const USAGE = 'metrics [name|PromQL] [over 1h]'

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 }
const DURATION_RE = /^(\d{1,4})(s|m|h|d|w)$/
/** A range longer than this is slow to compute and says little in four numbers. */
const MAX_RANGE_SEC = 30 * 86_400
/** Points per series a range query asks for. */
export const RANGE_POINTS = 60

/** `30m` → 1800; undefined for anything that is not a whole number and one unit. */
export function parseDuration (text: string): number | undefined {
  const match = DURATION_RE.exec(text.toLowerCase())
  if (match === null) return undefined
  return Number(match[1]) * UNIT_SECONDS[match[2]!]!
}

/** The step that gives about RANGE_POINTS points over the range (whole seconds, at least 1). */
export function rangeStep (rangeSec: number): number {
  return Math.max(1, Math.ceil(rangeSec / RANGE_POINTS))
}

// Phones like to “curl” quotes; PromQL needs straight ones.
function straightenQuotes (text: string): string {
  return text.replace(/[\u201C\u201D\u201E\u201F\u2033]/g, '"').replace(/[\u2018\u2019\u201A\u201B\u2032]/g, "'")
}

/**
 * `metrics` → list; `metrics cpu` → the named query; `metrics rate(x[5m]) over 6h` → a range query.
 * A single word that names a query wins over the same word as PromQL (`up` is both).
 */
export function parseMetricsArgs (argv: readonly string[], queries: ReadonlyMap<string, string>): MetricsRequest {
  if (argv.length === 0) return { kind: 'list' }
  let words = argv
  let range: { sec: number; text: string } | undefined
  const overAt = words.length - 2
  if (words.length >= 2 && words[overAt]!.toLowerCase() === 'over') {
    const text = words[overAt + 1]!.toLowerCase()
    const sec = parseDuration(text)
    if (sec === undefined || sec === 0) {
      throw usageError(`Bad range '${text.slice(0, 12)}': use a number and s, m, h, d or w, e.g. over 1h. Usage: ${USAGE}`)
    }
    if (sec > MAX_RANGE_SEC) throw usageError(`Range '${text}' is too long: at most 30d.`)
    range = { sec, text }
    words = words.slice(0, overAt)
  }
  if (words.length === 0) throw usageError(`Which query? Usage: ${USAGE}`)
  const joined = straightenQuotes(words.join(' '))
  const named = words.length === 1 ? queries.get(joined.toLowerCase()) : undefined
  const target = named === undefined
    ? { promql: joined }
    : { promql: named, name: joined.toLowerCase() }
  if (range === undefined) return { kind: 'instant', ...target }
  return { kind: 'range', ...target, rangeSec: range.sec, rangeText: range.text }
}
