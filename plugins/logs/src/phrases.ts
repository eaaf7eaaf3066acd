import type { CommandPhrase, EntityVocabulary } from '@operator/core'

/** `errors in the logs last hour`, `any 500s in the logs`, `search logs for timeout`. */
export const LOGS_PHRASES: readonly CommandPhrase[] = [
  {
    say: [
      'errors in the logs', 'log errors', 'error logs', 'errors per service', 'error count by service',
      'which service is throwing errors', 'who is throwing errors', 'logs errors'
    ],
    run: 'logs errors[ since {duration}]'
  },
  {
    say: [
      '{text} in the logs', 'search logs for {text}', 'search for {text}', 'grep {text}', 'grep logs for {text}',
      'find {text} in the logs', 'look for {text} in logs', 'logs mentioning {text}', 'logs with {text}',
      'what do the logs say about {text}', 'anything about {text} in the logs'
    ],
    run: 'logs {text}[ since {duration}]'
  }
]

/** The log backends by the names people know them by: `is elasticsearch up` checks `logs`. */
export const LOGS_ENTITIES: EntityVocabulary = {
  system: { logs: ['log', 'logging', 'elasticsearch', 'elastic', 'es', 'loki', 'cloudwatch', 'kibana'] }
}
