import { usageError, type CommandContext, type CommandSpec, type TypedResult } from '@operator/core'
import type { NerdGraph } from './nerdgraph.js'
import { withoutSourceName } from './errors.js'
import type { Settings } from './config.js'
import { goldenSignalsNrql, looksLikeNrql, toGoldenSignals } from './nrql.js'
import type { IssuesData, QueriesData, ResultsData } from './render.js'

const USAGE = 'Text newrelic <app>, newrelic issues or newrelic q <name>.'

function queryList (queries: Readonly<Record<string, string>>): QueriesData {
  return { queries: Object.keys(queries).sort().map((name) => ({ name, nrql: queries[name]! })) }
}

async function named (api: NerdGraph, queries: Readonly<Record<string, string>>, name: string, signal: AbortSignal): Promise<TypedResult<ResultsData>> {
  const key = name.toLowerCase()
  const nrql = queries[key]
  if (nrql === undefined) {
    const names = Object.keys(queries).sort()
    const known = names.length === 0 ? 'None are configured.' : `Named: ${names.join(', ')}.`
    throw usageError(`No NRQL query named '${name.slice(0, 20)}'. ${known}`)
  }
  return { kind: 'newrelic.results', data: { name: key, nrql, rows: await api.nrql(nrql, signal) } }
}

/** `newrelic <app>` (golden signals), `newrelic issues` (open issues), `newrelic q [name]` (named NRQL from config). */
export function newrelicCommand (api: NerdGraph, settings: Settings): CommandSpec {
  return {
    name: 'newrelic',
    aliases: ['nr'],
    summary: 'New Relic: an app\'s throughput, errors and p95; open issues; named NRQL',
    usage: 'newrelic <app> | newrelic issues | newrelic q [name]',
    examples: ['newrelic checkout', 'newrelic issues', 'newrelic q signups'],
    async run (ctx: CommandContext) {
      try {
        return await runNewrelic(api, settings, ctx)
      } catch (err) {
        throw withoutSourceName(err)
      }
    }
  }
}

async function runNewrelic (api: NerdGraph, settings: Settings, ctx: CommandContext): Promise<TypedResult> {
  const [first, ...rest] = ctx.argv
  if (first === undefined) throw usageError(USAGE)
  const word = first.toLowerCase()
  if (word === 'issues' && rest.length === 0) {
    const page = await api.openIssues(settings.issuesWindowHours, ctx.signal)
    const data: IssuesData = { ...page, windowHours: settings.issuesWindowHours }
    return { kind: 'newrelic.issues', data }
  }
  if (word === 'q') {
    if (rest.length === 0) return { kind: 'newrelic.queries', data: queryList(settings.queries) }
    if (rest.length > 1) throw usageError('newrelic q runs a named query from the config: newrelic q <name>. For NRQL text metrics newrelic <NRQL>.')
    return await named(api, settings.queries, rest[0]!, ctx.signal)
  }
  const app = ctx.args
  const rows = await api.nrql(goldenSignalsNrql(app, settings.windowMinutes), ctx.signal)
  return { kind: 'newrelic.app', data: toGoldenSignals(app, settings.windowMinutes, rows) }
}

/** The New Relic source of the shared `metrics` capability: `metrics newrelic <NRQL or query name>`. */
export function metricsCommand (api: NerdGraph, settings: Settings): CommandSpec {
  return {
    name: 'metrics',
    shared: true,
    summary: 'New Relic: NRQL, or a named NRQL query',
    usage: 'metrics [newrelic] <NRQL|name>',
    examples: ['metrics newrelic SELECT count(*) FROM Transaction SINCE 5 minutes ago', 'metrics newrelic signups'],
    async run (ctx: CommandContext) {
      const text = ctx.args
      if (text === '') return { kind: 'newrelic.queries', data: queryList(settings.queries) }
      if (ctx.argv.length === 1 && !looksLikeNrql(text)) return await named(api, settings.queries, text, ctx.signal)
      if (!looksLikeNrql(text)) throw usageError('NRQL starts with SELECT or FROM, e.g. metrics newrelic SELECT count(*) FROM Transaction.')
      const data: ResultsData = { name: undefined, nrql: text, rows: await api.nrql(text, ctx.signal) }
      return { kind: 'newrelic.results', data }
    }
  }
}
