import { definePlugin } from '@operator/core'
import { configSchema, env, resolveSettings, type DatadogConfig } from './config.js'
import { DatadogApi } from './api.js'
import { metricsCommand, monitorsCommand } from './commands.js'
import { healthCheck, statusLine } from './health.js'
import { monitorsFormatter, queriesFormatter, seriesFormatter } from './render.js'

export { DEFAULT_QUERIES, type DatadogConfig } from './config.js'
export { KNOWN_SITES, apiBaseForSite } from './sites.js'

export default definePlugin<DatadogConfig>({
  name: 'datadog',
  description: 'Metrics, monitors, health and status from Datadog',
  configSchema,
  env,
  register (op, config) {
    const settings = resolveSettings(config)
    const headers: Record<string, string> = { 'dd-api-key': config.apiKey }
    if (config.appKey !== undefined) headers['dd-application-key'] = config.appKey
    // Creating the client opens nothing: the pool connects on the first request.
    const http = op.http(settings.baseUrl, {
      name: 'datadog',
      headers,
      headersTimeoutMs: settings.timeoutMs,
      bodyTimeoutMs: settings.timeoutMs,
      connectTimeoutMs: Math.min(settings.timeoutMs, 3000)
    })
    const api = new DatadogApi(http, { hasAppKey: config.appKey !== undefined, timeoutMs: settings.timeoutMs })
    const check = healthCheck(api, settings.site)

    op.command(metricsCommand(api, settings.queries))
    op.command(monitorsCommand(api))
    op.healthCheck(check)
    op.statusLine(statusLine(api, check))
    op.formatter(seriesFormatter)
    op.formatter(queriesFormatter)
    op.formatter(monitorsFormatter)
  }
})
