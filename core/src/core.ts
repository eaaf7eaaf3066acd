import type { HostView } from './plugins/contract.js'
import type { PluginReport } from './plugins/loader.js'
import type { OperatorEnv } from './config/env-schema.js'
import type { OperatorConfigFile } from './config/file.js'
import type { Registry } from './registry/registry.js'
import type { PoolSet } from './http/pools.js'
import type { Dispatcher } from './dispatch/dispatcher.js'
import type { HealthRunner } from './dispatch/health.js'
import type { PageStore } from './state/pages.js'
import type { State } from './state/select.js'
import type { Store } from './store/types.js'
import type { PagingEngine } from './paging/engine.js'
import type { History } from './history/writer.js'

/** The daemon's parts, decorated onto the root Fastify instance as `fastify.operator`. */
export interface OperatorCore {
  readonly version: string
  readonly startedAt: number
  readonly env: OperatorEnv
  /** The raw environment (process.env plus .env, or what a test gave), for plugin env mappings. */
  readonly rawEnv: Readonly<Record<string, string | undefined>>
  readonly configFile: OperatorConfigFile
  readonly registry: Registry
  readonly pools: PoolSet
  readonly pages: PageStore
  /** The hot state (pages, idempotency records) and, with Redis, its one shared connection and breaker. */
  readonly state: State
  /** The durable store (SQLite in OPERATOR_DATA_DIR, or PostgreSQL at DATABASE_URL); undefined when not opened. */
  readonly store: Store | undefined
  /** Core's paging engine (alerts in, pages out); undefined without a store. */
  readonly paging: PagingEngine | undefined
  /**
   * Message history: `record(message)` returns at once; rows are written to the store in batches. Records nothing
   * when the store is not open.
   */
  readonly history: History
  readonly health: HealthRunner
  readonly dispatcher: Dispatcher
  readonly host: HostView
  readonly plugins: PluginReport[]
  /** True once every plugin is registered and the registry is frozen; false again while shutting down. */
  ready: boolean
}

declare module 'fastify' {
  interface FastifyInstance {
    operator: OperatorCore
    config: OperatorEnv
  }
}
