import type { FastifyBaseLogger as Logger } from 'fastify'
import type { HealthResult, StatusLine, SystemReport } from '../plugins/contract.js'
import type { SystemRegistry } from '../registry/systems.js'
import { DeadlineExceeded, runWithDeadline } from './deadline.js'
import { oneLine } from './one-line.js'

const STATUSES = new Set(['ok', 'degraded', 'down'])

function toReport (system: string, plugin: string, started: number, result: HealthResult | StatusLine): SystemReport {
  const valid = result !== null && typeof result === 'object' && STATUSES.has(result.status)
  if (!valid) return { system, plugin, status: 'down', summary: 'check returned an invalid result', latencyMs: Date.now() - started }
  const summary = 'summary' in result ? result.summary : result.text
  // Whole milliseconds: a check may measure with performance.now(), and the reply shows the number as it is.
  const latencyMs = 'latencyMs' in result && typeof result.latencyMs === 'number' && Number.isFinite(result.latencyMs)
    ? Math.round(result.latencyMs)
    : Date.now() - started
  return { system, plugin, status: result.status, summary: String(summary), latencyMs }
}

function failed (system: string, plugin: string, started: number, err: unknown): SystemReport {
  const summary = err instanceof DeadlineExceeded ? err.message : oneLine(err)
  return { system, plugin, status: 'down', summary, latencyMs: Date.now() - started }
}

/** Runs health checks and status lines all at once, each under its own deadline: the total is the slowest, not the sum. */
export class HealthRunner {
  constructor (
    private readonly systems: SystemRegistry,
    private readonly defaultDeadlineMs: number,
    private readonly log: Logger
  ) {}

  async health (names: readonly string[] | undefined, signal: AbortSignal): Promise<SystemReport[]> {
    const checks = names === undefined
      ? this.systems.checks()
      : names.map((n) => this.systems.check(n)).filter((c) => c !== undefined)
    return await Promise.all(checks.map(async ({ plugin, spec }) => {
      const started = Date.now()
      const deadlineMs = spec.deadlineMs ?? this.defaultDeadlineMs
      const log = this.log.child({ plugin, system: spec.system })
      try {
        const result = await runWithDeadline((s) => spec.check({ signal: s, deadlineMs, log }), deadlineMs, signal,
          (err) => log.debug({ err: oneLine(err) }, 'health check failed after its deadline'))
        return toReport(spec.system, plugin, started, result)
      } catch (err) {
        log.warn({ code: (err as { code?: string }).code, err: oneLine(err) }, 'health check failed')
        return failed(spec.system, plugin, started, err)
      }
    }))
  }

  async status (signal: AbortSignal): Promise<SystemReport[]> {
    return await Promise.all(this.systems.systems().map(async (system) => {
      const line = this.systems.statusLine(system)
      if (line === undefined) return (await this.health([system], signal))[0]!
      const started = Date.now()
      const deadlineMs = line.spec.deadlineMs ?? this.defaultDeadlineMs
      const log = this.log.child({ plugin: line.plugin, system })
      try {
        const result = await runWithDeadline((s) => line.spec.line({ signal: s, deadlineMs, log }), deadlineMs, signal,
          (err) => log.debug({ err: oneLine(err) }, 'status line failed after its deadline'))
        return toReport(system, line.plugin, started, result)
      } catch (err) {
        log.warn({ code: (err as { code?: string }).code, err: oneLine(err) }, 'status line failed')
        return failed(system, line.plugin, started, err)
      }
    }))
  }
}
