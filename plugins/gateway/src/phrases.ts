import type { CommandPhrase, EntityVocabulary } from '@operator/core'

/** `is traffic getting through`, `gateway latency`, and for Kong `unhealthy upstreams`. */
export function gatewayPhrases (kong: boolean): CommandPhrase[] {
  const phrases: CommandPhrase[] = [
    {
      say: [
        'gateway', 'gateway traffic', 'traffic', 'how is gateway doing', 'gateway error rate', 'gateway errors',
        'gateway latency', 'gateway 5xx', 'is traffic getting through', 'are requests getting through'
      ],
      run: 'gateway'
    },
    { say: ['gateway details', 'gateway status', 'gateway node status', 'gateway node'], run: 'gateway status' }
  ]
  if (kong) {
    phrases.push({
      say: [
        'upstreams', 'gateway upstreams', 'upstream health', 'unhealthy upstreams', 'which upstreams are down',
        'unhealthy targets', 'unhealthy targets in gateway', 'are upstreams ok', 'backend targets'
      ],
      run: 'gateway upstreams'
    })
  }
  return phrases
}

export const GATEWAY_ENTITIES: EntityVocabulary = {
  system: { gateway: ['kong', 'api gateway', 'apigw', 'api gw', 'api'] }
}
