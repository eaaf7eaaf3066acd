import { definePlugin, type HttpClient } from '@operator/core'
import { authHeaders, configEnv, configSchema, namedQueries, type PrometheusConfig } from './config.js'
import { PrometheusApi } from './client.js'
import { metricsCommand } from './metrics.js'
import { alertsCommand } from './alerts.js'
import { healthCheck, statusLine } from './health.js'
import { formatAlerts, formatInstant, formatQueries, formatRange } from './render.js'
import type { AlertsData, InstantData, QueriesData, RangeData } from './render.js'

export type { PrometheusConfig } from './config.js'
export { DEFAULT_QUERIES } from './config.js'

/** metrics (shared), alerts, a health check and a status line, from one Prometheus server. */
export default definePlugin<PrometheusConfig>({
  name: 'prometheus',
  version: '0.1.0',
  description: 'Metrics, alerts, health and status from Prometheus',
  configSchema,
  env: configEnv,
  register (op, config) {
    // The pool is made on first use: nothing connects while the daemon starts.
    let http: HttpClient | undefined
    const client = (): HttpClient => {
      http ??= op.http(config.url, {
        name: 'prometheus',
        headers: authHeaders(config.auth),
        headersTimeoutMs: config.timeoutMs,
        bodyTimeoutMs: config.timeoutMs
      })
      return http
    }
    // Each request is capped at timeoutMs as a whole; undici's header/body timeouts (coarse timers) are a backstop.
    const api = new PrometheusApi(client, config.timeoutMs)
    const queries = namedQueries(config.queries)

    op.command(metricsCommand(api, queries))
    op.command(alertsCommand(api))
    op.healthCheck(healthCheck(api))
    op.statusLine(statusLine(api))
    op.formatter<InstantData>({ kind: 'prometheus.instant', format: formatInstant })
    op.formatter<RangeData>({ kind: 'prometheus.range', format: formatRange })
    op.formatter<AlertsData>({ kind: 'prometheus.alerts', format: formatAlerts })
    op.formatter<QueriesData>({ kind: 'prometheus.queries', format: formatQueries })
  }
})
