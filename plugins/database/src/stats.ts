// Typed reads over the fixed statistics queries: what each `db` subcommand shows.
import type { Postgres } from './connection.js'
import { CONNECTION_GROUPS, LOCKS, OVERVIEW, REPLICATION, RUNNING, SIZES } from './queries.js'

export interface Overview {
  /** Client connections, Operator's own included (they hold slots too). */
  readonly used: number
  /** Operator's own sessions (its pool): left out of the counts by state below. */
  readonly ours: number
  readonly max: number
  readonly reserved: number
  readonly active: number
  readonly idle: number
  readonly idleInTx: number
  /** Sessions whose state the role may not see (it lacks pg_monitor). */
  readonly hidden: number
  readonly lockWaiting: number
  readonly deadlocks: number
  readonly rollbacks: number
  /** Seconds since the statistics were last reset; undefined when never reset. */
  readonly resetAgeS: number | undefined
}

export interface ConnectionGroup {
  readonly database: string
  readonly user: string
  readonly app: string
  readonly state: string
  readonly count: number
}

export interface RunningQuery {
  readonly pid: number
  readonly user: string
  readonly database: string
  readonly app: string
  readonly waitEventType: string
  readonly seconds: number
  readonly query: string
}

export interface BlockedSession {
  readonly blockedPid: number
  readonly blockedUser: string
  readonly waitingS: number
  readonly blockedQuery: string
  readonly blockingPid: number
  readonly blockingUser: string
  readonly blockingState: string
  readonly blockingS: number
  /** A table name, or the lock type (`transactionid` for a row lock). */
  readonly on: string
  readonly mode: string
}

export interface Replica {
  readonly name: string
  readonly addr: string
  readonly state: string
  readonly syncState: string
  readonly lagS: number | undefined
  readonly lagBytes: number | undefined
}

export interface Replication {
  readonly standby: boolean
  readonly standbyLagS: number | undefined
  readonly replicas: readonly Replica[]
}

export interface DatabaseSize {
  readonly name: string
  readonly bytes: number | undefined
}

type Row = Record<string, unknown>

const n = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0)) || 0
const opt = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : n(v))
const s = (v: unknown): string => (v === null || v === undefined ? '' : String(v))

export async function readOverview (pg: Postgres, signal?: AbortSignal): Promise<Overview> {
  const [r] = await pg.rows<Row>(OVERVIEW, signal)
  return {
    used: n(r!.used),
    ours: n(r!.ours),
    max: n(r!.max_connections),
    reserved: n(r!.reserved),
    active: n(r!.active),
    idle: n(r!.idle),
    idleInTx: n(r!.idle_in_tx),
    hidden: n(r!.hidden),
    lockWaiting: n(r!.lock_waiting),
    deadlocks: n(r!.deadlocks),
    rollbacks: n(r!.rollbacks),
    resetAgeS: opt(r!.reset_age_s)
  }
}

export async function readConnectionGroups (pg: Postgres, signal?: AbortSignal): Promise<ConnectionGroup[]> {
  const rows = await pg.rows<Row>(CONNECTION_GROUPS, signal)
  return rows.map((r) => ({ database: s(r.database), user: s(r.user), app: s(r.app), state: s(r.state), count: n(r.n) }))
}

export async function readRunning (pg: Postgres, signal?: AbortSignal): Promise<RunningQuery[]> {
  const rows = await pg.rows<Row>(RUNNING, signal)
  return rows.map((r) => ({
    pid: n(r.pid),
    user: s(r.user),
    database: s(r.database),
    app: s(r.app),
    waitEventType: s(r.wait_event_type),
    seconds: n(r.seconds),
    query: s(r.query)
  }))
}

export async function readLocks (pg: Postgres, signal?: AbortSignal): Promise<BlockedSession[]> {
  const rows = await pg.rows<Row>(LOCKS, signal)
  return rows.map((r) => ({
    blockedPid: n(r.blocked_pid),
    blockedUser: s(r.blocked_user),
    waitingS: n(r.waiting_s),
    blockedQuery: s(r.blocked_query),
    blockingPid: n(r.blocking_pid),
    blockingUser: s(r.blocking_user),
    blockingState: s(r.blocking_state),
    blockingS: n(r.blocking_s),
    on: s(r.relation) || s(r.locktype),
    mode: s(r.mode)
  }))
}

export async function readReplication (pg: Postgres, signal?: AbortSignal): Promise<Replication> {
  const rows = await pg.rows<Row>(REPLICATION, signal)
  const first = rows[0] ?? {}
  return {
    standby: first.standby === true,
    standbyLagS: opt(first.standby_lag_s),
    replicas: rows.filter((r) => r.name !== null && r.name !== undefined).map((r) => ({
      name: s(r.name),
      addr: s(r.addr),
      state: s(r.state),
      syncState: s(r.sync_state),
      lagS: opt(r.lag_s),
      lagBytes: opt(r.lag_bytes)
    }))
  }
}

export async function readSizes (pg: Postgres, signal?: AbortSignal): Promise<DatabaseSize[]> {
  const rows = await pg.rows<Row>(SIZES, signal)
  return rows.map((r) => ({ name: s(r.name), bytes: opt(r.bytes) }))
}

/** The replica lag a person cares about: the worst one, in seconds (0 when caught up), or undefined. */
export function worstLagS (rep: Replication): number | undefined {
  if (rep.standby) return rep.standbyLagS
  if (rep.replicas.length === 0) return undefined
  return Math.max(...rep.replicas.map((r) => r.lagS ?? 0))
}
