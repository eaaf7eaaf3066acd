import type { CommandSpec } from '@operator/core'
import type { DatadogApi } from './api.js'
import { parseMetricsArgs } from './query-args.js'
import { toRows } from './series.js'
import { countMonitors, monitorsToShow, SHOWN_STATES } from './monitors.js'
import type { MonitorsResult, QueriesResult, SeriesResult } from './render.js'
import { METRICS_PHRASES, metricsEntities, MONITORS_PHRASES } from './phrases.js'

export function metricsCommand (api: DatadogApi, queries: Readonly<Record<string, string>>): CommandSpec {
  const list = Object.keys(queries).sort().map((name) => ({ name, query: queries[name]! }))
  return {
    name: 'metrics',
    shared: true,
    summary: 'Datadog metrics: a named query or a Datadog query, last 5m',
    usage: 'metrics [datadog] <name|query> [over 1h]',
    examples: ['metrics cpu', 'metrics cpu over 1h', 'metrics datadog avg:system.load.1{*}by{host}'],
    phrases: METRICS_PHRASES,
    entities: metricsEntities(Object.keys(queries)),
    async run (ctx) {
      if (ctx.argv.length === 0) return { kind: 'datadog.queries', data: { queries: list } satisfies QueriesResult }
      const request = parseMetricsArgs(ctx.argv, queries)
      const to = Math.floor(Date.now() / 1000)
      const answer = await api.query(request.query, to - request.windowSeconds, to, ctx.signal)
      const data: SeriesResult = { ...request, rows: toRows(answer.series) }
      return { kind: 'datadog.series', data }
    }
  }
}

export function monitorsCommand (api: DatadogApi): CommandSpec {
  return {
    name: 'monitors',
    aliases: ['monitor'],
    summary: 'Datadog monitors in Alert, Warn or No Data, worst first',
    usage: 'monitors [name filter]',
    examples: ['monitors', 'monitors checkout'],
    phrases: MONITORS_PHRASES,
    async run (ctx) {
      const filter = ctx.args === '' ? undefined : ctx.args
      const { monitors, complete } = await api.monitors(ctx.signal, {
        groupStates: SHOWN_STATES.map((s) => s.toLowerCase()),
        ...(filter !== undefined ? { name: filter } : {}),
        // Pages are read until half the deadline: a partial list beats no answer.
        until: Date.now() + ctx.deadlineMs / 2
      })
      const data: MonitorsResult = { rows: monitorsToShow(monitors), counts: countMonitors(monitors), total: monitors.length, filter, complete }
      return { kind: 'datadog.monitors', data }
    }
  }
}
