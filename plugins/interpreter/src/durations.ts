import type { Word } from './words.js'

/** A stretch of time read from a text: how far back from now, and which words said it. */
export interface Duration {
  readonly seconds: number
  /** Index of the first word and one past the last. */
  readonly start: number
  readonly end: number
}

const UNIT_SECONDS: ReadonlyMap<string, number> = new Map(Object.entries({
  s: 1, sec: 1, secs: 1, second: 1, seconds: 1,
  m: 60, min: 60, mins: 60, minute: 60, minutes: 60, mn: 60,
  h: 3600, hr: 3600, hrs: 3600, hour: 3600, hours: 3600,
  d: 86_400, day: 86_400, days: 86_400,
  w: 604_800, wk: 604_800, wks: 604_800, week: 604_800, weeks: 604_800
}))

const NUMBER_WORDS: ReadonlyMap<string, number> = new Map(Object.entries({
  a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  twelve: 12, fifteen: 15, twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, ninety: 90,
  couple: 2, few: 3, half: 0.5
}))

/** Words that say "back from now": `last hour`, `past 30 minutes`, `since 2pm`, `over 1h`. */
const BACK = new Set(['last', 'past', 'previous', 'prev', 'since', 'from', 'over', 'for', 'within', 'during', 'in'])
/** Words after which a bare unit is a duration: `last hour`, `past day` (but not `in hour`). */
const LAST = new Set(['last', 'past', 'previous', 'prev'])
const FILLER = new Set(['the', 'a', 'of'])
/** `2h`, `30m`, `1d` typed as one word. */
const COMPACT = /^(\d{1,4})(s|sec|secs|m|min|mins|mn|h|hr|hrs|d|w|wk)$/
const CLOCK = /^(\d{1,2})(?::(\d{2}))?(am|pm)?$/

/** Every word a duration can be made of, for the vocabulary (so `minuts` is corrected to `minutes`). */
export const DURATION_WORDS: readonly string[] = [
  ...UNIT_SECONDS.keys(), ...NUMBER_WORDS.keys(), ...BACK, 'ago', 'today', 'yesterday', 'noon', 'midnight',
  'morning', 'am', 'pm', 'hour', 'week', 'night', 'tonight', 'overnight'
]

function amount (word: string | undefined): number | undefined {
  if (word === undefined) return undefined
  if (/^\d{1,4}(\.\d+)?$/.test(word)) return Number(word)
  return NUMBER_WORDS.get(word)
}

/** Seconds since a time of day in the sender's day (`2pm`, `14:30`, `9`): the latest such moment not after now. */
function sinceClock (hour: number, minute: number, meridiem: string | undefined, localSeconds: number): number | undefined {
  if (hour > 23 || minute > 59 || (meridiem !== undefined && (hour === 0 || hour > 12))) return undefined
  const hours = meridiem === undefined
    ? (hour <= 12 ? [hour % 12, hour % 12 + 12] : [hour])
    : [hour % 12 + (meridiem === 'pm' ? 12 : 0)]
  let best: number | undefined
  for (const h of hours) {
    let back = localSeconds - (h * 3600 + minute * 60)
    if (back <= 0) back += 86_400
    if (best === undefined || back < best) best = back
  }
  return best
}

/**
 * The first duration in the words, if any. `localSeconds` is the time of day where the sender is (seconds since
 * their midnight), for `since 2pm`, `today` and `since midnight`.
 */
export function findDuration (words: readonly Word[], localSeconds: number): Duration | undefined {
  for (let i = 0; i < words.length; i++) {
    const found = durationAt(words, i, localSeconds)
    if (found !== undefined) return found
  }
  return undefined
}

/** `today`, `this morning`, `yesterday`, `overnight`, `last night`, starting at word i. */
function dayPeriod (words: readonly Word[], i: number, localSeconds: number): Duration | undefined {
  const word = words[i]?.text
  const next = words[i + 1]?.text
  if (word === 'today' || (word === 'this' && next === 'morning')) {
    const seconds = word === 'today' ? localSeconds : sinceClock(6, 0, 'am', localSeconds)!
    return { seconds: Math.max(60, seconds), start: i, end: word === 'today' ? i + 1 : i + 2 }
  }
  if (word === 'yesterday' || word === 'overnight' || (word === 'last' && next === 'night')) {
    return { seconds: word === 'yesterday' ? 86_400 : 12 * 3600, start: i, end: word === 'last' ? i + 2 : i + 1 }
  }
  return undefined
}

function durationAt (words: readonly Word[], i: number, localSeconds: number): Duration | undefined {
  const w = (k: number): string | undefined => words[k]?.text
  const word = w(i)!
  const day = dayPeriod(words, i, localSeconds)
  if (day !== undefined) return day
  if (!BACK.has(word)) return ago(words, i)
  let k = i + 1
  for (;;) {
    // `since yesterday`, `over last night`
    const after = dayPeriod(words, k, localSeconds)
    if (after !== undefined) return { ...after, start: i }
    if (!FILLER.has(w(k) ?? '') && !BACK.has(w(k) ?? '')) break
    k++
  }
  if (word === 'since' || word === 'from') {
    const next = w(k)
    if (next === 'midnight') return { seconds: Math.max(60, localSeconds), start: i, end: k + 1 }
    if (next === 'noon') return { seconds: sinceClock(12, 0, 'pm', localSeconds)!, start: i, end: k + 1 }
    const clock = CLOCK.exec(next ?? '')
    if (clock !== null && !(w(k + 1) !== undefined && UNIT_SECONDS.has(w(k + 1)!))) {
      let meridiem = clock[3]
      let end = k + 1
      if (meridiem === undefined && (w(k + 1) === 'am' || w(k + 1) === 'pm')) {
        meridiem = w(k + 1)
        end++
      }
      const seconds = sinceClock(Number(clock[1]), Number(clock[2] ?? 0), meridiem, localSeconds)
      if (seconds !== undefined) return { seconds, start: i, end }
    }
  }
  const compact = COMPACT.exec(w(k) ?? '')
  if (compact !== null) return ending(words, i, k + 1, Number(compact[1]) * UNIT_SECONDS.get(compact[2]!)!)
  const n = amount(w(k))
  const unitAfterNumber = n === undefined ? undefined : UNIT_SECONDS.get(w(k + 1) ?? '')
  if (n !== undefined && unitAfterNumber !== undefined) {
    // `half an hour`, `a couple of hours`
    return ending(words, i, k + 2, n * unitAfterNumber)
  }
  if (n !== undefined && (w(k + 1) === 'an' || w(k + 1) === 'a' || w(k + 1) === 'of')) {
    const unit = UNIT_SECONDS.get(w(k + 2) ?? '')
    if (unit !== undefined) return ending(words, i, k + 3, n * unit)
  }
  // `last hour`, `past day`: one of the unit
  const unit = UNIT_SECONDS.get(w(k) ?? '')
  if (unit !== undefined && unit >= 60 && words.slice(i, k).some((x) => LAST.has(x.text))) return ending(words, i, k + 1, unit)
  return undefined
}

/** `30 min ago`, `2h ago`, and a bare `2h`/`30m` (never a bare `500s`: that is more likely HTTP statuses). */
function ago (words: readonly Word[], i: number): Duration | undefined {
  const word = words[i]!.text
  const compact = COMPACT.exec(word)
  if (compact !== null) {
    const seconds = Number(compact[1]) * UNIT_SECONDS.get(compact[2]!)!
    if (seconds === 0) return undefined
    if (words[i + 1]?.text === 'ago') return { seconds, start: i, end: i + 2 }
    return compact[2]!.startsWith('s') ? undefined : { seconds, start: i, end: i + 1 }
  }
  const n = amount(word)
  const unit = UNIT_SECONDS.get(words[i + 1]?.text ?? '')
  if (n !== undefined && unit !== undefined && words[i + 2]?.text === 'ago') return { seconds: n * unit, start: i, end: i + 3 }
  return undefined
}

/** The duration's words run on to a trailing `ago` (`since 30 minutes ago`). */
function ending (words: readonly Word[], start: number, end: number, seconds: number): Duration | undefined {
  if (seconds <= 0) return undefined
  return { seconds, start, end: words[end]?.text === 'ago' ? end + 1 : end }
}

/** The compact form every first-party command takes: whole minutes, hours or days (`90m`, `2h`, `1d`). */
export function formatDuration (seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60))
  if (minutes % 1440 === 0) return `${minutes / 1440}d`
  if (minutes % 60 === 0) return `${minutes / 60}h`
  return `${minutes}m`
}
