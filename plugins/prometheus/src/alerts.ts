import type { CommandSpec, TypedResult } from '@operator/core'
import type { ApiAlert, PrometheusApi } from './client.js'
import type { AlertLine, AlertsData } from './render.js'
import { ALERTS_PHRASES } from './phrases.js'

/** Most severe first; anything else (or no `severity` label) after these. */
const SEVERITY_RANK: Readonly<Record<string, number>> = { critical: 0, error: 1, warning: 2, info: 3 }
const UNRANKED = 4

function rank (severity: string): number {
  return SEVERITY_RANK[severity] ?? UNRANKED
}

export function alertsData (alerts: readonly ApiAlert[], now: number): AlertsData {
  const firing: AlertLine[] = []
  let pending = 0
  for (const alert of alerts) {
    if (alert.state === 'pending') pending++
    if (alert.state !== 'firing') continue
    const labels = alert.labels ?? {}
    const activeAt = alert.activeAt === undefined ? Number.NaN : Date.parse(alert.activeAt)
    const summary = alert.annotations?.summary?.trim()
    const line: AlertLine = {
      name: labels.alertname ?? 'unnamed',
      severity: (labels.severity ?? 'none').toLowerCase(),
      labels,
      ...(summary === undefined || summary === '' ? {} : { summary }),
      ...(Number.isNaN(activeAt) ? {} : { forMs: Math.max(0, now - activeAt) })
    }
    firing.push(line)
  }
  // Most severe first, then the longest firing, then by name for a stable order.
  firing.sort((a, b) => rank(a.severity) - rank(b.severity) ||
    (b.forMs ?? -1) - (a.forMs ?? -1) || a.name.localeCompare(b.name))
  return { firing, pending }
}

/** `alerts`: what Prometheus has firing now, most severe first, with how long each has fired. */
export function alertsCommand (api: PrometheusApi): CommandSpec {
  return {
    name: 'alerts',
    // Shared with core's paging (open incidents): `alerts prometheus` reaches this list when paging answers `alerts`.
    shared: true,
    summary: 'Prometheus alerts firing now, most severe first',
    usage: 'alerts',
    examples: ['alerts', 'alerts prometheus'],
    phrases: ALERTS_PHRASES,
    async run (ctx): Promise<TypedResult> {
      const alerts = await api.alerts(ctx.signal)
      return { kind: 'prometheus.alerts', data: alertsData(alerts, Date.now()) }
    }
  }
}
