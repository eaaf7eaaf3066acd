import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks'
import type { HealthResult, StatusLine } from './plugins/contract.js'
import type { Registry } from './registry/registry.js'

function uptime (ms: number): string {
  const s = Math.floor(ms / 1000)
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m`
  if (s < 86_400) return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`
  return `${Math.floor(s / 86_400)}d${Math.floor((s % 86_400) / 3600)}h`
}

/** Event-loop delay above this (p99) means the daemon is too busy to answer in time. */
const DEGRADED_LOOP_P99_MS = 200

/**
 * The built-in `self` system: the daemon's own uptime, memory, event-loop delay and version, so a fresh start with
 * no backend still answers `status` and `health` truthfully.
 */
export function registerSelfSystem (registry: Registry, version: string, startedAt: number): () => void {
  const histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 20 })
  histogram.enable()
  const measure = (): { status: 'ok' | 'degraded'; text: string } => {
    const p99 = histogram.percentile(99) / 1e6
    const rssMb = Math.round(process.memoryUsage().rss / 1024 / 1024)
    const status = p99 > DEGRADED_LOOP_P99_MS ? 'degraded' : 'ok'
    return { status, text: `up ${uptime(Date.now() - startedAt)}, ${rssMb}MB rss, loop p99 ${p99.toFixed(1)}ms, v${version}` }
  }
  registry.addHealthCheck('self', {
    system: 'self',
    check: (): HealthResult => {
      const { status, text } = measure()
      return { status, summary: text, latencyMs: 0 }
    }
  })
  registry.addStatusLine('self', { system: 'self', line: (): StatusLine => measure() })
  return () => histogram.disable()
}
