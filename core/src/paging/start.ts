import type { FastifyBaseLogger } from 'fastify'
import type { OperatorEnv } from '../config/env-schema.js'
import type { OperatorConfigFile } from '../config/file.js'
import type { Registry } from '../registry/registry.js'
import type { Store } from '../store/types.js'
import { alertsCommand, oncallCommand } from './commands.js'
import { PagingEngine } from './engine.js'
import { pagingSettings } from './settings.js'

/** The daemon's paging engine on its store, with its commands (`alerts`, `oncall`) under the system name `paging`. */
export function startPaging (env: OperatorEnv, configFile: OperatorConfigFile, store: Store, registry: Registry, log: FastifyBaseLogger): PagingEngine {
  const engine = new PagingEngine({ db: store.db, messages: store.messages, settings: pagingSettings(env, configFile), log })
  registry.addCommand('paging', alertsCommand(engine))
  registry.addCommand('paging', oncallCommand(engine))
  return engine
}
