import { accessSync, constants, mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { basename, dirname, extname, join } from 'node:path'
import { ERR_CONFIG_ENV_VALUE } from '../errors.js'
import type { LogFileSettings } from './settings.js'
import { TransportSink } from './transport.js'

/** The name the current file goes by (a symlink pino-roll keeps pointing at it), for `tail -F`. */
export const CURRENT_LINK = 'current.log'

/** pino-roll's options for LOG_FILE: a new file past the size and at each local midnight, `keep` old ones kept. */
export function pinoRollOptions (settings: LogFileSettings): Record<string, unknown> {
  const ext = extname(settings.file)
  return {
    // pino-roll puts the date and number between the name and the extension: operator.2026-11-25.1.log.
    file: ext === '' ? settings.file : join(dirname(settings.file), basename(settings.file, ext)),
    extension: ext === '' ? '.log' : ext,
    size: settings.size,
    frequency: 'daily',
    dateFormat: 'yyyy-MM-dd',
    symlink: true,
    limit: { count: settings.keep }
  }
}

/**
 * Opens LOG_FILE: pino-roll run as a pino transport, in its own worker thread like the configured ones. Loading it
 * (date-fns whole, about 130 ms) then happens off the daemon's event loop, and a stalled disk holds that worker,
 * never a request. The folder is made and checked here, so a file that cannot be written stops the start.
 */
export function openLogFile (settings: LogFileSettings): TransportSink {
  const dir = dirname(settings.file)
  try {
    mkdirSync(dir, { recursive: true })
    accessSync(dir, constants.W_OK)
  } catch (err) {
    const reason = (err as { code?: string }).code ?? (err as Error).message
    throw new ERR_CONFIG_ENV_VALUE(`LOG_FILE=${settings.file}: cannot be written (${reason})`)
  }
  return new TransportSink({
    name: 'LOG_FILE',
    target: 'pino-roll',
    path: createRequire(import.meta.url).resolve('pino-roll'),
    options: pinoRollOptions(settings),
    level: undefined,
    only: undefined
  })
}
