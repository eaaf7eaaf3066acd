import type { HealthResult } from '@operator/core'

/** The time range a command covers: [startMs, endMs], and how a person wrote it (`15m`, `1h`). */
export interface TimeWindow {
  readonly startMs: number
  readonly endMs: number
  readonly label: string
}

export interface LogLine {
  readonly timeMs: number
  readonly service?: string
  readonly level?: string
  readonly message: string
}

export interface SearchResult {
  /** Matches in the window (or at least this many when `atLeast`). */
  readonly total: number
  /** True when the backend was not asked for an exact count and more matches may exist. */
  readonly atLeast: boolean
  /** Newest first, at most the requested limit. */
  readonly lines: readonly LogLine[]
  /** How the backend matches, said when nothing matched (`whole words only`). */
  readonly hint?: string
}

export interface ErrorCounts {
  readonly total: number
  readonly atLeast: boolean
  /** Largest first. */
  readonly services: ReadonlyArray<{ readonly service: string; readonly count: number }>
}

/**
 * One backend. The user's text reaches `search` as data: each driver passes it in a form the backend cannot read as
 * query syntax. Every call takes the command's signal.
 */
export interface LogDriver {
  /** What error messages call the backend: `elasticsearch`, `loki`, `cloudwatch`. */
  readonly name: string
  /**
   * `scanUntil` (ms since the epoch): a driver that pages through a scan starts no new page after it and answers with
   * a partial count (`atLeast`) rather than run into the command's deadline.
   */
  search (text: string, window: TimeWindow, limit: number, signal: AbortSignal, scanUntil?: number): Promise<SearchResult>
  countErrors (window: TimeWindow, signal: AbortSignal, scanUntil?: number): Promise<ErrorCounts>
  health (signal: AbortSignal): Promise<HealthResult>
  /** Releases what the driver made lazily (core closes the HTTP pools itself). */
  close? (): Promise<void>
}

/** Tally per service, largest first (ties by name so replies are stable). */
export function tallyServices (services: Iterable<string>): Array<{ service: string; count: number }> {
  const counts = new Map<string, number>()
  for (const s of services) counts.set(s, (counts.get(s) ?? 0) + 1)
  return [...counts].map(([service, count]) => ({ service, count }))
    .sort((a, b) => b.count - a.count || a.service.localeCompare(b.service))
}
