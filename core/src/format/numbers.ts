const SUFFIXES = [
  { at: 1e12, suffix: 'T' },
  { at: 1e9, suffix: 'G' },
  { at: 1e6, suffix: 'M' },
  { at: 1e3, suffix: 'k' }
]

/**
 * A number as a person reads it on a phone: a few significant figures, k/M/G/T for large magnitudes, no trailing
 * zeros (`1234567` → `1.23M`, `0.000123` → `0.000123`, `12.5` → `12.5`). NaN and infinities print as themselves.
 */
export function formatNumber (value: number, significant = 3): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? '+Inf' : '-Inf'
  if (value === 0) return '0'
  const abs = Math.abs(value)
  for (const { at, suffix } of SUFFIXES) {
    if (abs >= at) return `${trim((value / at).toPrecision(significant))}${suffix}`
  }
  if (abs < 1e-4) return value.toExponential(significant - 1).replace(/\.?0+e/, 'e')
  return trim(value.toPrecision(significant))
}

function trim (s: string): string {
  if (s.includes('e')) return String(Number(s))
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s
}

/** `0.0042` → `0.42%` for ratios; `percent(12.345, false)` → `12.3%` for values already in percent. */
export function formatPercent (value: number, isRatio = true): string {
  return `${formatNumber(isRatio ? value * 100 : value)}%`
}

/** `90061000` → `1d1h`, `125000` → `2m5s`, `900` → `900ms`: how long, in at most two units. */
export function formatAge (ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`
  const s = Math.floor(ms / 1000)
  const units: Array<[number, string]> = [[86_400, 'd'], [3600, 'h'], [60, 'm'], [1, 's']]
  const parts: string[] = []
  let rest = s
  for (const [size, name] of units) {
    if (rest >= size || (parts.length > 0 && parts.length < 2)) {
      const n = Math.floor(rest / size)
      rest -= n * size
      if (n > 0 || parts.length > 0) parts.push(`${n}${name}`)
    }
    if (parts.length === 2) break
  }
  return parts.filter((p) => !/^0/.test(p)).join('') || '0s'
}

export interface SeriesSummary {
  readonly min: number
  readonly avg: number
  readonly max: number
  readonly last: number
}

/**
 * min / avg / max / last of a range series, for `metrics <q> over 1h` replies; undefined when there are no values.
 * Callers decide beforehand which values count (Prometheus keeps ±Inf, Datadog drops nulls).
 */
export function summarizeSeries (values: readonly number[]): SeriesSummary | undefined {
  if (values.length === 0) return undefined
  let min = Infinity
  let max = -Infinity
  let sum = 0
  for (const v of values) {
    if (v < min) min = v
    if (v > max) max = v
    sum += v
  }
  return { min, avg: sum / values.length, max, last: values[values.length - 1]! }
}
