import type { CommandInfo, HistoryView, HostView, Sender } from './plugins/contract.js'
import type { Registry } from './registry/registry.js'
import type { CommandEntry } from './registry/commands.js'
import type { HealthRunner } from './dispatch/health.js'
import type { Dispatcher } from './dispatch/dispatcher.js'

function info (entry: CommandEntry): CommandInfo {
  const { spec } = entry.providers[0]!
  return {
    name: entry.name,
    aliases: [...new Set(entry.providers.flatMap((p) => p.spec.aliases ?? []).map((a) => a.toLowerCase()))],
    summary: spec.summary,
    usage: spec.usage,
    examples: spec.examples ?? [],
    role: spec.role ?? 'viewer',
    shared: entry.shared,
    sources: entry.providers.map((p) => p.plugin),
    changes: entry.providers.some((p) => p.spec.changes === true),
    phrases: entry.providers.flatMap((p) => p.spec.phrases ?? []),
    entities: entry.providers.flatMap((p) => p.spec.entities === undefined ? [] : [p.spec.entities])
  }
}

/** The read-only view of the daemon that plugins get as `op.host`. */
export function createHostView (version: string, registry: Registry, health: HealthRunner, dispatcher: () => Dispatcher,
  history: HistoryView): HostView {
  // Once the registry is frozen the list cannot change: `help` on every webhook need not rebuild it.
  let frozenList: readonly CommandInfo[] | undefined
  return {
    version,
    commands: () => {
      if (frozenList !== undefined) return frozenList
      const list = registry.commands.list().map(info)
      if (registry.frozen) frozenList = list
      return list
    },
    command: (word) => {
      const entry = registry.commands.resolve(word)
      return entry === undefined ? undefined : info(entry)
    },
    unavailable: (word) => registry.unavailable.explain(word),
    systems: () => registry.systems.systems(),
    health: async (systems, signal) => await health.health(systems, signal),
    status: async (signal) => await health.status(signal),
    nextPage: async (sender: Sender) => await dispatcher().nextPage(sender),
    history
  }
}
