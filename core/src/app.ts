import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import fp from 'fastify-plugin'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { parseEnv } from 'node:util'
import { fileURLToPath } from 'node:url'
import { DEFAULT_CONFIG_FILE, type OperatorEnv } from './config/env-schema.js'
import { validateEnv } from './config/env-validate.js'
import { checkEnvRules } from './config/rules.js'
import { ERR_CONFIG_FILE } from './errors.js'
import { loadConfigFile, parseConfig, type OperatorConfigFile } from './config/file.js'
import { Registry } from './registry/registry.js'
import { PoolSet } from './http/pools.js'
import { lazySchemaCompilers } from './http/lazy-compilers.js'
import { createState, stateSettings } from './state/select.js'
import { HealthRunner } from './dispatch/health.js'
import { Dispatcher } from './dispatch/dispatcher.js'
import { createHostView } from './host.js'
import { registerSelfSystem } from './self.js'
import { loadPlugins, type InlinePlugin } from './plugins/loader.js'
import type { OperatorCore } from './core.js'
import { VERSION } from './version.js'
import { smsChannel } from './channels/sms/index.js'
import { localExecRoute } from './local-exec/route.js'
import { ConnectionTracker } from './connections.js'
import { requestPath } from './logging.js'
import { defaultStoreMode, startStore, type StoreMode } from './store/start.js'
import { registerStoreSystem } from './store/system.js'
import { createHistoryView } from './history/view.js'
import { startPaging } from './paging/start.js'
import { HistoryWriter, NO_HISTORY, RetentionPruner, type History } from './history/index.js'
import { restartSafeState } from './state/durable.js'

export interface BuildOptions {
  /** The environment to validate; default process.env with `.env` read from `cwd`. */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** Where the config file and relative plugin paths are resolved; default process.cwd(). */
  readonly cwd?: string
  /** A config object used instead of reading OPERATOR_CONFIG (tests, embedding). */
  readonly config?: unknown
  /** Plugins given as values, registered after the configured ones. */
  readonly plugins?: readonly InlinePlugin[]
  /** Fastify's logger option (pino options, an instance, or false). Default: off. */
  readonly logger?: FastifyServerOptions['logger']
  readonly loggerInstance?: FastifyServerOptions['loggerInstance']
  /**
   * The durable store (OPERATOR_DATA_DIR / DATABASE_URL): `migrate` (open and apply migrations), `open`, or `off`.
   * Default: `migrate` for the process's own environment; with `env` given, only when it names one of the two.
   */
  readonly store?: StoreMode
  /** The clock the interpreter reads `since 2pm` against (tests set it). */
  readonly now?: () => number
}

// History rows and idempotency answers wait this long for others before they are written: under load, a few large
// commits instead of one per turn of the event loop (bench/history.js); a kill -9 loses at most this much.
const STORE_WRITE_DELAY_MS = 10

// core/dist/app.js → the monorepo root (and core's own node_modules): where first-party plugins are installed.
export const CORE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..')

function readConfig (env: OperatorEnv, rawEnv: Readonly<Record<string, string | undefined>>, cwd: string, inline: unknown): OperatorConfigFile {
  if (inline !== undefined) return parseConfig(inline, 'the given config', cwd)
  return readConfigFile(rawEnv, cwd, env.OPERATOR_CONFIG)
}

/** The config file OPERATOR_CONFIG names (default operator.config.json), read from `cwd`. */
export function readConfigFile (rawEnv: Readonly<Record<string, string | undefined>>, cwd: string,
  file = rawEnv.OPERATOR_CONFIG === undefined || rawEnv.OPERATOR_CONFIG === '' ? DEFAULT_CONFIG_FILE : rawEnv.OPERATOR_CONFIG): OperatorConfigFile {
  // Naming the default file (as an uncommented .env.example line does) is the same as not naming it.
  const explicit = rawEnv.OPERATOR_CONFIG !== undefined && rawEnv.OPERATOR_CONFIG !== '' && rawEnv.OPERATOR_CONFIG !== DEFAULT_CONFIG_FILE
  return loadConfigFile(file, cwd, explicit)
}

/** The variables in `cwd/.env`, if there is one; the process's own environment wins over them. */
export function readDotEnv (cwd: string): Record<string, string | undefined> {
  const path = join(cwd, '.env')
  try {
    return parseEnv(readFileSync(path, 'utf8'))
  } catch (err) {
    const code = (err as { code?: string }).code
    if (code === 'ENOENT') return {}
    throw new ERR_CONFIG_FILE(path, String(code ?? err))
  }
}

/** Builds the daemon's Fastify instance with every configured plugin; nothing listens here. */
export async function buildApp (options: BuildOptions = {}): Promise<FastifyInstance> {
  const cwd = options.cwd ?? process.cwd()
  const app = Fastify({
    ...(options.loggerInstance !== undefined ? { loggerInstance: options.loggerInstance } : { logger: options.logger ?? false }),
    // Twilio's webhooks are small forms; anything much larger is not from Twilio.
    bodyLimit: 64 * 1024,
    // Plugins connect lazily; a slow register() is a bug worth surfacing quickly.
    pluginTimeout: 10_000,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    schemaController: { compilersFactory: lazySchemaCompilers() },
    // Node checks request and header timeouts on this interval (default 30 s): REQUEST_TIMEOUT_MS is set below, once
    // the environment is validated, and holds to within a second.
    http: { connectionsCheckingInterval: 1000 }
  })
  const connections = new ConnectionTracker()
  connections.attach(app.server)

  // `.env` is read here so that plugins' variables in it reach plugin config too, and an invalid value can be shown
  // with its variable.
  const rawEnv: Readonly<Record<string, string | undefined>> = options.env ?? { ...readDotEnv(cwd), ...process.env }
  app.decorate('config', validateEnv(rawEnv))
  // A client that sends headers and part of a body, then nothing, gets 408 and is closed; the time a handler takes
  // to answer a complete request is not limited here (the reply deadline does that).
  app.server.requestTimeout = app.config.REQUEST_TIMEOUT_MS
  app.server.headersTimeout = app.config.REQUEST_TIMEOUT_MS
  app.addHook('preClose', async () => {
    const closed = connections.closeAllButAnswering()
    if (closed > 0) app.log.info({ closed }, 'closed idle and stalled connections; requests received whole are still answered')
  })

  await app.register(fp(async (instance) => {
    const env = instance.config
    for (const warning of checkEnvRules(env)) instance.log.warn(warning)
    const configFile = readConfig(env, rawEnv, cwd, options.config)
    const registry = new Registry()
    const pools = new PoolSet()
    // One state for the whole daemon: pages here, idempotency and rate limits in the SMS channel, one Redis client.
    const hotState = await createState(stateSettings(env), instance.log.child({ part: 'state' }))
    // The durable store: history and records that outlive a restart. Opening it is a start-up step like config: a
    // directory that cannot be written or a database that cannot be migrated stops the start with a one-line error.
    const storeMode = options.store ?? defaultStoreMode(options.env)
    const storeLog = instance.log.child({ part: 'store' })
    const store = await startStore(storeMode, env, cwd, storeLog)
      .catch(async (err: unknown) => { await hotState.close(); throw err })
    const live = store !== undefined && storeMode === 'migrate' ? store : undefined
    // Without Redis, idempotency answers and pages go to the durable store too, so they outlive a restart; with Redis
    // they stay there (fast and shared by the replicas).
    const state = live !== undefined && hotState.shared === undefined
      ? restartSafeState(hotState, live, instance.log.child({ part: 'state' }), { timeoutMs: env.STATE_BUDGET_MS, delayMs: STORE_WRITE_DELAY_MS })
      : hotState
    const pages = state.pages
    const history: History = live !== undefined ? new HistoryWriter({ store: live, log: storeLog, delayMs: STORE_WRITE_DELAY_MS }) : NO_HISTORY
    const pruner = live !== undefined ? new RetentionPruner({ store: live, days: env.HISTORY_RETENTION_DAYS, log: storeLog }) : undefined
    const health = new HealthRunner(registry.systems, env.HEALTH_DEADLINE_MS, instance.log.child({ part: 'health' }))
    const dispatcher = new Dispatcher({
      registry, pages, choices: state.choices, now: options.now, log: instance.log.child({ part: 'dispatch' }),
      commandDeadlineMs: env.COMMAND_DEADLINE_MS, maxSegments: env.SMS_MAX_SEGMENTS
    })
    const host = createHostView(VERSION, registry, health, () => dispatcher, createHistoryView(store))
    // Paging needs the durable store: every alert and every text is a row before anything is answered or sent.
    let paging
    try {
      paging = store === undefined ? undefined : startPaging(env, configFile, store, registry, instance.log.child({ part: 'paging' }))
    } catch (err) {
      await store?.close()
      await state.close()
      throw err
    }
    const core: OperatorCore = {
      version: VERSION, startedAt: Date.now(), env, rawEnv, configFile, registry, pools, pages, state, store, paging, history, health, dispatcher, host, plugins: [], ready: false
    }
    instance.decorate('operator', core)
    const stopSelf = registerSelfSystem(registry, VERSION, core.startedAt)
    if (store !== undefined) registerStoreSystem(registry, store)

    try {
      await loadPlugins(instance, core, configFile, rawEnv, options.plugins ?? [], [cwd, CORE_DIR])
    } catch (err) {
      await store?.close()
      throw err
    }

    instance.addHook('onReady', async () => {
      registry.freeze(configFile.primary)
      pruner?.start()
      core.ready = true
    })
    // Pages are sent by a daemon that listens, not by `operator exec` or a test's inject reading the same store.
    instance.addHook('onListen', async () => { paging?.start() })
    instance.addHook('preClose', async () => { core.ready = false })
    // The channels have closed by now (children first): the last messages' history and answers are written, then the
    // store closes.
    instance.addHook('onClose', async () => {
      stopSelf()
      await paging?.stop()
      await pruner?.stop()
      await pools.close()
      await history.close()
      await state.close()
      await store?.close()
    })
  }, { name: '@operator/core', fastify: '5.x', decorators: { fastify: ['config'] } }))
  await app.register(smsChannel)
  await app.register(localExecRoute)

  // Fastify's own not-found log line prints the whole URL, query string and all.
  app.setNotFoundHandler(async (request, reply) => {
    request.log.info(`Route ${request.method}:${requestPath(request.url)} not found`)
    return await reply.code(404).send({ message: `Route ${request.method}:${request.url} not found`, error: 'Not Found', statusCode: 404 })
  })
  app.get('/healthz', async () => ({ status: 'ok' }))
  app.get('/readyz', async (_req, reply) => {
    if (!app.operator.ready) return await reply.code(503).send({ status: 'starting or stopping' })
    return { status: 'ready', plugins: app.operator.plugins.filter((p) => p.enabled).length }
  })
  return app
}
