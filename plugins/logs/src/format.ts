import { continuesWithMore, countSegments, fitLines, formatNumber, truncate, type LineBudget } from '@operator/core'
import type { ErrorCounts, LogLine, SearchResult } from './drivers/types.js'

export interface SearchView extends SearchResult {
  readonly text: string
  readonly label: string
  readonly backend: string
  readonly timeZone: string
}

export interface ErrorsView extends ErrorCounts {
  readonly label: string
  readonly backend: string
}

const clocks = new Map<string, Intl.DateTimeFormat>()

/** `HH:MM:SS` in the configured zone. */
export function clock (ms: number, timeZone: string): string {
  let f = clocks.get(timeZone)
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
    clocks.set(timeZone, f)
  }
  return f.format(new Date(ms))
}

/** `12:01:07 [checkout/error] message` with the message on one line. */
export function logLine (line: LogLine, timeZone: string): string {
  const tags = [line.service, line.level].filter((t) => t !== undefined && t !== '').join('/')
  const message = line.message.replace(/\s+/g, ' ').trim()
  return `${clock(line.timeMs, timeZone)}${tags === '' ? '' : ` [${tags}]`} ${message === '' ? '(empty line)' : message}`
}

/** The segments a budget of plain characters is worth, so text that turns UCS-2 is cut to the same bill. */
function segmentsFor (budget: number): number {
  return countSegments('x'.repeat(Math.max(1, budget))).segments
}

/** Narrowest a line gets before lines are dropped instead: the clock and tags alone take about 25 characters. */
const MIN_WIDTH = 40

/**
 * Header plus as many lines as fit: every line cut to the same width so the reply fits the budget's characters and,
 * for text that turns UCS-2 (emoji, CJK), its segments too; lines that cannot fit become `+N more` (`+N more: text
 * MORE` given a context with `overflow`, which then gets them whole for `more`).
 */
function fitToSegments (header: string, lines: readonly string[], within: LineBudget): string {
  const budget = typeof within === 'number' ? within : within.budget
  const overflow = typeof within === 'number' ? undefined : within.overflow
  const allowed = segmentsFor(budget)
  let text = header
  for (let shown = lines.length; shown >= 1; shown--) {
    const left = lines.length - shown
    const tail = left > 0 ? [overflow !== undefined ? continuesWithMore(left) : `+${left} more`] : []
    const room = budget - header.length - shown - (left > 0 ? tail[0]!.length + 1 : 0)
    let width = Math.max(MIN_WIDTH, Math.floor(room / shown))
    for (;;) {
      text = [header, ...lines.slice(0, shown).map((l) => truncate(l, width)), ...tail].join('\n')
      if (text.length <= budget && countSegments(text).segments <= allowed) {
        overflow?.(lines.slice(shown))
        return text
      }
      if (width <= MIN_WIDTH) break
      width = Math.max(MIN_WIDTH, Math.floor(width * 0.85))
    }
  }
  // One line does not fit even at the narrowest: let core paginate rather than lose it.
  return fitLines([header, ...lines], within)
}

/** Exact below 100k (a count is read digit by digit), then `1.23M`. */
function whole (n: number): string {
  return n < 100_000 ? String(n) : formatNumber(n)
}

function count (n: number, atLeast: boolean): string {
  return `${whole(n)}${atLeast ? '+' : ''}`
}

export function formatSearch (view: SearchView, budget: LineBudget): string {
  const quoted = truncate(view.text.replace(/\s+/g, ' '), 40)
  if (view.total === 0 && view.lines.length === 0) {
    return view.atLeast
      ? `No log lines matching "${quoted}" in the part of the last ${view.label} searched before the scan stopped (page or time limit).`
      : `No log lines matching "${quoted}" in the last ${view.label}${view.hint === undefined ? '' : ` (${view.hint})`}.`
  }
  const matches = `${count(view.total, view.atLeast)} match${view.total === 1 && !view.atLeast ? '' : 'es'} in ${view.label}`
  const header = view.lines.length === 0 ? `${matches}.` : `${matches}, newest ${view.lines.length}:`
  return fitToSegments(header, view.lines.map((l) => logLine(l, view.timeZone)), budget)
}

export function formatErrors (view: ErrorsView, budget: LineBudget): string {
  if (view.total === 0) return `No error lines in the last ${view.label}.`
  const header = `${count(view.total, view.atLeast)} error line${view.total === 1 && !view.atLeast ? '' : 's'} in ${view.label}:`
  const shown = view.services.map((s) => `${s.service} ${whole(s.count)}`)
  const listed = view.services.reduce((n, s) => n + s.count, 0)
  if (view.services.length > 0 && listed < view.total && !view.atLeast) shown.push(`other ${whole(view.total - listed)}`)
  return fitToSegments(header, shown, budget)
}
