import type { CommandPhrase, CommandSpec } from '@operator/core'

/** How people ask for a named query in plain words (the interpreter's phrases): `cpu last hour`, `error rate`. */
export function metricsPhrases (source: string): CommandPhrase[] {
  return [
    { say: ['{metric}', 'what is the {metric}', 'how is {metric}', 'show {metric}', '{metric} graph', '{metric} like', 'how much {metric}', 'how full are {metric}', 'is {metric} full', '{metric} full',
      'targets {metric}', 'which targets are {metric}', 'how many targets are {metric}'], run: 'metrics {metric}[ over {duration}]' },
    { say: [`${source} {metric}`, `{metric} in ${source}`, `{metric} from ${source}`], run: `metrics ${source} {metric}[ over {duration}]` },
    { say: ['metrics', 'what metrics are there', 'list metrics', 'which queries can i run', 'what can i graph', 'named queries'], run: 'metrics' }
  ]
}

/** Other words people use for the default queries' names; a configured query is known by its own name. */
const QUERY_SYNONYMS: Readonly<Record<string, readonly string[]>> = {
  cpu: ['cpu usage', 'cpu load', 'cpu utilization', 'processor'],
  memory: ['mem', 'ram', 'memory usage', 'mem usage', 'memory used'],
  disk: ['disks', 'disk space', 'disk usage', 'free space', 'storage'],
  errors: ['error rate', 'err rate', 'errors rate', 'error ratio', '5xx rate', '5xx', 'http errors'],
  up: ['targets up', 'up targets'],
  down: ['targets down', 'down targets', 'scrape targets down']
}

export function metricWords (names: readonly string[]): Record<string, readonly string[]> {
  return Object.fromEntries(names.map((name) => [name, QUERY_SYNONYMS[name] ?? []]))
}

/**
 * The words `alerts` answers to: `whats firing`, `any alerts`. With paging configured `alerts` is core's list of open
 * incidents (it teaches the same words), so a text that names Prometheus runs `alerts prometheus`.
 */
export const ALERTS_PHRASES: NonNullable<CommandSpec['phrases']> = [{
  say: [
    'alerts', 'what is firing', 'anything firing', 'is anything firing', 'any alerts', 'show alerts', 'list alerts',
    'what alerts are firing', 'active alerts', 'current alerts', 'what is alerting', 'firing alerts', 'alerts firing',
    'why did i get paged', 'what paged me', 'critical alerts', 'open alerts', 'what fired'
  ],
  run: 'alerts'
}, {
  say: ['prometheus alerts', 'firing in prometheus', 'alerts in prometheus'],
  run: 'alerts prometheus'
}]
