import type { FastifyInstance } from 'fastify'
import { pino } from 'pino'
import { buildApp } from '../app.js'
import { loggerOptions, type StdoutLog } from '../logging.js'
import type { StoreMode } from '../store/start.js'

/** Exit code for a start-up failure (bad config, missing plugin...). */
export const EXIT_CONFIG = 1

/** One line for a person: the stable code and what to fix; never a stack trace. */
export function startupMessage (err: unknown): string {
  const e = err as { code?: unknown; message?: unknown; cause?: unknown }
  const message = typeof e?.message === 'string' ? e.message : String(err)
  const code = typeof e?.code === 'string' ? e.code : 'OPR_ERR_STARTUP'
  return `operator: ${message.split('\n')[0]} [${code}]`
}

export interface BootOptions {
  /** Log level for the CLI's one-shot commands (the daemon uses LOG_LEVEL). */
  readonly quiet?: boolean
  /** With `quiet`: each warning logged while building (NODE_ENV, signature checks off...) as one line. */
  readonly onWarning?: (message: string) => void
  /** Where the daemon's JSON logs go (pretty output keeps pino-pretty's own stream). Default: pino's stdout. */
  readonly logs?: StdoutLog
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
  // The logger exists before the validated env does, so its settings are read raw here, at the edge.
  // An unknown LOG_LEVEL would make pino throw before the environment is validated; validation names it instead.
  const level = LEVELS.includes(process.env.LOG_LEVEL ?? '') ? process.env.LOG_LEVEL : undefined
  const logger = loggerOptions({
    level: options.quiet === true ? 'error' : level,
    format: options.quiet === true ? 'json' : process.env.LOG_FORMAT,
    nodeEnv: process.env.NODE_ENV,
    isTTY: process.stdout.isTTY,
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
