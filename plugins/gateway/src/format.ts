import type { FormatterSpec, HealthStatus } from '@operator/core'
import { fitLines, formatNumber } from '@operator/core'
import type { AwsMetrics, WindowStats } from './drivers/aws.js'
import type { FieldRow } from './drivers/custom.js'
import { CHECKS_OFF, formatCount, type KongNode } from './drivers/kong.js'
import type { UpstreamsData } from './drivers/types.js'
import { describeValues } from './reading.js'

/** Bad states shout, as `status` prints them. */
export function statusWord (status: HealthStatus): string {
  return status === 'ok' ? 'ok' : status === 'degraded' ? 'DEGRADED' : 'DOWN'
}

export interface SummaryData {
  readonly status: HealthStatus
  readonly text: string
  readonly extra: readonly string[]
}

export const summaryFormatter: FormatterSpec<SummaryData> = {
  kind: 'gateway.summary',
  format: (d, ctx) => fitLines([`gateway ${statusWord(d.status)} ${d.text}`, ...d.extra], ctx)
}

export const kongNodeFormatter: FormatterSpec<KongNode> = {
  kind: 'gateway.kong-node',
  format (node, ctx) {
    const s = node.server
    const n = (key: string): string => (typeof s[key] === 'number' ? formatNumber(s[key]) : '?')
    const name = ['kong', node.version, node.hostname === undefined ? undefined : `(${node.hostname})`].filter(Boolean).join(' ')
    return fitLines([
      `${name}: db ${node.dbReachable ? 'reachable' : 'UNREACHABLE'}`,
      `conns ${n('connections_active')} active, ${n('connections_reading')} reading, ${n('connections_writing')} writing, ${n('connections_waiting')} waiting`,
      `requests ${n('total_requests')}, accepted ${n('connections_accepted')}, handled ${n('connections_handled')}`,
      `${formatCount(node.services, 'services')}, ${formatCount(node.routes, 'routes')}, ${formatCount(node.upstreams, 'upstreams')}`
    ], ctx)
  }
}

const HEALTH_ORDER: Readonly<Record<string, number>> = { UNHEALTHY: 0, DNS_ERROR: 1, HEALTHCHECKS_OFF: 3, HEALTHY: 4 }
const HEALTH_WORD: Readonly<Record<string, string>> = {
  UNHEALTHY: 'UNHEALTHY', DNS_ERROR: 'DNS ERROR', HEALTHCHECKS_OFF: 'health checks off', HEALTHY: 'healthy'
}

/** `healthy: cart 4/6, checkout 6/6`: healthy targets counted per upstream, their addresses are not what is wanted. */
function healthyLine (targets: UpstreamsData['targets']): string | undefined {
  const per = new Map<string, { healthy: number, all: number }>()
  for (const t of targets) {
    const n = per.get(t.upstream) ?? { healthy: 0, all: 0 }
    n.all++
    if (t.health === 'HEALTHY') n.healthy++
    per.set(t.upstream, n)
  }
  const counts = [...per].filter(([, n]) => n.healthy > 0).map(([u, n]) => `${u} ${n.healthy}/${n.all}`)
  return counts.length === 0 ? undefined : `healthy: ${counts.join(', ')}`
}

/**
 * Targets that are not healthy one per line, unhealthy first (then unknown states, checks off), by upstream and
 * target; then the healthy ones counted per upstream on one line.
 */
export const upstreamsFormatter: FormatterSpec<UpstreamsData> = {
  kind: 'gateway.upstreams',
  format (d, ctx) {
    if (d.upstreams === 0) return 'kong has no upstreams'
    const rank = (h: string): number => HEALTH_ORDER[h] ?? 2
    const targets = [...d.targets].sort((a, b) => rank(a.health) - rank(b.health) ||
      a.upstream.localeCompare(b.upstream) || a.target.localeCompare(b.target))
    const bad = targets.filter((t) => rank(t.health) < 2).length
    const healthy = targets.filter((t) => t.health === 'HEALTHY').length
    const off = targets.filter((t) => t.health === CHECKS_OFF).length
    const scope = d.checked < d.upstreams ? ` (first ${d.checked} of ${d.upstreams} upstreams)` : ` in ${d.upstreams} upstreams`
    const counts = [
      ...(targets.length > off ? [`${healthy}/${targets.length - off} targets healthy, ${bad} unhealthy`] : []),
      ...(off > 0 ? [`${off} with health checks off`] : [])
    ]
    const head = targets.length === 0 ? `no targets${scope}` : `${counts.join(', ')}${scope}`
    const lines = targets.filter((t) => t.health !== 'HEALTHY').map((t) => `${t.upstream} ${t.target} ${HEALTH_WORD[t.health] ?? t.health}`)
    const healthyCounts = healthyLine(targets)
    return fitLines([head, ...lines, ...(healthyCounts === undefined ? [] : [healthyCounts])], ctx)
  }
}

function windowLine (w: WindowStats): string {
  const parts = describeValues(w.values)
  return `last ${w.minutes}m: ${[...parts.slice(0, 1), `${formatNumber(w.requests)} req`, ...parts.slice(1)].join(', ')}`
}

export const awsMetricsFormatter: FormatterSpec<AwsMetrics> = {
  kind: 'gateway.aws-metrics',
  format (m, ctx) {
    const head = `api gateway ${m.api} ${m.stage}${m.empty ? ': no datapoints in 15m (no traffic, or check apiName and stage)' : ''}`
    return fitLines([head, windowLine(m.short), windowLine(m.long)], ctx)
  }
}

const ROW_ORDER: Readonly<Record<HealthStatus, number>> = { down: 0, degraded: 1, ok: 2 }

export const customFieldsFormatter: FormatterSpec<readonly FieldRow[]> = {
  kind: 'gateway.custom-fields',
  format (rows, ctx) {
    const sorted = [...rows].sort((a, b) => ROW_ORDER[a.status] - ROW_ORDER[b.status])
    const lines = sorted.map((r) => {
      const what = r.shown ?? r.note ?? '?'
      const flag = r.status === 'ok' ? '' : ` ${statusWord(r.status)}${r.shown !== undefined && r.note !== undefined ? ` (${r.note})` : ''}`
      return `${r.field} ${r.path}: ${what}${flag}`
    })
    return fitLines(lines.length === 0 ? ['no fields configured'] : lines, ctx)
  }
}
