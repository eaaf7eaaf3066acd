import type { HttpClient } from '@operator/core'
import { dbError } from './errors.js'
import { poolFromRow, type ConnectionCounts, type StatsSnapshot, type StatsSource } from './pool-stats.js'

/**
 * The JSON a stats endpoint returns (documented in the README):
 * `{ "pools": [ { "database", "user", "cl_active", "cl_waiting", "sv_active", "sv_idle", "sv_used", "maxwait",
 * "maxwait_us", "pool_mode" } ], "connections": { "active", "idle", "idle_in_transaction", "max" } }`.
 * `pools` holds `SHOW POOLS` rows as they are; `connections` is optional.
 */
export interface StatsDocument {
  readonly pools?: ReadonlyArray<Readonly<Record<string, unknown>>>
  readonly connections?: Readonly<Record<string, unknown>>
}

function isRecord (v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function count (v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined
}

export function parseStatsDocument (doc: unknown): StatsSnapshot {
  if (!isRecord(doc) || !Array.isArray(doc.pools) || !doc.pools.every(isRecord)) {
    throw dbError('OPR_ERR_DB_STATS_ANSWER', 'stats endpoint sent no "pools" list')
  }
  const pools = doc.pools.map(poolFromRow)
  if (!isRecord(doc.connections)) return { pools }
  const c = doc.connections
  const active = count(c.active) ?? 0
  const idle = count(c.idle) ?? 0
  const idleInTx = count(c.idle_in_transaction) ?? 0
  const connections: ConnectionCounts = {
    used: count(c.used) ?? active + idle + idleInTx,
    max: count(c.max),
    active,
    idle,
    idleInTx
  }
  return { pools, connections }
}

/** A JSON document over http(s), fetched whole on each read through core's pooled client. */
export class HttpStatsSource implements StatsSource {
  readonly label = 'stats endpoint'
  readonly #client: () => HttpClient
  readonly #path: string

  constructor (client: () => HttpClient, path: string) {
    this.#client = client
    this.#path = path
  }

  async read (signal: AbortSignal | undefined): Promise<StatsSnapshot> {
    const doc = await this.#client().getJson<unknown>(this.#path, signal !== undefined ? { signal } : {})
    return parseStatsDocument(doc)
  }

  async close (): Promise<void> {}
}

/** `https://user:pw@host:8080/stats?x=1` → the origin (credentials kept for core's basic auth) and `/stats?x=1`. */
export function splitStatsUrl (url: string): { base: string, path: string } {
  const u = new URL(url)
  const auth = u.username !== '' ? `${u.username}${u.password !== '' ? `:${u.password}` : ''}@` : ''
  return { base: `${u.protocol}//${auth}${u.host}`, path: `${u.pathname}${u.search}` }
}
