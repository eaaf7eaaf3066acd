import type { HealthCheckSpec, HealthResult, StatusLine, StatusLineSpec } from '@operator/core'
import { oneLine } from '@operator/core'
import type { DatadogApi } from './api.js'
import { countMonitors } from './monitors.js'

/** A rate limit says Datadog is there but busy; anything else that fails means we cannot ask it. */
function failureStatus (err: unknown): 'degraded' | 'down' {
  return (err as { code?: unknown }).code === 'OPR_ERR_DATADOG_RATE_LIMITED' ? 'degraded' : 'down'
}

/** `datadog:` is already the line's first word; drop it from our own messages. */
function reason (err: unknown): string {
  return oneLine(err).replace(/^datadog:?\s+/, '')
}

export function healthCheck (api: DatadogApi, site: string): HealthCheckSpec {
  return {
    system: 'datadog',
    async check (ctx): Promise<HealthResult> {
      const started = Date.now()
      try {
        const valid = await api.validate(ctx.signal)
        const latencyMs = Date.now() - started
        return valid
          ? { status: 'ok', summary: `API key valid on ${site}`, latencyMs }
          : { status: 'down', summary: 'API key rejected (check DATADOG_API_KEY)', latencyMs }
      } catch (err) {
        return { status: failureStatus(err), summary: reason(err), latencyMs: Date.now() - started }
      }
    }
  }
}

/**
 * `datadog ok 0 alert, 2 warn, 1 no data`: DEGRADED while any monitor is in Alert, DOWN when Datadog cannot be asked
 * (keys rejected, unreachable, timeout, server error), DEGRADED when rate limited.
 */
export function statusLine (api: DatadogApi, check: HealthCheckSpec): StatusLineSpec {
  return {
    system: 'datadog',
    async line (ctx): Promise<StatusLine> {
      if (!api.hasAppKey) {
        const health = await check.check(ctx)
        const text = health.status === 'ok' ? 'API key valid (set DATADOG_APP_KEY for monitor counts)' : health.summary
        return { status: health.status, text }
      }
      try {
        const { monitors, complete } = await api.monitors(ctx.signal, { until: Date.now() + ctx.deadlineMs / 2 })
        const c = countMonitors(monitors)
        const scope = complete ? '' : ` in the first ${c.total} monitors`
        return { status: c.alert > 0 ? 'degraded' : 'ok', text: `${c.alert} alert, ${c.warn} warn, ${c.noData} no data${scope}` }
      } catch (err) {
        return { status: failureStatus(err), text: reason(err) }
      }
    }
  }
}
