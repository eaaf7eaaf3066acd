/**
 * The label names whose values differ between series: only those tell series apart on a small screen
 * (`{job="node", instance="a"}`, `{job="node", instance="b"}` → `instance`). A single series keeps all but `__name__`.
 */
export function distinguishingLabels (series: ReadonlyArray<Readonly<Record<string, string>>>): string[] {
  const names = new Set<string>()
  for (const s of series) for (const k of Object.keys(s)) if (k !== '__name__') names.add(k)
  if (series.length <= 1) return [...names].sort()
  return [...names].filter((name) => {
    const first = series[0]![name]
    return series.some((s) => s[name] !== first)
  }).sort()
}

/** `{instance="a", job="x"}` with only the given names, as `a x` or `instance=a job=x` when `withNames`. */
export function describeLabels (labels: Readonly<Record<string, string>>, names: readonly string[], withNames = false): string {
  return names.filter((n) => labels[n] !== undefined && labels[n] !== '')
    .map((n) => (withNames ? `${n}=${labels[n]!}` : labels[n]!)).join(' ')
}
