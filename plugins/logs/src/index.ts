import { definePlugin, type HttpClient, type HttpClientOptions } from '@operator/core'
import { configSchema, envMap, logGroupList, type LogsConfig } from './config.js'
import { createCloudWatchDriver } from './drivers/cloudwatch.js'
import { createElasticsearchDriver } from './drivers/elasticsearch.js'
import { createLokiDriver } from './drivers/loki.js'
import type { LogDriver } from './drivers/types.js'
import { formatErrors, formatSearch, type ErrorsView, type SearchView } from './format.js'
import { parseLogsArgs, USAGE, windowOf } from './query.js'
import { logsStatusLine } from './status.js'
import { LOGS_ENTITIES, LOGS_PHRASES } from './phrases.js'

export type { LogsConfig } from './config.js'
export type { LogDriver, LogLine, SearchResult, ErrorCounts, TimeWindow } from './drivers/types.js'

function createDriver (config: LogsConfig, http: (url: string, options: HttpClientOptions) => HttpClient): LogDriver {
  switch (config.type) {
    case 'elasticsearch':
      return createElasticsearchDriver(config, http)
    case 'loki':
      return createLokiDriver(config, http)
    case 'cloudwatch':
      return createCloudWatchDriver(config)
  }
}

/** A paged scan starts no new page after half the deadline: the page in flight and the reply need the rest. */
function scanUntil (deadlineMs: number): number {
  return Date.now() + deadlineMs / 2
}

/** Settings the schema cannot express: checked once at start-up, named in the error. */
function checkConfig (config: LogsConfig): void {
  try {
    // The first Intl formatter loads ICU's locale data (~12 ms): UTC, the default, needs no check at start-up.
    if (config.timeZone !== 'UTC') new Intl.DateTimeFormat('en-GB', { timeZone: config.timeZone })
  } catch {
    throw new TypeError(`timeZone '${config.timeZone}' is not a known IANA time zone (e.g. UTC, Europe/Berlin)`)
  }
  if (config.type === 'cloudwatch' && logGroupList(config.logGroups).length === 0) {
    throw new TypeError('logGroups (LOGS_GROUPS) must name at least one log group for cloudwatch')
  }
}

export default definePlugin<LogsConfig>({
  name: 'logs',
  description: 'Newest matching log lines and error counts from Elasticsearch, Grafana Loki or CloudWatch Logs',
  configSchema,
  env: envMap,
  register (op, config) {
    checkConfig(config)
    // Nothing connects here: the HTTP pool and the AWS client are made on the first command.
    const driver = createDriver(config, (url, options) => op.http(url, options))
    op.onClose(async () => { await driver.close?.() })

    op.formatter<SearchView>({ kind: 'logs.search', format: (data, ctx) => formatSearch(data, ctx) })
    op.formatter<ErrorsView>({ kind: 'logs.errors', format: (data, ctx) => formatErrors(data, ctx) })

    op.command({
      name: 'logs',
      shared: true,
      summary: 'newest log lines matching a text; logs errors counts errors per service',
      usage: 'logs <text> [since 1h] | logs errors [since 1h] | logs find <text>',
      examples: ['logs timeout', 'logs payment declined since 2h', 'logs errors', 'logs errors since 1d'],
      phrases: LOGS_PHRASES,
      entities: LOGS_ENTITIES,
      async run (ctx) {
        const request = parseLogsArgs(ctx.argv, config.windowMinutes, Date.now())
        if (request.kind === 'usage') return USAGE
        const until = scanUntil(ctx.deadlineMs)
        if (request.kind === 'errors') {
          const counts = await driver.countErrors(request.window, ctx.signal, until)
          return { kind: 'logs.errors', data: { ...counts, label: request.window.label, backend: driver.name } }
        }
        const result = await driver.search(request.text, request.window, config.limit, ctx.signal, until)
        const data: SearchView = { ...result, text: request.text, label: request.window.label, backend: driver.name, timeZone: config.timeZone }
        return { kind: 'logs.search', data }
      }
    })

    op.healthCheck({ system: 'logs', check: async (ctx) => await driver.health(ctx.signal) })
    op.statusLine({
      system: 'logs',
      line: async (ctx) => await logsStatusLine(driver, windowOf(config.windowMinutes, Date.now()), ctx.signal, scanUntil(ctx.deadlineMs))
    })
  }
})
