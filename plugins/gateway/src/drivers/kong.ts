import type { HttpClient, HealthStatus } from '@operator/core'
import { formatNumber } from '@operator/core'
import type { GatewayConfig } from '../config.js'
import type { Reading } from '../reading.js'
import { explainHttpError } from './http-errors.js'
import type { GatewayDriver, Overview, TargetHealth, UpstreamsData } from './types.js'

export const KONG_BACKEND = 'kong admin'
/** Kong's largest page; a few pages bound the counts (`5000+ routes`) so a huge install cannot stall a reply. */
const PAGE_SIZE = 1000
const MAX_PAGES = 5
/** Upstreams whose targets are checked per look, and how many health calls run at once. */
const MAX_UPSTREAMS = 50
const CONCURRENCY = 8

interface KongStatusBody {
  database?: { reachable?: boolean }
  server?: Record<string, number>
}

interface KongPage<T> {
  data?: T[]
  offset?: string | null
  next?: string | null
}

interface KongUpstream { id?: string, name?: string }
interface KongTarget { target?: string, health?: string }

export interface KongNode {
  readonly version: string | undefined
  readonly hostname: string | undefined
  readonly dbReachable: boolean
  readonly server: Readonly<Record<string, number>>
  readonly services: Count
  readonly routes: Count
  readonly upstreams: Count
}

/** A bounded count: `complete` false means there were more than `n`. */
export interface Count { readonly n: number, readonly complete: boolean }

const BAD_HEALTH = new Set(['UNHEALTHY', 'DNS_ERROR'])
export const CHECKS_OFF = 'HEALTHCHECKS_OFF'

/** `health checks off for 2 targets`: said on its own, never counted as healthy. */
export function healthChecksOff (n: number): string {
  return `health checks off for ${n} target${n === 1 ? '' : 's'}`
}

export function formatCount (c: Count, noun: string): string {
  return `${formatNumber(c.n)}${c.complete ? '' : '+'} ${noun}`
}

export function createKongDriver (http: HttpClient, config: GatewayConfig): GatewayDriver {
  const authHint = config.adminKey === undefined ? 'set GATEWAY_ADMIN_KEY' : 'check GATEWAY_ADMIN_KEY'
  const timeoutMs = config.timeoutMs

  async function get<T> (path: string, signal: AbortSignal, query?: Record<string, string | number>): Promise<T> {
    try {
      return await http.getJson<T>(path, { signal, timeoutMs, query })
    } catch (err) {
      throw explainHttpError(err, KONG_BACKEND, authHint)
    }
  }

  async function list<T> (path: string, signal: AbortSignal): Promise<{ items: T[], complete: boolean }> {
    const items: T[] = []
    let offset: string | undefined
    for (let page = 0; page < MAX_PAGES; page++) {
      const body = await get<KongPage<T>>(path, signal, offset === undefined ? { size: PAGE_SIZE } : { size: PAGE_SIZE, offset })
      items.push(...(Array.isArray(body.data) ? body.data : []))
      if (typeof body.offset !== 'string' || body.offset === '') return { items, complete: true }
      offset = body.offset
    }
    return { items, complete: false }
  }

  async function count (path: string, signal: AbortSignal): Promise<Count> {
    const { items, complete } = await list<unknown>(path, signal)
    return { n: items.length, complete }
  }

  async function targets (signal: AbortSignal): Promise<UpstreamsData> {
    const { items } = await list<KongUpstream>('/upstreams', signal)
    const checked = items.slice(0, MAX_UPSTREAMS)
    const results: TargetHealth[][] = new Array(checked.length)
    let next = 0
    async function worker (): Promise<void> {
      while (next < checked.length) {
        const i = next++
        const upstream = checked[i]!
        const name = upstream.name ?? upstream.id ?? '?'
        const body = await get<KongPage<KongTarget>>(`/upstreams/${encodeURIComponent(name)}/health`, signal, { size: PAGE_SIZE })
        results[i] = (body.data ?? []).map((t) => ({ upstream: name, target: t.target ?? '?', health: t.health ?? 'UNKNOWN' }))
      }
    }
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, checked.length) }, async () => await worker()))
    return { upstreams: items.length, checked: checked.length, targets: results.flat() }
  }

  async function read (signal: AbortSignal): Promise<Reading> {
    const [status, ups] = await Promise.all([get<KongStatusBody>('/status', signal), targets(signal)])
    return reading(status, ups)
  }

  return {
    type: 'kong',
    read,
    async overview (signal): Promise<Overview> {
      const [status, ups, services, routes] = await Promise.all([
        get<KongStatusBody>('/status', signal), targets(signal), count('/services', signal), count('/routes', signal)
      ])
      const extra = [`${formatCount(services, 'services')}, ${formatCount(routes, 'routes')}, ${formatNumber(ups.upstreams)} upstreams`]
      const bad = ups.targets.filter((t) => BAD_HEALTH.has(t.health))
      if (bad.length > 0) {
        const shown = bad.slice(0, 3).map((t) => `${t.upstream} ${t.target}`).join(', ')
        extra.push(`unhealthy: ${shown}${bad.length > 3 ? ` +${bad.length - 3} more` : ''}`)
      }
      return { reading: reading(status, ups), extra }
    },
    async details (signal) {
      const [root, status, services, routes, upstreams] = await Promise.all([
        get<{ version?: string, hostname?: string }>('/', signal), get<KongStatusBody>('/status', signal),
        count('/services', signal), count('/routes', signal), count('/upstreams', signal)
      ])
      const node: KongNode = {
        version: typeof root.version === 'string' ? root.version : undefined,
        hostname: typeof root.hostname === 'string' ? root.hostname : undefined,
        dbReachable: status.database?.reachable !== false,
        server: status.server ?? {},
        services,
        routes,
        upstreams
      }
      return { kind: 'gateway.kong-node', data: node }
    },
    upstreams: targets,
    async close () {}
  }
}

function reading (status: KongStatusBody, ups: UpstreamsData): Reading {
  let verdict: HealthStatus = 'ok'
  const problems: string[] = []
  const notes: string[] = []
  if (status.database?.reachable === false) {
    verdict = 'degraded'
    problems.push('db unreachable')
  }
  const active = status.server?.connections_active
  if (typeof active === 'number') notes.push(`${formatNumber(active)} conns`)
  const total = ups.targets.length
  const bad = ups.targets.filter((t) => BAD_HEALTH.has(t.health)).length
  // HEALTHCHECKS_OFF: nobody checks these targets, so they are neither healthy nor unhealthy; Kong still sends traffic.
  const off = ups.targets.filter((t) => t.health === CHECKS_OFF).length
  const checked = total - off
  if (checked > 0) notes.push(`${checked - bad}/${checked} targets healthy`)
  if (off > 0) notes.push(healthChecksOff(off))
  if (total > 0) {
    // Every target gone means no upstream can be served: traffic is not getting through.
    if (bad === total) verdict = 'down'
    else if (bad > 0 && verdict === 'ok') verdict = 'degraded'
  } else if (ups.upstreams === 0) {
    notes.push('no upstreams')
  }
  return { status: verdict, values: bad > 0 ? { unhealthy: bad } : {}, problems, notes }
}
