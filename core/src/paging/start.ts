import type { FastifyBaseLogger } from 'fastify'
import type { OperatorEnv } from '../config/env-schema.js'
import type { OperatorConfigFile } from '../config/file.js'
import type { Registry } from '../registry/registry.js'
import type { Store } from '../store/types.js'
import { alertsCommand, oncallCommand } from './commands.js'
import { PagingEngine } from './engine.js'
import { pagingSettings } from './settings.js'

/**
 * The daemon's paging engine on its store. Its commands (`alerts`, `oncall`, system name `paging`) are registered
 * once someone is on call (ONCALL_NUMBERS or the config file's `oncall`): before that `help` stays as short as it was,
 * and `alerts` is Prometheus's list when Prometheus is configured.
 */
export function startPaging (env: OperatorEnv, configFile: OperatorConfigFile, store: Store, registry: Registry, log: FastifyBaseLogger): PagingEngine {
  const settings = pagingSettings(env, configFile)
  const engine = new PagingEngine({ db: store.db, messages: store.messages, settings, log })
  if (settings.rotation.length > 0 || Object.keys(configFile.oncall).length > 0) {
    registry.addCommand('paging', alertsCommand(engine))
    registry.addCommand('paging', oncallCommand(engine))
  }
  return engine
}
