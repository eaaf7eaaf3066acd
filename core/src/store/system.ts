import type { Registry } from '../registry/registry.js'
import type { HealthResult, StatusLine } from '../plugins/contract.js'
import type { Store, StoreCheck } from './types.js'

function words (c: StoreCheck): { status: 'ok' | 'degraded' | 'down', text: string } {
  if (c.status === 'down') return { status: 'down', text: `${c.engine} down (${c.error ?? 'unreachable'})` }
  const latency = `${c.latencyMs < 10 ? c.latencyMs.toFixed(1) : Math.round(c.latencyMs)}ms`
  // A version this build knows and the database lacks: another replica's start is migrating, or it failed.
  if (c.pending.length > 0) return { status: 'degraded', text: `${c.engine} ${latency}, ${c.pending.length} migration(s) pending` }
  return { status: 'ok', text: `${c.engine} ${latency}` }
}

/** The `store` system: `health store` and the `store ok sqlite 0.3ms` status line. */
export function registerStoreSystem (registry: Registry, store: Store): void {
  registry.addHealthCheck('store', {
    system: 'store',
    check: async (): Promise<HealthResult> => {
      const c = await store.check()
      const { status, text } = words(c)
      return { status, summary: text, latencyMs: c.latencyMs }
    }
  })
  registry.addStatusLine('store', { system: 'store', line: async (): Promise<StatusLine> => words(await store.check()) })
}

/** For `operator config check`: where the store is, whether it answers, and its migrations. */
export function describeStore (c: StoreCheck): string {
  const where = c.engine === 'sqlite' ? `${c.location} (directory writable)` : `${c.location} (reachable)`
  if (c.status === 'down') return `Store: ${c.engine} at ${c.location}: DOWN (${c.error ?? 'unreachable'})`
  const migrations = c.pending.length === 0 ? 'migrations applied' : `migrations pending (applied at start): ${c.pending.join(', ')}`
  return `Store: ${c.engine} at ${where}; ${migrations}`
}
