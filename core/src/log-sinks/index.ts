import { pino } from 'pino'
import { LOG_FLUSH_TIMEOUT_MS, type StdoutLog } from '../logging.js'
import { openLogFile } from './file.js'
import { TransportSink } from './transport.js'
import type { LogSinkSettings } from './settings.js'

export { logFileSettings, resolveTransports, type LogSinkSettings, type LogFileSettings, type ResolvedTransport } from './settings.js'
export { isAuditLine, TransportSink } from './transport.js'
export { openLogFile, pinoRollOptions, CURRENT_LINK } from './file.js'

interface Warner {
  warn (obj: object, msg: string): void
}

/** pino-pretty's settings, as logging.ts gives its transport; here it runs in-process beside the other sinks. */
const PRETTY = { translateTime: 'HH:MM:ss', ignore: 'pid,hostname' }

/**
 * Every destination of the daemon's log: the bounded stdout always, plus LOG_FILE and the config file's transports
 * when set. pino serializes and redacts a line once; multistream hands that same line to each destination at or
 * above its level, so no sink sees what another would not.
 */
export class DaemonLogs {
  readonly #stdout: StdoutLog
  #file: TransportSink | undefined
  #transports: TransportSink[] = []
  #stream: { write (line: string): void }

  constructor (stdout: StdoutLog) {
    this.#stdout = stdout
    this.#stream = stdout.stream
  }

  /** What pino writes to: stdout alone until open() added more. */
  get stream (): { write (line: string): void } { return this.#stream }

  /** True once a file or transport is open: the stream then also carries stdout's pretty form when asked for. */
  get combined (): boolean { return this.#file !== undefined || this.#transports.length > 0 }

  get transports (): readonly TransportSink[] { return this.#transports }

  /**
   * Opens the file and starts each transport's worker (loading pino-roll and the targets only now), then combines
   * them with stdout at `level`. `pretty`: stdout gets pino-pretty's form, the others JSON.
   */
  async open (settings: LogSinkSettings, level: string, pretty: boolean): Promise<void> {
    if (settings.file === undefined && settings.transports.length === 0) return
    this.#file = settings.file !== undefined ? openLogFile(settings.file) : undefined
    this.#transports = settings.transports.map((t) => new TransportSink(t))
    const stdout = pretty
      ? ((await import('pino-pretty')).default)(PRETTY)
      : this.#stdout.stream
    const streams: pino.StreamEntry[] = [{ level: level as pino.Level, stream: stdout }]
    if (this.#file !== undefined) streams.push({ level: level as pino.Level, stream: this.#file.stream })
    for (const t of this.#transports) {
      streams.push({ level: (t.level ?? level) as pino.Level, stream: t.stream })
    }
    this.#stream = pino.multistream(streams)
  }

  /** Where to report dropped lines and a transport that stopped. */
  reportDropsTo (logger: Warner): void {
    this.#stdout.reportDropsTo(logger)
    this.#file?.reportFailuresTo(logger)
    for (const t of this.#transports) t.reportFailuresTo(logger)
  }

  /** Flushes the file and the transports, then stdout, each bounded by `timeoutMs`; never rejects, never hangs. */
  async close (timeoutMs = LOG_FLUSH_TIMEOUT_MS): Promise<void> {
    await Promise.all([
      this.#file?.close(timeoutMs),
      ...this.#transports.map(async (t) => await t.close(timeoutMs))
    ])
    await this.#stdout.close(timeoutMs)
  }
}
