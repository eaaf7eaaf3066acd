// Renders each result kind as short lines for a phone, within the reply budget.
import { fitLines, formatAge, formatNumber, truncate, type FormatContext } from '@operator/core'
import type { ConnectionCounts, PoolStats } from './pool-stats.js'
import { poolTotals } from './pool-stats.js'
import type { BlockedSession, ConnectionGroup, DatabaseSize, Overview, Replica, Replication, RunningQuery } from './stats.js'
import { worstLagS } from './stats.js'

export const KINDS = {
  summary: 'db.summary',
  connections: 'db.connections',
  slow: 'db.slow',
  locks: 'db.locks',
  replication: 'db.replication',
  size: 'db.size',
  pool: 'db.pool'
} as const

/** One section of the summary: its value, or why it could not be read. */
export type Part<T> = { readonly ok: true, readonly value: T } | { readonly ok: false, readonly error: string }

export interface SummaryData {
  readonly overview?: Part<Overview>
  readonly longest?: Part<RunningQuery | undefined>
  readonly replication?: Part<Replication>
  readonly pool?: Part<{ readonly label: string, readonly pools: readonly PoolStats[], readonly connections?: ConnectionCounts }>
}
export interface ConnectionsData { readonly overview: Overview, readonly groups: readonly ConnectionGroup[] }
export interface SlowData { readonly queries: readonly RunningQuery[] }
export interface LocksData { readonly blocked: readonly BlockedSession[] }
export interface SizeData { readonly databases: readonly DatabaseSize[] }
export interface PoolData { readonly label: string, readonly pools: readonly PoolStats[] }

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB']

/** `7708007` → `7.35MB` (powers of 1024, as PostgreSQL's pg_size_pretty). */
export function formatBytes (bytes: number): string {
  let value = bytes
  let unit = 0
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024
    unit += 1
  }
  return `${formatNumber(value)}${UNITS[unit]!}`
}

/** A duration given in seconds: `0s` when nothing (lag 0s), else as formatAge writes it. */
export function seconds (s: number): string {
  return s <= 0 ? '0s' : formatAge(s * 1000)
}

function plural (n: number, word: string, many = `${word}s`): string {
  return `${formatNumber(n)} ${n === 1 ? word : many}`
}

function who (user: string, database: string): string {
  return database === '' ? user : `${user}@${database}`
}

/** `conn 5/100: 3 active, 0 idle, 0 idle in tx (2 ours)`: the states are other clients', Operator's own counted apart. */
export function connLine (used: number, max: number | undefined, active: number, idle: number, idleInTx: number, hidden = 0, ours = 0): string {
  const of = max !== undefined ? `${used}/${max}` : `${used}`
  const parts = [`${active} active`, `${idle} idle`, `${idleInTx} idle in tx`]
  if (hidden > 0) parts.push(`${hidden} hidden (role lacks pg_monitor)`)
  return `conn ${of}: ${parts.join(', ')}${ours > 0 ? ` (${ours} ours)` : ''}`
}

function runningLine (q: RunningQuery, width: number): string {
  const lock = q.waitEventType === 'Lock' ? ' [waiting on lock]' : ''
  return `${seconds(q.seconds)} pid ${q.pid} ${who(q.user, q.database)}${lock} ${truncate(q.query, width)}`
}

function replicaLag (r: Replica): string {
  const behind = r.lagBytes !== undefined && r.lagBytes > 0 ? ` (${formatBytes(r.lagBytes)} behind)` : ''
  return `lag ${seconds(r.lagS ?? 0)}${behind}`
}

function poolLine (p: PoolStats): string {
  return `${p.database}/${p.user}: cl_active ${p.clActive}, cl_waiting ${p.clWaiting}, sv_active ${p.svActive}, ` +
    `sv_idle ${p.svIdle}, maxwait ${formatAge(p.maxwaitMs)}`
}

export function formatSummary (d: SummaryData, ctx: FormatContext): string {
  const lines: string[] = []
  const seen = new Set<string>()
  const failed = (error: string): void => {
    if (!seen.has(error)) lines.push(error)
    seen.add(error)
  }
  if (d.overview !== undefined) {
    if (d.overview.ok) {
      const o = d.overview.value
      lines.push(connLine(o.used, o.max, o.active, o.idle, o.idleInTx, o.hidden, o.ours))
    } else failed(d.overview.error)
  } else if (d.pool?.ok === true && d.pool.value.connections !== undefined) {
    const c = d.pool.value.connections
    lines.push(connLine(c.used, c.max, c.active, c.idle, c.idleInTx))
  }
  if (d.longest !== undefined) {
    if (!d.longest.ok) failed(d.longest.error)
    else if (d.longest.value === undefined) lines.push('no queries running')
    else {
      const q = d.longest.value
      lines.push(`longest ${seconds(q.seconds)} ${q.user}: ${truncate(q.query, 40)}`)
    }
  }
  if (d.overview?.ok === true) {
    const o = d.overview.value
    const since = o.resetAgeS !== undefined ? `since reset ${seconds(o.resetAgeS)} ago` : 'since stats began'
    lines.push(`${o.lockWaiting} waiting on locks; ${plural(o.deadlocks, 'deadlock')}, ${plural(o.rollbacks, 'rollback')} ${since}`)
  }
  if (d.replication !== undefined) {
    if (!d.replication.ok) failed(d.replication.error)
    else {
      const r = d.replication.value
      const lag = worstLagS(r)
      if (r.standby) lines.push(`standby, replay lag ${lag !== undefined ? seconds(lag) : 'unknown'}`)
      else if (lag !== undefined) lines.push(`${r.replicas.length} replica${r.replicas.length === 1 ? '' : 's'}, lag ${seconds(lag)}`)
    }
  }
  if (d.pool !== undefined) {
    if (!d.pool.ok) failed(d.pool.error)
    else if (d.pool.value.pools.length > 0 || d.pool.value.connections === undefined) {
      const t = poolTotals(d.pool.value.pools)
      const longest = t.waiting > 0 ? `, longest ${formatAge(t.maxwaitMs)}` : ''
      lines.push(`pgbouncer: ${plural(t.waiting, 'client')} waiting${longest}`)
    }
  }
  return fitLines(lines, ctx)
}

export function formatConnections (d: ConnectionsData, ctx: FormatContext): string {
  const o = d.overview
  const lines = [connLine(o.used, o.max, o.active, o.idle, o.idleInTx, o.hidden, o.ours)]
  for (const g of d.groups) {
    const app = g.app !== '' ? ` ${g.app}` : ''
    lines.push(`${g.count} ${g.state} ${who(g.user, g.database)}${app}`)
  }
  return fitLines(lines, ctx)
}

export function formatSlow (d: SlowData, ctx: FormatContext): string {
  if (d.queries.length === 0) return 'no queries running'
  const lines = [`${d.queries.length} running, longest first:`, ...d.queries.map((q) => runningLine(q, 60))]
  return fitLines(lines, ctx)
}

export function formatLocks (d: LocksData, ctx: FormatContext): string {
  if (d.blocked.length === 0) return 'no lock waits'
  const pids = new Set(d.blocked.map((b) => b.blockedPid))
  const lines = [`${pids.size} blocked:`]
  for (const b of d.blocked) {
    const on = b.on !== '' ? ` on ${b.on}${b.mode !== '' ? ` ${b.mode}` : ''}` : ''
    lines.push(`pid ${b.blockedPid} ${b.blockedUser} waits ${seconds(b.waitingS)} for pid ${b.blockingPid} ` +
      `${b.blockingUser} (${b.blockingState} ${seconds(b.blockingS)})${on}: ${truncate(b.blockedQuery, 40)}`)
  }
  return fitLines(lines, ctx)
}

export function formatReplication (d: Replication, ctx: FormatContext): string {
  if (d.standby) {
    const lag = d.standbyLagS !== undefined ? seconds(d.standbyLagS) : 'unknown'
    return `this server is a standby, replay lag ${lag}`
  }
  if (d.replicas.length === 0) return 'no replicas'
  const lines = [`${d.replicas.length} replica${d.replicas.length === 1 ? '' : 's'}:`]
  for (const r of d.replicas) {
    const name = [r.name, r.addr].filter((x) => x !== '').join(' ') || '(unnamed)'
    lines.push(`${name} ${r.state} ${r.syncState} ${replicaLag(r)}`)
  }
  return fitLines(lines, ctx)
}

export function formatSize (d: SizeData, ctx: FormatContext): string {
  if (d.databases.length === 0) return 'no databases visible'
  const lines = ['largest databases:', ...d.databases.map((db) => `${db.name} ${db.bytes !== undefined ? formatBytes(db.bytes) : 'size hidden'}`)]
  return fitLines(lines, ctx)
}

export function formatPool (d: PoolData, ctx: FormatContext): string {
  if (d.pools.length === 0) return `${d.label}: no pools`
  const t = poolTotals(d.pools)
  const sorted = [...d.pools].sort((a, b) => b.clWaiting - a.clWaiting || b.maxwaitMs - a.maxwaitMs ||
    b.clActive - a.clActive || `${a.database}/${a.user}`.localeCompare(`${b.database}/${b.user}`))
  const head = `${d.label}: ${plural(d.pools.length, 'pool')}, ${plural(t.active, 'client')} active, ` +
    `${t.waiting} waiting${t.waiting > 0 ? ` (longest ${formatAge(t.maxwaitMs)})` : ''}`
  return fitLines([head, ...sorted.map(poolLine)], ctx)
}
