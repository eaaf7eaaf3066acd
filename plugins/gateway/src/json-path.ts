/**
 * A small JSON path: dotted names and `[n]` indexes, e.g. `data.stats[0].rpm`; a leading `$.` is allowed and a
 * negative index counts from the end (`items[-1]`). Enough to point at a number in a home-grown status document.
 */
export type PathStep = string | number

const STEP = /([^.[\]]+)|\[(-?\d+)\]/y

/** Parses a path into steps; undefined when it is not in the syntax above. */
export function parsePath (path: string): PathStep[] | undefined {
  const text = path.startsWith('$.') ? path.slice(2) : path.startsWith('$[') ? path.slice(1) : path
  if (text === '') return undefined
  const steps: PathStep[] = []
  let at = 0
  while (at < text.length) {
    if (steps.length > 0 && text[at] === '.') at++
    STEP.lastIndex = at
    const m = STEP.exec(text)
    if (m === null) return undefined
    steps.push(m[1] !== undefined ? m[1] : Number(m[2]))
    at = STEP.lastIndex
  }
  return steps
}

/** The value at `steps`, or `{ found: false }` when any step is missing. */
export function resolvePath (doc: unknown, steps: readonly PathStep[]): { found: true, value: unknown } | { found: false } {
  let node = doc
  for (const step of steps) {
    if (typeof step === 'number') {
      if (!Array.isArray(node)) return { found: false }
      const i = step < 0 ? node.length + step : step
      if (i < 0 || i >= node.length) return { found: false }
      node = node[i]
    } else {
      if (node === null || typeof node !== 'object' || Array.isArray(node) || !Object.hasOwn(node, step)) return { found: false }
      node = (node as Record<string, unknown>)[step]
    }
  }
  return node === undefined ? { found: false } : { found: true, value: node }
}
