import { countSegments } from '../sms/index.js'

/**
 * Takes lines in order while they fit in `budget` characters (newlines counted), and says how many were left out:
 * `+N more` by default. Lines longer than the budget are cut with `...`. Always shows at least one line.
 */
export function fitLines (lines: readonly string[], budget: number, more: (n: number) => string = (n) => `+${n} more`): string {
  const out: string[] = []
  let used = 0
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!
    const left = lines.length - i - 1
    const reserve = left > 0 ? more(left).length + 1 : 0
    const room = budget - used - (out.length > 0 ? 1 : 0)
    if (line.length > room - reserve) {
      if (out.length === 0) {
        line = truncate(line, Math.max(8, room - reserve))
      } else {
        out.push(more(lines.length - i))
        return out.join('\n')
      }
    }
    out.push(line)
    used += line.length + (out.length > 1 ? 1 : 0)
  }
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
export function fitReply (lines: readonly string[], budget: number, more?: (n: number) => string): string {
  let room = budget
  let text = fitLines(lines, room, more)
  for (let attempt = 0; attempt < 6; attempt++) {
    const { encoding, units } = countSegments(text)
    const cost = encoding === 'GSM-7' ? units : Math.ceil(units * GSM7_PART / UCS2_PART)
    if (cost <= budget) return text
    room = Math.max(16, room - (cost - budget) - attempt)
    text = fitLines(lines, room, more)
  }
  return text
}
