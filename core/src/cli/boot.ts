import type { FastifyInstance } from 'fastify'
import { pino } from 'pino'
import { buildApp, CORE_DIR, readConfigFile, readDotEnv } from '../app.js'
import { isPretty, loggerOptions } from '../logging.js'
import { logFileSettings, resolveTransports, type DaemonLogs } from '../log-sinks/index.js'
import type { StoreMode } from '../store/start.js'

/** Exit code for a start-up failure (bad config, missing plugin...). */
export const EXIT_CONFIG = 1

/** One line for a person: the stable code and what to fix; never a stack trace. */
export function startupMessage (err: unknown): string {
  const e = err as { code?: unknown; message?: unknown; cause?: unknown }
  const message = typeof e?.message === 'string' ? e.message : String(err)
  const code = typeof e?.code === 'string' ? e.code : 'OPR_ERR_STARTUP'
  // A package Operator loads on demand (a validator, a driver) that the install left out: name it, say what to run.
  const missing = code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND'
    ? /Cannot find (?:package|module) '([^']+)'/.exec(message)?.[1]
    : undefined
  if (missing !== undefined) {
    return `operator: cannot load '${missing}': it is not installed where Operator runs; run npm install in the app directory [OPR_ERR_DEPENDENCY_MISSING]`
  }
  return `operator: ${message.split('\n')[0]} [${code}]`
}

export interface BootOptions {
  /** Log level for the CLI's one-shot commands (the daemon uses LOG_LEVEL). */
  readonly quiet?: boolean
  /** With `quiet`: each warning logged while building (NODE_ENV, signature checks off...) as one line. */
  readonly onWarning?: (message: string) => void
  /**
   * Where the daemon's logs go: the bounded stdout, plus LOG_FILE and `logging.transports` once opened here (pretty
   * output alone keeps pino-pretty's own stream). Default: pino's stdout.
   */
  readonly logs?: DaemonLogs
  /** What to do with the durable store (default: open it and apply pending migrations). */
  readonly store?: StoreMode
}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

/** A logger that hands each warning's message to `onWarning` and drops everything below. */
function warningLogger (onWarning: (message: string) => void): ReturnType<typeof pino> {
  return pino({ level: 'warn', base: undefined, timestamp: false }, {
    write (line: string) {
      const { msg } = JSON.parse(line) as { msg?: unknown }
      if (typeof msg === 'string') onWarning(msg)
    }
  })
}

/** Builds and readies the app from this process's environment and working directory. */
export async function boot (options: BootOptions = {}): Promise<FastifyInstance> {
  // The logger exists before the validated env does, so its settings are read raw here, at the edge, from the same
  // environment the daemon reads (`.env` under the process's own).
  const cwd = process.cwd()
  const rawEnv: Readonly<Record<string, string | undefined>> = { ...readDotEnv(cwd), ...process.env }
  // An unknown LOG_LEVEL would make pino throw before the environment is validated; validation names it instead.
  const level = LEVELS.includes(rawEnv.LOG_LEVEL ?? '') ? rawEnv.LOG_LEVEL : undefined
  // The other sinks are checked by every command (`operator config check` names a transport that is not installed)
  // and opened only by the daemon; the config file is read again, as for every other setting, by buildApp.
  const configFile = readConfigFile(rawEnv, cwd)
  const sinks = {
    file: logFileSettings(rawEnv),
    transports: resolveTransports(configFile.logging, [configFile.baseDir, CORE_DIR], rawEnv)
  }
  const settings = {
    level: options.quiet === true ? 'error' : level,
    format: options.quiet === true ? 'json' : rawEnv.LOG_FORMAT,
    nodeEnv: rawEnv.NODE_ENV,
    isTTY: process.stdout.isTTY
  }
  if (options.quiet !== true && options.logs !== undefined) {
    await options.logs.open(sinks, level ?? 'info', isPretty(settings))
  }
  // Combined, the stream already gives stdout its pretty form.
  const logger = loggerOptions({
    ...settings,
    ...(options.logs?.combined === true ? { format: 'json' } : {}),
    stream: options.quiet === true ? undefined : options.logs?.stream
  })
  const store = options.store !== undefined ? { store: options.store } : {}
  const app = await buildApp(options.quiet !== true
    ? { logger, ...store }
    : options.onWarning !== undefined ? { loggerInstance: warningLogger(options.onWarning), ...store } : { logger: false, ...store })
  options.logs?.reportDropsTo(app.log)
  await app.ready()
  return app
}

/**
 * `boot`, or the start-up failure written to stderr as one line and the exit code to return: what every CLI
 * command does first.
 */
export async function bootOrExit (options: BootOptions = {}): Promise<FastifyInstance | number> {
  try {
    return await boot(options)
  } catch (err) {
    process.stderr.write(`${startupMessage(err)}\n`)
    return EXIT_CONFIG
  }
}
