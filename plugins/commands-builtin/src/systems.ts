import type { CommandSpec, HostView, SystemReport, HealthStatus } from '@operator/core'
import { usageError } from '@operator/core'

/** Bad states shout so they stand out on a small screen: `db ok ...`, `gateway DOWN ...`. */
export function statusWord (status: HealthStatus): string {
  return status === 'ok' ? 'ok' : status === 'degraded' ? 'DEGRADED' : 'DOWN'
}

function escapeRegExp (text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * The summary without the system's own name in front: a check that words its failure `prometheus unreachable` would
 * otherwise read `prometheus DOWN prometheus unreachable`.
 */
export function ownWords (system: string, summary: string): string {
  const words = summary.trim().replace(new RegExp(`^${escapeRegExp(system)}(:\\s*|\\s+)`, 'i'), '')
  return words === '' ? summary.trim() : words
}

export function reportLine (r: SystemReport): string {
  return `${r.system} ${statusWord(r.status)} ${ownWords(r.system, r.summary)}`.trimEnd()
}

// What is down comes before what is degraded; otherwise the systems keep their order.
const SEVERITY: Readonly<Record<HealthStatus, number>> = { down: 0, degraded: 1, ok: 2 }

/**
 * Every system at a glance: `All 6 ok: prometheus, db, ...` when all is well (one segment), otherwise what is wrong
 * first and the rest counted: `2 of 6 not ok: gateway DOWN kong unreachable; prometheus DEGRADED 1/2 targets down. 4 ok.`
 * `health` adds each check's latency.
 */
export function glance (reports: readonly SystemReport[], withLatency: boolean): string {
  const latency = (r: SystemReport): string => (withLatency ? ` (${r.latencyMs}ms)` : '')
  const bad = reports.filter((r) => r.status !== 'ok').sort((a, b) => SEVERITY[a.status] - SEVERITY[b.status])
  if (bad.length === 0) {
    const names = reports.map((r) => (withLatency ? `${r.system} ${r.latencyMs}ms` : r.system))
    return `All ${reports.length} ok: ${names.join(', ')}`
  }
  const ok = reports.length - bad.length
  const wrong = bad.map((r) => `${reportLine(r)}${latency(r)}`).join('; ')
  return `${bad.length} of ${reports.length} not ok: ${wrong}.${ok > 0 ? ` ${ok} ok.` : ''}`
}

export function statusCommand (host: HostView): CommandSpec {
  return {
    name: 'status',
    aliases: ['st'],
    summary: 'systems at a glance',
    examples: ['status'],
    phrases: [{
      say: [
        'status', 'what is the status', 'how is everything', 'is everything ok', 'everything ok', 'is everything up',
        'everything working', 'all good', 'is anything down', 'anything broken', 'what is broken', 'what is down',
        'any problems', 'any issues', 'overview', 'how are things', 'how are things looking', 'sitrep', 'how is prod',
        'is prod ok', 'what is the damage'
      ],
      run: 'status'
    }],
    async run (ctx) {
      return glance(await host.status(ctx.signal), false)
    }
  }
}

export function healthCommand (host: HostView): CommandSpec {
  return {
    name: 'health',
    aliases: ['h'],
    summary: 'check every system at once, or one',
    usage: 'health [system]',
    examples: ['health', 'health db'],
    phrases: [
      {
        say: [
          'is {system} ok', 'is {system} up', 'is {system} healthy', 'is {system} alive', 'is {system} down',
          'is {system} working', 'are {system} ok', 'are {system} working', 'how is {system}', 'how is {system} doing',
          'check {system}', '{system} ok', '{system} health', '{system} healthy', '{system} status', 'health of {system}',
          'health {system}', '{system}'
        ],
        run: 'health {system}'
      },
      {
        say: [
          'health', 'health check', 'health checks', 'run health checks', 'check everything', 'check all systems',
          'are all systems healthy', 'is everything healthy'
        ],
        run: 'health'
      }
    ],
    // The daemon's own system: `is operator ok`.
    entities: { system: { self: ['operator', 'yourself', 'the bot'] } },
    async run (ctx) {
      const known = host.systems()
      if (ctx.argv.length === 0) {
        return glance(await host.health(undefined, ctx.signal), true)
      }
      const system = ctx.argv[0]!.toLowerCase()
      if (!known.includes(system)) {
        throw usageError(`Unknown system '${system.slice(0, 20)}'. Known: ${known.join(', ')}.`)
      }
      const [report] = await host.health([system], ctx.signal)
      if (report === undefined) return `${system} has no health check; try status.`
      return `${reportLine(report)} (${report.latencyMs}ms)`
    }
  }
}
