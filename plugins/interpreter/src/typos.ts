/**
 * Optimal string alignment distance (Levenshtein plus swapping two neighbours, the commonest thumb typo), giving up
 * with `max + 1` once every path is worse than `max`.
 */
export function typoDistance (a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1
  const width = b.length + 1
  let before = new Array<number>(width).fill(0)
  let prev = Array.from({ length: width }, (_, j) => j)
  let row = new Array<number>(width).fill(0)
  for (let i = 1; i <= a.length; i++) {
    row[0] = i
    let best = i
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let v = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, before[j - 2]! + 1)
      row[j] = v
      if (v < best) best = v
    }
    if (best > max) return max + 1
    ;[before, prev, row] = [prev, row, before]
  }
  return prev[b.length]!
}

/** How far a typed word may be from the word meant: none for short words, where a typo is another word. */
export function allowedTypos (length: number): number {
  return length <= 3 ? 0 : length <= 5 ? 1 : 2
}

/**
 * The words the reader knows, and the known word a mistyped one most likely is. Words are bucketed by length so a
 * lookup compares only words of about the same length.
 */
export class Vocabulary {
  readonly #known = new Set<string>()
  readonly #byLength = new Map<number, string[]>()
  /** Corrections already made: people make the same typos again. */
  readonly #memo = new Map<string, string | null>()

  constructor (words: Iterable<string>) {
    for (const w of words) {
      if (this.#known.has(w)) continue
      this.#known.add(w)
      const bucket = this.#byLength.get(w.length) ?? []
      bucket.push(w)
      this.#byLength.set(w.length, bucket)
    }
    for (const bucket of this.#byLength.values()) bucket.sort()
  }

  has (word: string): boolean {
    return this.#known.has(word)
  }

  /** The known word meant, or undefined when the word is unknown and close to nothing (or to two words alike). */
  correct (word: string): string | undefined {
    if (this.#known.has(word)) return word
    const memo = this.#memo.get(word)
    if (memo !== undefined) return memo ?? undefined
    const found = this.#closest(word)
    // Bounded: a stream of random words must not grow it without end.
    if (this.#memo.size >= 5000) this.#memo.clear()
    this.#memo.set(word, found ?? null)
    return found
  }

  #closest (word: string): string | undefined {
    const max = allowedTypos(word.length)
    if (max === 0 || /\d/.test(word)) return undefined
    let nearest: string[] = []
    let nearestDistance = max + 1
    for (let length = word.length - max; length <= word.length + max; length++) {
      for (const candidate of this.#byLength.get(length) ?? []) {
        // A typo seldom changes the first letter, and allowing it makes too many words look alike.
        if (candidate[0] !== word[0] && candidate.length < 6) continue
        const d = typoDistance(word, candidate, max)
        if (d < nearestDistance) {
          nearest = [candidate]
          nearestDistance = d
        } else if (d === nearestDistance) {
          nearest.push(candidate)
        }
      }
    }
    // Equally close: a thumb drops a letter more often than it adds one, so a word at least as long is meant.
    const longer = nearest.filter((c) => c.length >= word.length)
    const pick = longer.length > 0 ? longer : nearest
    return pick.length === 1 ? pick[0] : undefined
  }
}
