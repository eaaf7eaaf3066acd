import { definePlugin } from '@operator/core'
import { configSchema, env, resolveSettings, type NewRelicConfig } from './config.js'
import { NerdGraph } from './nerdgraph.js'
import { metricsCommand, newrelicCommand } from './commands.js'
import { healthCheck, statusLine } from './health.js'
import { appFormatter, issuesFormatter, queriesFormatter, resultsFormatter } from './render.js'

export { REGION_URLS, type NewRelicConfig } from './config.js'

export default definePlugin<NewRelicConfig>({
  name: 'newrelic',
  description: 'New Relic over NerdGraph: APM golden signals, open issues, named NRQL, metrics, health and status',
  configSchema,
  env,
  register (op, config) {
    const settings = resolveSettings(config)
    // Creating the client opens nothing: the pool connects on the first request. Its connection cap keeps this
    // daemon under NerdGraph's 25 requests in flight per user.
    const http = op.http(settings.baseUrl, {
      name: 'newrelic',
      headers: { 'API-Key': config.apiKey },
      headersTimeoutMs: settings.timeoutMs,
      bodyTimeoutMs: settings.timeoutMs,
      connectTimeoutMs: Math.min(settings.timeoutMs, 3000),
      connections: settings.maxConcurrent
    })
    const api = new NerdGraph(http, { accountId: settings.accountId, timeoutMs: settings.timeoutMs })

    op.command(newrelicCommand(api, settings))
    op.command(metricsCommand(api, settings))
    op.healthCheck(healthCheck(api, settings))
    op.statusLine(statusLine(api, settings))
    op.formatter(appFormatter)
    op.formatter(issuesFormatter)
    op.formatter(resultsFormatter)
    op.formatter(queriesFormatter)
  }
})
