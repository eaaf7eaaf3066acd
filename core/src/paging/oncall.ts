import { maskNumber } from '../channels/sms/numbers.js'

const WEEK_MS = 7 * 86_400_000
// 1970-01-05 was a Monday: weeks counted from it start on Monday 00:00 UTC.
const FIRST_MONDAY_MS = 4 * 86_400_000
/** Where the one-variable rotation hands over: Monday 09:00 UTC. */
export const HANDOFF_OFFSET_MS = 9 * 3_600_000

/** One step of an escalation: who is paged, and how long they have to ack before the next step. */
export interface EscalationStep {
  readonly numbers: readonly string[]
  readonly afterMs: number
}

/** A weekly rotation through numbers in order (ONCALL_NUMBERS), anchored at the handoff before the first start. */
export interface Rotation {
  readonly numbers: readonly string[]
  readonly shiftMs: number
  /** The start of the first number's first shift (epoch ms), kept in the store so every replica and restart agrees. */
  readonly anchor: number
}

export interface OnCallNow {
  readonly number: string
  readonly index: number
  /** When this shift hands over (epoch ms). */
  readonly until: number
  readonly next: string
}

/** The Monday 09:00 UTC at or before `now`: the anchor a new deployment's rotation starts from. */
export function handoffAtOrBefore (now: number): number {
  const sinceFirst = now - FIRST_MONDAY_MS - HANDOFF_OFFSET_MS
  return FIRST_MONDAY_MS + HANDOFF_OFFSET_MS + Math.floor(sinceFirst / WEEK_MS) * WEEK_MS
}

export function onCallAt (rotation: Rotation, now: number): OnCallNow | undefined {
  const n = rotation.numbers.length
  if (n === 0) return undefined
  const shifts = Math.floor((now - rotation.anchor) / rotation.shiftMs)
  const index = ((shifts % n) + n) % n
  return {
    number: rotation.numbers[index]!,
    index,
    until: rotation.anchor + (shifts + 1) * rotation.shiftMs,
    next: rotation.numbers[(index + 1) % n]!
  }
}

/** Who is paged for an incident opened at `now`: whoever is on call, then each next one in the rotation's order. */
export function rotationChain (rotation: Rotation, escalateAfterMs: number, now: number): EscalationStep[] {
  const current = onCallAt(rotation, now)
  if (current === undefined) return []
  const n = rotation.numbers.length
  const steps: EscalationStep[] = []
  for (let i = 0; i < n; i++) steps.push({ numbers: [rotation.numbers[(current.index + i) % n]!], afterMs: escalateAfterMs })
  return steps
}

/** A person as texts and replies show them: their name from the config, else the masked number. */
export function personName (names: ReadonlyMap<string, string>, number: string): string {
  return names.get(number) ?? maskNumber(number)
}
