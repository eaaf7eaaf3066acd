import { mkdir } from 'node:fs/promises'
import { basename, dirname, extname, join } from 'node:path'
import type { pino } from 'pino'
import { ERR_CONFIG_ENV_VALUE } from '../errors.js'
import { BoundedLog, LOG_BUFFER_BYTES } from '../logging.js'
import type { LogFileSettings } from './settings.js'

/** The name the current file goes by (a symlink pino-roll keeps pointing at it), for `tail -F`. */
export const CURRENT_LINK = 'current.log'

/**
 * Opens LOG_FILE through pino-roll: JSON lines, a new numbered file past the size limit and at each local midnight
 * (`operator.2026-11-25.1.log`), the `keep` newest old files kept. pino-roll is loaded only here, when LOG_FILE is set.
 */
export async function openLogFile (settings: LogFileSettings, maxBytes = LOG_BUFFER_BYTES): Promise<BoundedLog> {
  const { default: pinoRoll } = await import('pino-roll')
  const ext = extname(settings.file)
  let sonic
  try {
    // Made here rather than by sonic-boom (`mkdir`), which does it asynchronously after pino-roll's symlink.
    await mkdir(dirname(settings.file), { recursive: true })
    sonic = await pinoRoll({
    // pino-roll puts the date and number between the name and the extension.
    file: ext === '' ? settings.file : join(dirname(settings.file), basename(settings.file, ext)),
    extension: ext === '' ? '.log' : ext,
    size: settings.size,
    frequency: 'daily',
    dateFormat: 'yyyy-MM-dd',
    symlink: true,
    limit: { count: settings.keep },
    sync: false,
    maxLength: maxBytes
  })
  } catch (err) {
    const reason = (err as { code?: string }).code ?? (err as Error).message
    throw new ERR_CONFIG_ENV_VALUE(`LOG_FILE=${settings.file}: cannot be written (${reason})`)
  }
  return new BoundedLog(sonic as ReturnType<typeof pino.destination>, maxBytes, `the log file ${settings.file}`)
}
