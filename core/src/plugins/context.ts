import type { FastifyInstance } from 'fastify'
import type { FastifyBaseLogger as Logger } from 'fastify'
import type { HostView, PluginContext } from './contract.js'
import type { Registry } from '../registry/registry.js'
import type { PoolSet } from '../http/pools.js'
import { createHttpClient } from '../http/client.js'
import type { PagingEngine } from '../paging/engine.js'
import { ERR_PAGING_UNAVAILABLE } from '../errors.js'

/** The facade a plugin's register() gets: registry calls scoped to its name, shared services, its own Fastify context. */
export function createPluginContext (name: string, fastify: FastifyInstance, registry: Registry, pools: PoolSet,
  host: HostView, log: Logger, paging: () => PagingEngine | undefined = () => undefined): PluginContext {
  return {
    name,
    command: (spec) => registry.addCommand(name, spec),
    healthCheck: (spec) => registry.addHealthCheck(name, spec),
    statusLine: (spec) => registry.addStatusLine(name, spec),
    formatter: (spec) => registry.addFormatter(name, spec as Parameters<Registry['addFormatter']>[1]),
    http: (baseUrl, options) => createHttpClient(pools, baseUrl, { name, ...options }),
    log,
    fastify,
    onClose: (fn) => { fastify.addHook('onClose', async () => { await fn() }) },
    host,
    interpreter: (spec) => registry.setInterpreter(name, spec),
    alertSource: (spec = {}) => {
      const source = spec.name ?? name
      const actions = spec.actions
      if (actions !== undefined) paging()?.addSource(source, actions)
      return async (batch) => {
        const engine = paging()
        if (engine === undefined) throw new ERR_PAGING_UNAVAILABLE('no durable store is open: set OPERATOR_DATA_DIR or DATABASE_URL')
        return await engine.ingest(source, batch)
      }
    }
  }
}
