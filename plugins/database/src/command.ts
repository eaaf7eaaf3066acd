import { usageError, type CommandContext, type CommandSpec, type TypedResult } from '@operator/core'
import type { Postgres } from './connection.js'
import { notConfigured } from './errors.js'
import { KINDS, type Part, type SummaryData } from './format.js'
import type { StatsSource } from './pool-stats.js'
import { DB_ENTITIES, DB_PHRASES } from './phrases.js'
import { readConnectionGroups, readLocks, readOverview, readReplication, readRunning, readSizes } from './stats.js'

/** What the commands read from: PostgreSQL (DB_URL) and pool statistics (DB_STATS_URL), either may be absent. */
export interface Sources {
  readonly pg: Postgres | undefined
  readonly stats: StatsSource | undefined
}

export const SUBCOMMANDS = ['connections', 'slow', 'locks', 'replication', 'size', 'pool'] as const
type Subcommand = (typeof SUBCOMMANDS)[number]

const USAGE = `db [${SUBCOMMANDS.join('|')}]`

function needPg (sources: Sources, what: string): Postgres {
  if (sources.pg === undefined) throw notConfigured(what, 'DB_URL')
  return sources.pg
}

async function settle<T> (work: Promise<T>, errors: unknown[]): Promise<Part<T>> {
  try {
    return { ok: true, value: await work }
  } catch (err) {
    errors.push(err)
    return { ok: false, error: err instanceof Error ? err.message : String(err) }
  }
}

/** Every part at once; a part that fails becomes one line, and only when all fail does the command fail. */
export async function readSummary (sources: Sources, signal: AbortSignal): Promise<SummaryData> {
  const errors: unknown[] = []
  const { pg, stats } = sources
  const [overview, longest, replication, pool] = await Promise.all([
    pg !== undefined ? settle(readOverview(pg, signal), errors) : undefined,
    pg !== undefined ? settle(readRunning(pg, signal).then((q) => q[0]), errors) : undefined,
    pg !== undefined ? settle(readReplication(pg, signal), errors) : undefined,
    stats !== undefined ? settle(stats.read(signal).then((s) => ({ label: stats.label, ...s })), errors) : undefined
  ])
  const parts = [overview, longest, replication, pool].filter((p) => p !== undefined)
  if (parts.every((p) => !p.ok)) throw errors[0]
  return {
    ...(overview !== undefined ? { overview } : {}),
    ...(longest !== undefined ? { longest } : {}),
    ...(replication !== undefined ? { replication } : {}),
    ...(pool !== undefined ? { pool } : {})
  }
}

async function runSubcommand (sub: Subcommand, sources: Sources, signal: AbortSignal): Promise<TypedResult> {
  switch (sub) {
    case 'connections': {
      const pg = needPg(sources, 'db connections')
      const [overview, groups] = await Promise.all([readOverview(pg, signal), readConnectionGroups(pg, signal)])
      return { kind: KINDS.connections, data: { overview, groups } }
    }
    case 'slow':
      return { kind: KINDS.slow, data: { queries: await readRunning(needPg(sources, 'db slow'), signal) } }
    case 'locks':
      return { kind: KINDS.locks, data: { blocked: await readLocks(needPg(sources, 'db locks'), signal) } }
    case 'replication':
      return { kind: KINDS.replication, data: await readReplication(needPg(sources, 'db replication'), signal) }
    case 'size':
      return { kind: KINDS.size, data: { databases: await readSizes(needPg(sources, 'db size'), signal) } }
    case 'pool': {
      const stats = sources.stats
      if (stats === undefined) throw notConfigured('db pool', 'DB_STATS_URL')
      const snapshot = await stats.read(signal)
      return { kind: KINDS.pool, data: { label: stats.label, pools: snapshot.pools } }
    }
  }
}

/** `db` and its subcommands. The words typed only choose a subcommand: none of them reaches SQL. */
export function dbCommand (sources: Sources): CommandSpec {
  return {
    name: 'db',
    summary: 'PostgreSQL/PgBouncer: connections, slow queries, locks, replication, sizes, pools',
    usage: USAGE,
    examples: ['db', 'db slow', 'db locks', 'db pool'],
    phrases: DB_PHRASES,
    entities: DB_ENTITIES,
    role: 'viewer',
    async run (ctx: CommandContext) {
      if (ctx.argv.length === 0) return { kind: KINDS.summary, data: await readSummary(sources, ctx.signal) }
      const word = ctx.argv[0]!.toLowerCase()
      const sub = SUBCOMMANDS.find((s) => s === word)
      if (sub === undefined || ctx.argv.length > 1) {
        const shown = ctx.args.length > 30 ? `${ctx.args.slice(0, 27)}...` : ctx.args
        throw usageError(`db: unknown '${shown}'. Use: db, ${SUBCOMMANDS.map((s) => `db ${s}`).join(', ')}`)
      }
      return await runSubcommand(sub, sources, ctx.signal)
    }
  }
}
