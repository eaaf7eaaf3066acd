import { createRequire } from 'node:module'
import { join } from 'node:path'
import { ERR_CONFIG_ENV_VALUE, ERR_LOG_TRANSPORT_MISSING } from '../errors.js'
import { resolveEnvRefs } from '../config/env-refs.js'
import type { LoggingConfig } from '../config/file.js'

type RawEnv = Readonly<Record<string, string | undefined>>

/** LOG_FILE and its rotation: a new file past `size` bytes and at each local midnight, `keep` old ones kept. */
export interface LogFileSettings {
  readonly file: string
  /** pino-roll's size: `10m`, `500k`, `1g`. */
  readonly size: string
  readonly keep: number
}

/** A transport ready to start: the target resolved to a file, its `${VAR}` references replaced. */
export interface ResolvedTransport {
  /** `logging.transports[0]`, for messages. */
  readonly name: string
  readonly target: string
  readonly path: string
  readonly options: Readonly<Record<string, unknown>>
  readonly level: string | undefined
  readonly only: 'audit' | undefined
}

export interface LogSinkSettings {
  readonly file: LogFileSettings | undefined
  readonly transports: readonly ResolvedTransport[]
}

export const DEFAULT_LOG_FILE_SIZE = '10m'
export const DEFAULT_LOG_FILE_KEEP = 7

const SIZE_RE = /^[1-9][0-9]*[kmg]$/

/** LOG_FILE, LOG_FILE_SIZE and LOG_FILE_KEEP, read at the edge (the logger exists before the validated env). */
export function logFileSettings (env: RawEnv): LogFileSettings | undefined {
  const file = env.LOG_FILE ?? ''
  if (file === '') return undefined
  const size = (env.LOG_FILE_SIZE ?? '') === '' ? DEFAULT_LOG_FILE_SIZE : env.LOG_FILE_SIZE!.toLowerCase()
  if (!SIZE_RE.test(size)) {
    throw new ERR_CONFIG_ENV_VALUE(`LOG_FILE_SIZE=${env.LOG_FILE_SIZE!}: must be a size like 500k, 10m or 1g`)
  }
  const keepText = env.LOG_FILE_KEEP ?? ''
  const keep = keepText === '' ? DEFAULT_LOG_FILE_KEEP : Number(keepText)
  if (!Number.isInteger(keep) || keep < 1 || keep > 1000) {
    throw new ERR_CONFIG_ENV_VALUE(`LOG_FILE_KEEP=${keepText}: must be a whole number of old files to keep, 1 to 1000`)
  }
  return { file, size, keep }
}

/** The package name to install for a target: `@scope/name` or `name`, without a subpath. */
function packageOf (target: string): string {
  const parts = target.split('/')
  return target.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!
}

/**
 * Each configured transport's target resolved from the config file's folder, then Operator's own (where packages
 * installed beside it live), and its options' `${VAR}` references replaced. A target that cannot be found is a
 * start-up error naming the entry and what to install; nothing is loaded here.
 */
export function resolveTransports (logging: LoggingConfig, dirs: readonly string[], env: RawEnv): ResolvedTransport[] {
  return logging.transports.map((entry, i) => {
    const name = `logging.transports[${i}]`
    let path: string | undefined
    for (const dir of dirs) {
      try {
        path = createRequire(join(dir, 'operator.config.json')).resolve(entry.target)
        break
      } catch {}
    }
    if (path === undefined) throw new ERR_LOG_TRANSPORT_MISSING(name, entry.target, packageOf(entry.target))
    const options = resolveEnvRefs(entry.options, env, `${name}.options`).value as Record<string, unknown>
    return { name, target: entry.target, path, options: options ?? {}, level: entry.level, only: entry.only }
  })
}
