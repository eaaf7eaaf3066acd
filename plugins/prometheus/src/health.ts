import type { CheckContext, HealthCheckSpec, HealthResult, StatusLine, StatusLineSpec } from '@operator/core'
import { oneLine } from '@operator/core'
import type { PrometheusApi } from './client.js'

/**
 * `/-/healthy` then `/-/ready`: down when Prometheus does not answer or is unhealthy, degraded while it answers but
 * is not ready yet (starting, replaying its WAL), ok otherwise.
 */
export function healthCheck (api: PrometheusApi): HealthCheckSpec {
  return {
    system: 'prometheus',
    async check (ctx: CheckContext): Promise<HealthResult> {
      const started = Date.now()
      const healthy = await api.probe('/-/healthy', ctx.signal)
      if (!healthy.ok) {
        // A 401/403 is a proxy in front refusing our credentials, not Prometheus being unhealthy: say which.
        const summary = healthy.status === 401 || healthy.status === 403
          ? `refused the credentials (HTTP ${healthy.status})`
          : `not healthy (HTTP ${healthy.status})`
        return { status: 'down', summary, latencyMs: Date.now() - started }
      }
      const ready = await api.probe('/-/ready', ctx.signal)
      const latencyMs = Date.now() - started
      if (!ready.ok) return { status: 'degraded', summary: `healthy, not ready (HTTP ${ready.status})`, latencyMs }
      return { status: 'ok', summary: 'healthy and ready', latencyMs }
    }
  }
}

/**
 * `prometheus ok 145/145 up, 3 firing`, or `prometheus DEGRADED 3/145 targets down, 3 firing`: a target that is down
 * is something not being watched, so the line says DEGRADED (`metrics down` names them); it is degraded too when one
 * of the two answers fails, and down when neither answers. Firing alerts are counted (`alerts` lists them).
 */
export function statusLine (api: PrometheusApi): StatusLineSpec {
  return {
    system: 'prometheus',
    async line (ctx: CheckContext): Promise<StatusLine> {
      const [targets, alerts] = await Promise.allSettled([api.targets(ctx.signal), api.alerts(ctx.signal)])
      if (targets.status === 'rejected' && alerts.status === 'rejected') {
        return { status: 'down', text: oneLine(targets.reason) }
      }
      const parts: string[] = []
      let status: StatusLine['status'] = 'ok'
      if (targets.status === 'fulfilled') {
        const total = targets.value.length
        const up = targets.value.filter((t) => t.health === 'up').length
        // `unknown` is a target not scraped yet: not down, but not up either.
        const down = targets.value.filter((t) => t.health === 'down').length
        parts.push(down > 0 ? `${down}/${total} targets down` : `${up}/${total} up`)
        if (down > 0 || (total > 0 && up === 0)) status = 'degraded'
      } else {
        parts.push('targets unknown')
        status = 'degraded'
      }
      if (alerts.status === 'fulfilled') {
        parts.push(`${alerts.value.filter((a) => a.state === 'firing').length} firing`)
      } else {
        parts.push('alerts unknown')
        status = 'degraded'
      }
      return { status, text: parts.join(', ') }
    }
  }
}
