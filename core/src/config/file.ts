import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { ERR_CONFIG_FILE, ERR_CONFIG_INVALID } from '../errors.js'
import { compileSchema, errorExpectation, errorKey } from './ajv.js'

/** One plugin named in the config file. `config` is raw: `${VAR}` references are resolved per plugin at load. */
export interface PluginEntry {
  readonly package: string
  readonly enabled: boolean
  readonly config: Readonly<Record<string, unknown>>
}

export interface OperatorConfigFile {
  /** Absolute path of the file read, or undefined when running on defaults. */
  readonly path: string | undefined
  /** Plugin specifiers are resolved from here. */
  readonly baseDir: string
  readonly plugins: readonly PluginEntry[]
  /** Shared capability → plugin name answering it by default: `{ "metrics": "datadog" }`. */
  readonly primary: Readonly<Record<string, string>>
  /** SMS channel settings (roles per number and limits), validated by the channel. */
  readonly sms: Readonly<Record<string, unknown>>
  /** Where logs go besides stdout (log-sinks/); `${VAR}` references in options are resolved when they are opened. */
  readonly logging: LoggingConfig
  /** Who is paged (rotations, people's names), validated by the paging engine (core/src/paging/settings.ts). */
  readonly oncall: Readonly<Record<string, unknown>>
}

/** One pino transport: the package (or path) run in a worker, its options, and which lines it takes. */
export interface TransportEntry {
  readonly target: string
  readonly options: Readonly<Record<string, unknown>>
  /** The lowest level it takes; default: LOG_LEVEL. */
  readonly level: string | undefined
  /** `audit`: only the audit lines (`"audit": true`), e.g. for a compliance store. */
  readonly only: 'audit' | undefined
}

export interface LoggingConfig {
  readonly transports: readonly TransportEntry[]
}

/** The config file's schema (exported for the test that checks core's schemas against the meta-schema). */
export const configFileSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    plugins: {
      type: 'array',
      default: [],
      // if/then/else rather than anyOf, so an error names the entry's bad key instead of "must match a schema".
      items: {
        if: { type: 'string' },
        then: { minLength: 1 },
        else: {
          type: 'object',
          additionalProperties: false,
          required: ['package'],
          properties: {
            package: { type: 'string', minLength: 1 },
            enabled: { type: 'boolean' },
            config: { type: 'object' }
          }
        }
      }
    },
    primary: { type: 'object', additionalProperties: { type: 'string' }, default: {} },
    sms: { type: 'object', default: {} },
    oncall: { type: 'object', default: {} },
    logging: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        transports: {
          type: 'array',
          default: [],
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['target'],
            properties: {
              target: { type: 'string', minLength: 1 },
              options: { type: 'object' },
              level: { type: 'string', enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] },
              only: { type: 'string', enum: ['audit'] }
            }
          }
        }
      }
    }
  }
} as const

/** The validated `logging` section with defaults filled in. */
function parseLogging (raw: { transports?: Array<Partial<TransportEntry>> }): LoggingConfig {
  return {
    transports: (raw.transports ?? []).map((t) => ({
      target: t.target!, options: t.options ?? {}, level: t.level, only: t.only
    }))
  }
}

/** Validates a parsed config object; `where` names it in errors (the file's path). */
export function parseConfig (raw: unknown, where: string, baseDir: string, path?: string): OperatorConfigFile {
  const data = structuredClone(raw ?? {}) as Record<string, unknown>
  // Compiled at the first use, not at import (the CLI imports this for commands that read no config).
  const validate = compileSchema(configFileSchema, { coerceTypes: false })
  if (!validate(data)) {
    const error = validate.errors![0]!
    // A plugin entry of the wrong shape altogether: name the accepted forms.
    const key = errorKey(error)
    const expected = error.keyword === 'if' || (/^plugins\[\d+\]$/.test(key) && error.keyword === 'type')
      ? 'must be a package name or { "package": "...", "enabled": true, "config": {} }'
      : errorExpectation(error)
    throw new ERR_CONFIG_INVALID(where, `${key === '' ? 'the file' : key} ${expected}`)
  }
  const plugins = (data.plugins as Array<string | Partial<PluginEntry> & { package: string }>).map((p): PluginEntry =>
    typeof p === 'string'
      ? { package: p, enabled: true, config: {} }
      : { package: p.package, enabled: p.enabled ?? true, config: p.config ?? {} })
  const seen = new Set<string>()
  for (const p of plugins) {
    if (seen.has(p.package)) throw new ERR_CONFIG_INVALID(where, `plugins names '${p.package}' twice`)
    seen.add(p.package)
  }
  return {
    path,
    baseDir,
    plugins,
    primary: data.primary as Record<string, string>,
    sms: data.sms as Record<string, unknown>,
    logging: parseLogging(data.logging as { transports?: Array<Partial<TransportEntry>> }),
    oncall: data.oncall as Record<string, unknown>
  }
}

/**
 * Reads the config file. A missing file is fine when it is the default name (the embedded default runs without one);
 * a file named explicitly (OPERATOR_CONFIG) must exist.
 */
export function loadConfigFile (file: string, cwd: string, explicit: boolean): OperatorConfigFile {
  const path = resolve(cwd, file)
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    const code = (err as { code?: string }).code
    if (code === 'ENOENT' && !explicit) return parseConfig({}, path, cwd)
    throw new ERR_CONFIG_FILE(path, code === 'ENOENT' ? 'no such file' : String(code ?? err))
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err) {
    throw new ERR_CONFIG_FILE(path, `not valid JSON (${(err as Error).message})`)
  }
  return parseConfig(raw, path, dirname(path), path)
}
