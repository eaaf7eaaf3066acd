import type { CommandPhrase, EntityVocabulary } from '@operator/core'

/** How people ask for a named query in plain words (the interpreter's phrases): `cpu last hour`, `datadog cpu`. */
export const METRICS_PHRASES: readonly CommandPhrase[] = [
  { say: ['{metric}', 'what is the {metric}', 'how is {metric}', 'show {metric}', '{metric} graph', '{metric} like', 'how much {metric}', 'how full are {metric}', 'is {metric} full', '{metric} full'], run: 'metrics {metric}[ over {duration}]' },
  { say: ['datadog {metric}', '{metric} in datadog', '{metric} from datadog'], run: 'metrics datadog {metric}[ over {duration}]' },
  { say: ['metrics', 'what metrics are there', 'list metrics', 'which queries can i run', 'what can i graph', 'named queries'], run: 'metrics' }
]

/** Other words people use for the default queries' names; a configured query is known by its own name. */
const QUERY_SYNONYMS: Readonly<Record<string, readonly string[]>> = {
  cpu: ['cpu usage', 'cpu load', 'cpu utilization', 'processor'],
  load: ['load average', 'loadavg', 'system load'],
  memory: ['mem', 'ram', 'memory usage', 'mem usage', 'memory used'],
  disk: ['disks', 'disk space', 'disk usage', 'free space', 'storage'],
  up: ['agents up', 'hosts up'],
  errors: ['error rate', 'err rate', 'errors rate', 'error ratio', '5xx rate', '5xx', 'http errors']
}

export function metricsEntities (names: readonly string[]): EntityVocabulary {
  return {
    metric: Object.fromEntries(names.map((name) => [name, QUERY_SYNONYMS[name] ?? []])),
    system: { datadog: ['dd', 'data dog'] }
  }
}

/** `any monitors alerting`, `checkout monitors`. */
export const MONITORS_PHRASES: readonly CommandPhrase[] = [
  {
    say: [
      'monitors', 'monitors alerting', 'any monitors alerting', 'which monitors are red', 'what monitors are in alert',
      'monitors in warn', 'datadog monitors', 'datadog alerts', 'what is datadog saying', 'red monitors'
    ],
    run: 'monitors'
  },
  { say: ['{text} monitors', 'monitors for {text}', '{text} monitor', '{text} monitors alerting', 'is {text} monitor red'], run: 'monitors {text}' }
]
