import type { CheckContext, HealthCheckSpec, HealthResult, HealthStatus, StatusLine, StatusLineSpec } from '@operator/core'
import type { Sources } from './command.js'
import { seconds } from './format.js'
import { poolTotals } from './pool-stats.js'
import { PING } from './queries.js'
import { readOverview, readReplication, worstLagS } from './stats.js'

/** Above these the status line says DEGRADED (documented in the README). */
export const THRESHOLDS = {
  /** Share of max_connections in use. */
  connectionsRatio: 0.9,
  /** Replica (or standby) lag. */
  lagS: 60,
  /** The longest a PgBouncer client has waited for a server connection. */
  poolWaitMs: 5000
} as const

function message (err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

async function attempt<T> (work: Promise<T>): Promise<{ value?: T, error?: string }> {
  try {
    return { value: await work }
  } catch (err) {
    return { error: message(err) }
  }
}

/** Connect and `SELECT 1` (its latency is the check's), and PgBouncer reachable when configured. */
export function healthCheck (sources: Sources): HealthCheckSpec {
  return {
    system: 'db',
    async check (ctx: CheckContext): Promise<HealthResult> {
      const started = Date.now()
      const parts: string[] = []
      let status: HealthStatus = 'ok'
      let latencyMs: number | undefined
      const [ping, pool] = await Promise.all([
        sources.pg !== undefined ? attempt(sources.pg.rows(PING, ctx.signal).then(() => Date.now() - started)) : undefined,
        sources.stats !== undefined ? attempt(sources.stats.read(ctx.signal)) : undefined
      ])
      if (ping !== undefined) {
        if (ping.error !== undefined) {
          status = 'down'
          parts.push(ping.error)
        } else {
          latencyMs = ping.value!
          parts.push('SELECT 1 ok')
        }
      }
      if (pool !== undefined) {
        const label = sources.stats!.label
        if (pool.error !== undefined) {
          parts.push(pool.error.startsWith(label) ? pool.error : `${label}: ${pool.error}`)
          if (ping === undefined) status = 'down'
          else if (status === 'ok') status = 'degraded'
        } else parts.push(`${label} ok`)
      }
      return { status, summary: parts.join('; '), latencyMs: latencyMs ?? Date.now() - started }
    }
  }
}

/** `db ok 23/100 conn, 0 waiting, lag 0s` (waiting: sessions waiting on locks; lag only with replicas). */
export function statusLine (sources: Sources): StatusLineSpec {
  return {
    system: 'db',
    async line (ctx: CheckContext): Promise<StatusLine> {
      const pg = sources.pg
      const [overview, replication, pool] = await Promise.all([
        pg !== undefined ? attempt(readOverview(pg, ctx.signal)) : undefined,
        pg !== undefined ? attempt(readReplication(pg, ctx.signal)) : undefined,
        sources.stats !== undefined ? attempt(sources.stats.read(ctx.signal)) : undefined
      ])
      const words: string[] = []
      let status: HealthStatus = 'ok'
      const degrade = (): void => { if (status === 'ok') status = 'degraded' }
      if (overview?.error !== undefined) return { status: 'down', text: overview.error }
      if (overview?.value !== undefined) {
        const o = overview.value
        words.push(`${o.used}/${o.max} conn`, `${o.lockWaiting} waiting`)
        if (o.used >= o.max * THRESHOLDS.connectionsRatio) degrade()
      } else if (pool?.value?.connections !== undefined) {
        const c = pool.value.connections
        words.push(`${c.used}${c.max !== undefined ? `/${c.max}` : ''} conn`)
        if (c.max !== undefined && c.used >= c.max * THRESHOLDS.connectionsRatio) degrade()
      }
      if (replication?.value !== undefined) {
        const lag = worstLagS(replication.value)
        if (lag !== undefined) words.push(`lag ${seconds(lag)}`)
        if (lag !== undefined && lag >= THRESHOLDS.lagS) degrade()
      }
      if (pool !== undefined) {
        const label = sources.stats!.label
        if (pool.error !== undefined) {
          if (pg === undefined) return { status: 'down', text: pool.error }
          words.push(pool.error.startsWith(label) ? pool.error : `${label}: ${pool.error}`)
          degrade()
        } else {
          const t = poolTotals(pool.value!.pools)
          words.push(`pgbouncer ${t.waiting} waiting`)
          if (t.maxwaitMs >= THRESHOLDS.poolWaitMs) degrade()
        }
      }
      return { status, text: words.join(', ') }
    }
  }
}
