/** Levenshtein distance with an early exit once every path is worse than `max`. */
export function editDistance (a: string, b: string, max = Infinity): number {
  if (a === b) return 0
  if (Math.abs(a.length - b.length) > max) return max + 1
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    let best = i
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      const v = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost)
      row.push(v)
      if (v < best) best = v
    }
    if (best > max) return max + 1
    prev = row
  }
  return prev[b.length]!
}

/** The nearest candidate within a typo's distance (1 for short words, 2 for longer ones, 3 from 9 letters). */
export function closest (word: string, candidates: readonly string[]): string | undefined {
  const max = word.length <= 3 ? 1 : word.length <= 8 ? 2 : 3
  let best: string | undefined
  let bestDistance = max + 1
  for (const c of candidates) {
    const d = editDistance(word, c, max)
    if (d < bestDistance || (d === bestDistance && best !== undefined && c < best)) {
      best = c
      bestDistance = d
    }
  }
  return bestDistance <= max ? best : undefined
}
