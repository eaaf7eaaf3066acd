import type { FastifyInstance } from 'fastify'
import { buildApp } from '../app.js'
import { loggerOptions } from '../logging.js'

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
}

/** Builds and readies the app from this process's environment and working directory. */
export async function boot (options: BootOptions = {}): Promise<FastifyInstance> {
  // The logger exists before the validated env does, so its settings are read raw here, at the edge.
  const logger = loggerOptions({
    level: options.quiet === true ? 'error' : process.env.LOG_LEVEL,
    format: options.quiet === true ? 'json' : process.env.LOG_FORMAT,
    nodeEnv: process.env.NODE_ENV,
    isTTY: process.stdout.isTTY
  })
  const app = await buildApp(options.quiet === true ? { logger: false } : { logger })
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
