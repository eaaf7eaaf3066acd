import type { CommandSpec, HostView, SystemReport, HealthStatus } from '@operator/core'
import { usageError } from '@operator/core'

/** Bad states shout so they stand out on a small screen: `db ok ...`, `gateway DOWN ...`. */
export function statusWord (status: HealthStatus): string {
  return status === 'ok' ? 'ok' : status === 'degraded' ? 'DEGRADED' : 'DOWN'
}

export function reportLine (r: SystemReport): string {
  return `${r.system} ${statusWord(r.status)} ${r.summary}`.trimEnd()
}

function tally (reports: readonly SystemReport[]): string {
  const bad = reports.filter((r) => r.status !== 'ok').length
  return bad === 0 ? `All ${reports.length} ok` : `${bad} of ${reports.length} not ok`
}

export function statusCommand (host: HostView): CommandSpec {
  return {
    name: 'status',
    aliases: ['st'],
    summary: 'one line per system',
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
      const reports = await host.status(ctx.signal)
      return reports.map(reportLine).join('\n')
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
        const reports = await host.health(undefined, ctx.signal)
        return [tally(reports), ...reports.map((r) => `${reportLine(r)} (${r.latencyMs}ms)`)].join('\n')
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
