/** One PgBouncer pool (a database/user pair), as `SHOW POOLS` reports it. */
export interface PoolStats {
  readonly database: string
  readonly user: string
  readonly clActive: number
  readonly clWaiting: number
  readonly svActive: number
  readonly svIdle: number
  readonly svUsed: number
  /** How long the oldest waiting client has waited, in ms. */
  readonly maxwaitMs: number
  readonly mode: string
}

/** Connection counts a JSON stats endpoint may report when there is no DB_URL. */
export interface ConnectionCounts {
  readonly used: number
  readonly max: number | undefined
  readonly active: number
  readonly idle: number
  readonly idleInTx: number
}

export interface StatsSnapshot {
  readonly pools: readonly PoolStats[]
  readonly connections?: ConnectionCounts
}

/** Where pool statistics come from: PgBouncer's admin console or an HTTP JSON endpoint. */
export interface StatsSource {
  /** How replies and errors name it: `pgbouncer` or `stats endpoint`. */
  readonly label: string
  read(signal: AbortSignal | undefined): Promise<StatsSnapshot>
  close(): Promise<void>
}

function num (value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN
  return Number.isFinite(n) ? n : 0
}

function str (value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value)
}

/**
 * A `SHOW POOLS` row (from the console, or the same names in JSON) as PoolStats. `maxwait` is whole seconds and
 * `maxwait_us` the microseconds on top, as PgBouncer reports them.
 */
export function poolFromRow (row: Readonly<Record<string, unknown>>): PoolStats {
  return {
    database: str(row.database),
    user: str(row.user),
    clActive: num(row.cl_active),
    clWaiting: num(row.cl_waiting),
    svActive: num(row.sv_active),
    svIdle: num(row.sv_idle),
    svUsed: num(row.sv_used),
    maxwaitMs: num(row.maxwait) * 1000 + num(row.maxwait_us) / 1000,
    mode: str(row.pool_mode)
  }
}

/** Totals over pools for the summary and status line. */
export function poolTotals (pools: readonly PoolStats[]): { waiting: number, maxwaitMs: number, active: number } {
  let waiting = 0
  let maxwaitMs = 0
  let active = 0
  for (const p of pools) {
    waiting += p.clWaiting
    active += p.clActive
    if (p.maxwaitMs > maxwaitMs) maxwaitMs = p.maxwaitMs
  }
  return { waiting, maxwaitMs, active }
}
