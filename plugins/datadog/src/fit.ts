import { countSegments, fitLines } from '@operator/core'

// Concatenated-segment capacity per encoding: a budget in GSM-7 characters holds fewer UCS-2 units.
const GSM7_PART = 153
const UCS2_PART = 67

/**
 * fitLines measured the way an SMS is (the same rule as the Prometheus plugin's): `{ } [ ] | ~ ^ \` cost two
 * septets and one non-GSM character makes the whole text UCS-2, so a reply of `budget` plain characters may need
 * more segments. Datadog queries are full of braces, so the room shrinks until the text's real cost fits.
 */
export function fitReply (lines: readonly string[], budget: number): string {
  let room = budget
  let text = fitLines(lines, room)
  for (let attempt = 0; attempt < 6; attempt++) {
    const { encoding, units } = countSegments(text)
    const cost = encoding === 'GSM-7' ? units : Math.ceil(units * GSM7_PART / UCS2_PART)
    if (cost <= budget) return text
    room = Math.max(16, room - (cost - budget) - attempt)
    text = fitLines(lines, room)
  }
  return text
}
