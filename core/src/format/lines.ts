import type { FormatContext } from '../plugins/contract.js'
import { countSegments } from '../sms/index.js'

/** A formatter's budget: its characters alone, or the whole context (whose `overflow` then keeps the rest for `more`). */
export type LineBudget = number | Pick<FormatContext, 'budget' | 'overflow'>

/** What a list cut short says when `more` will send the rest. */
export function continuesWithMore (n: number): string {
  return `+${n} more: text MORE`
}

/**
 * Takes lines in order while they fit in the budget's characters (newlines counted), and says how many were left
 * out: `+N more` by default, or `+N more: text MORE` when the budget is a context with `overflow`, which is then
 * given the lines left out (all of them, uncut) so that `more` continues the list. Lines longer than the budget are
 * cut with `...`. Always shows at least one line.
 */
export function fitLines (lines: readonly string[], budget: LineBudget, more?: (n: number) => string): string {
  const chars = typeof budget === 'number' ? budget : budget.budget
  const overflow = typeof budget === 'number' ? undefined : budget.overflow
  const label = more ?? (overflow !== undefined ? continuesWithMore : (n: number) => `+${n} more`)
  const out: string[] = []
  let used = 0
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!
    const left = lines.length - i - 1
    const reserve = left > 0 ? label(left).length + 1 : 0
    const room = chars - used - (out.length > 0 ? 1 : 0)
    if (line.length > room - reserve) {
      if (out.length === 0) {
        line = truncate(line, Math.max(8, room - reserve))
      } else {
        out.push(label(lines.length - i))
        overflow?.(lines.slice(i))
        return out.join('\n')
      }
    }
    out.push(line)
    used += line.length + (out.length > 1 ? 1 : 0)
  }
  overflow?.([])
  return out.join('\n')
}

/** Cuts a string to `max` characters with a trailing `...`. */
export function truncate (text: string, max: number): string {
  if (text.length <= max) return text
  return max <= 3 ? text.slice(0, max) : `${text.slice(0, max - 3)}...`
}

// Concatenated-segment capacity per encoding: a budget in GSM-7 characters holds fewer UCS-2 units.
const GSM7_PART = 153
const UCS2_PART = 67

/**
 * fitLines measured the way an SMS is: `{ } [ ] | ~ ^ \ €` cost two septets in GSM-7 and one non-GSM character
 * makes the whole text UCS-2, so `budget` plain characters may still need more segments. Shrinks the room until
 * the text's real cost fits the budget, so the reply stays on one page.
 */
export function fitReply (lines: readonly string[], budget: LineBudget, more?: (n: number) => string): string {
  const chars = typeof budget === 'number' ? budget : budget.budget
  const within = (room: number): LineBudget => (typeof budget === 'number' ? room : { budget: room, overflow: budget.overflow })
  let room = chars
  let text = fitLines(lines, within(room), more)
  for (let attempt = 0; attempt < 6; attempt++) {
    const { encoding, units } = countSegments(text)
    const cost = encoding === 'GSM-7' ? units : Math.ceil(units * GSM7_PART / UCS2_PART)
    if (cost <= chars) return text
    room = Math.max(16, room - (cost - chars) - attempt)
    text = fitLines(lines, within(room), more)
  }
  return text
}
