import { definePlugin, type HttpClient, type PluginContext } from '@operator/core'
import { dbCommand, type Sources } from './command.js'
import { APPLICATION_NAME, configEnv, configSchema, type DbConfig } from './config.js'
import { Postgres } from './connection.js'
import {
  KINDS, formatConnections, formatLocks, formatPool, formatReplication, formatSize, formatSlow, formatSummary,
  type ConnectionsData, type LocksData, type PoolData, type SizeData, type SlowData, type SummaryData
} from './format.js'
import type { Replication } from './stats.js'
import { healthCheck, statusLine } from './health.js'
import { HttpStatsSource, splitStatsUrl } from './http-stats.js'
import { PgBouncerConsole } from './pgbouncer.js'
import type { StatsSource } from './pool-stats.js'

export type { DbConfig } from './config.js'

function statsSource (op: PluginContext, config: DbConfig): StatsSource | undefined {
  const url = config.statsUrl
  if (url === undefined) return undefined
  if (/^https?:/i.test(url)) {
    const { base, path } = splitStatsUrl(url)
    let http: HttpClient | undefined
    const client = (): HttpClient => {
      http ??= op.http(base, {
        name: 'stats endpoint',
        connectTimeoutMs: config.connectTimeoutMs,
        headersTimeoutMs: config.statementTimeoutMs,
        bodyTimeoutMs: config.statementTimeoutMs
      })
      return http
    }
    return new HttpStatsSource(client, path)
  }
  return new PgBouncerConsole({
    url,
    applicationName: APPLICATION_NAME,
    connectTimeoutMs: config.connectTimeoutMs,
    queryTimeoutMs: config.statementTimeoutMs
  })
}

/** `db`: PostgreSQL statistics views and PgBouncer pools; health and a status line for the system `db`. */
export default definePlugin<DbConfig>({
  name: 'db',
  version: '0.1.0',
  description: 'PostgreSQL and PgBouncer: connections, slow queries, locks, replication, sizes and pools',
  configSchema,
  env: configEnv,
  register (op, config) {
    // Nothing connects here: the pool is made on the first query.
    const pg = config.url !== undefined
      ? new Postgres({
        url: config.url,
        applicationName: APPLICATION_NAME,
        statementTimeoutMs: config.statementTimeoutMs,
        connectTimeoutMs: config.connectTimeoutMs,
        poolSize: config.poolSize,
        idleTimeoutMs: config.idleTimeoutMs,
        onIdleError: (err) => { op.log.warn({ code: err.code, err: err.message }, 'idle PostgreSQL connection failed') }
      })
      : undefined
    const sources: Sources = { pg, stats: statsSource(op, config) }

    op.command(dbCommand(sources))
    op.formatter<SummaryData>({ kind: KINDS.summary, format: formatSummary })
    op.formatter<ConnectionsData>({ kind: KINDS.connections, format: formatConnections })
    op.formatter<SlowData>({ kind: KINDS.slow, format: formatSlow })
    op.formatter<LocksData>({ kind: KINDS.locks, format: formatLocks })
    op.formatter<Replication>({ kind: KINDS.replication, format: formatReplication })
    op.formatter<SizeData>({ kind: KINDS.size, format: formatSize })
    op.formatter<PoolData>({ kind: KINDS.pool, format: formatPool })
    op.healthCheck(healthCheck(sources))
    op.statusLine(statusLine(sources))
    op.onClose(async () => {
      await Promise.all([sources.pg?.close(), sources.stats?.close()])
    })
  }
})
