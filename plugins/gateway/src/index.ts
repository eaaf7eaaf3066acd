import { definePlugin, usageError, type HttpClient, type PluginContext } from '@operator/core'
import { configSchema, envMap, readConfig, type GatewayConfig } from './config.js'
import { createAwsDriver } from './drivers/aws.js'
import { createCustomDriver, CUSTOM_BACKEND, splitUrl } from './drivers/custom.js'
import { createKongDriver, KONG_BACKEND } from './drivers/kong.js'
import type { GatewayDriver } from './drivers/types.js'
import {
  awsMetricsFormatter, customFieldsFormatter, kongNodeFormatter, summaryFormatter, upstreamsFormatter, type SummaryData
} from './format.js'
import { verdict } from './reading.js'
import { GATEWAY_ENTITIES, gatewayPhrases } from './phrases.js'

function client (op: PluginContext, baseUrl: string, name: string, config: GatewayConfig, headers: Record<string, string>): HttpClient {
  return op.http(baseUrl, {
    name,
    headers,
    connectTimeoutMs: Math.min(3000, config.timeoutMs),
    headersTimeoutMs: config.timeoutMs,
    bodyTimeoutMs: config.timeoutMs,
    connections: 4
  })
}

/** One driver per type, made on first use (nothing connects at start-up). */
function createDriver (op: PluginContext, config: GatewayConfig): GatewayDriver {
  switch (config.type) {
    case 'kong': {
      const headers: Record<string, string> = config.adminKey === undefined ? {} : { 'kong-admin-token': config.adminKey }
      return createKongDriver(client(op, config.url!, KONG_BACKEND, config, headers), config)
    }
    case 'custom': {
      const { base, path } = splitUrl(config.url!)
      return createCustomDriver(client(op, base, CUSTOM_BACKEND, config, {}), path, config)
    }
    case 'aws':
      return createAwsDriver(config)
  }
}

/** gateway: is traffic getting through? Kong's Admin API, AWS API Gateway metrics or a custom JSON endpoint. */
export default definePlugin({
  name: 'gateway',
  version: '0.1.0',
  description: 'API gateway health: Kong, AWS API Gateway or a custom JSON endpoint',
  configSchema,
  env: envMap,
  register (op, raw) {
    const config = readConfig(raw)
    let driver: GatewayDriver | undefined
    const gateway = (): GatewayDriver => (driver ??= createDriver(op, config))
    op.onClose(async () => { await driver?.close() })

    op.formatter(summaryFormatter)
    op.formatter(kongNodeFormatter)
    op.formatter(upstreamsFormatter)
    op.formatter(awsMetricsFormatter)
    op.formatter(customFieldsFormatter)

    op.command({
      name: 'gateway',
      aliases: ['gw'],
      summary: `API gateway (${config.type}): ${config.type === 'kong' ? 'node, targets, upstreams' : 'traffic, errors, latency'}`,
      usage: config.type === 'kong' ? 'gateway [status|upstreams]' : 'gateway [status]',
      examples: ['gateway', 'gateway status', ...(config.type === 'kong' ? ['gateway upstreams'] : [])],
      phrases: gatewayPhrases(config.type === 'kong'),
      entities: GATEWAY_ENTITIES,
      async run (ctx) {
        const view = ctx.argv[0]?.toLowerCase()
        if (view === undefined) {
          const { reading, extra } = await gateway().overview(ctx.signal)
          const v = verdict(reading, config.thresholds)
          const data: SummaryData = { status: v.status, text: v.text, extra }
          return { kind: 'gateway.summary', data }
        }
        if (view === 'status') return await gateway().details(ctx.signal)
        if (view === 'upstreams') {
          const d = gateway()
          if (d.upstreams === undefined) throw usageError(`gateway upstreams is for Kong; this gateway is ${config.type}. Try: gateway status`)
          return { kind: 'gateway.upstreams', data: await d.upstreams(ctx.signal) }
        }
        throw usageError(`Unknown gateway view '${view.slice(0, 20)}'. Try: gateway, gateway status${config.type === 'kong' ? ', gateway upstreams' : ''}`)
      }
    })

    const look = async (signal: AbortSignal) => verdict(await gateway().read(signal), config.thresholds)
    op.healthCheck({
      system: 'gateway',
      async check ({ signal }) {
        const started = Date.now()
        const v = await look(signal)
        return { status: v.status, summary: v.text, latencyMs: Date.now() - started }
      }
    })
    op.statusLine({
      system: 'gateway',
      async line ({ signal }) {
        const v = await look(signal)
        return { status: v.status, text: v.text }
      }
    })
  }
})
