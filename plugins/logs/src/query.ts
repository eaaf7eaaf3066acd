import { usageError } from '@operator/core'
import type { TimeWindow } from './drivers/types.js'

export const USAGE = 'Usage: logs <text> [since 30m|2h|1d] shows the newest matching lines; logs errors [since 1h] counts error lines per service.'

const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000 }
/** The longest window a person may ask for (Loki's default max query length is 30 days). */
const MAX_WINDOW_MS = 30 * 86_400_000

export type LogsRequest =
  | { readonly kind: 'usage' }
  | { readonly kind: 'search'; readonly text: string; readonly window: TimeWindow }
  | { readonly kind: 'errors'; readonly window: TimeWindow }

export function windowOf (minutes: number, now: number): TimeWindow {
  return { startMs: now - minutes * 60_000, endMs: now, label: labelOf(minutes * 60_000) }
}

function labelOf (ms: number): string {
  if (ms % UNIT_MS.d! === 0) return `${ms / UNIT_MS.d!}d`
  if (ms % UNIT_MS.h! === 0) return `${ms / UNIT_MS.h!}h`
  return `${ms / UNIT_MS.m!}m`
}

/**
 * `logs <text> [since 1h]`, `logs errors [since 1h]`, `logs find <text>` (searches even for the word `errors`).
 * The text is everything else, as typed: it is never parsed for operators.
 */
export function parseLogsArgs (argv: readonly string[], defaultMinutes: number, now: number): LogsRequest {
  let words = [...argv]
  let window = windowOf(defaultMinutes, now)
  const n = words.length
  if (n >= 2 && words[n - 2]!.toLowerCase() === 'since') {
    const m = /^(\d{1,5})([mhd])$/i.exec(words[n - 1]!)
    if (m === null) throw usageError(`Cannot read 'since ${words[n - 1]!.slice(0, 12)}': use a number with m, h or d, e.g. since 30m, since 2h, since 1d.`)
    const ms = Number(m[1]) * UNIT_MS[m[2]!.toLowerCase()]!
    if (ms <= 0) throw usageError('The window must be at least 1m.')
    if (ms > MAX_WINDOW_MS) throw usageError('The window can be at most 30d.')
    window = { startMs: now - ms, endMs: now, label: labelOf(ms) }
    words = words.slice(0, -2)
  }
  if (words.length === 0) return { kind: 'usage' }
  const first = words[0]!.toLowerCase()
  if (words.length === 1 && first === 'errors') return { kind: 'errors', window }
  if (first === 'find' && words.length > 1) words = words.slice(1)
  return { kind: 'search', text: words.join(' '), window }
}
