import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { OperatorPlugin } from './contract.js'
import type { OperatorConfigFile } from '../config/file.js'
import type { OperatorCore } from '../core.js'
import { ERR_PLUGIN_DUPLICATE, ERR_PLUGIN_REGISTER } from '../errors.js'
import { oneLine } from '../dispatch/one-line.js'
import { planPlugins, type PlannedPlugin } from './plan.js'
import { declaredCommands, loadPluginModule } from './resolve.js'
import { buildPluginConfig } from './plugin-config.js'
import { orderByDependencies } from './order.js'
import { createPluginContext } from './context.js'

/** What `operator plugins` shows for each plugin the daemon knows of. */
export interface PluginReport {
  readonly specifier: string
  readonly name: string | undefined
  readonly version: string | undefined
  readonly enabled: boolean
  readonly reason: string
}

/** A plugin given directly as a value (the test harness, embedding): no package lookup. */
export interface InlinePlugin {
  // `object`, not the default Record: a plugin typed with a config interface must be accepted too.
  readonly plugin: OperatorPlugin<object>
  readonly config?: Readonly<Record<string, unknown>>
}

interface Loaded {
  readonly planned: PlannedPlugin
  readonly plugin: OperatorPlugin<object>
  readonly packageName: string
  readonly version: string | undefined
  readonly config: Record<string, unknown>
}

/**
 * Loads what the config names or enables (and nothing else), validates each plugin's config, orders them by their
 * dependencies and registers each as an encapsulated Fastify plugin. Any failure stops start-up with one message
 * naming the plugin.
 */
export async function loadPlugins (app: FastifyInstance, core: OperatorCore, file: OperatorConfigFile,
  env: Readonly<Record<string, string | undefined>>, inline: readonly InlinePlugin[], baseDirs: readonly string[]): Promise<void> {
  const plan = planPlugins(file, env)
  const loaded: Loaded[] = []
  for (const planned of plan) {
    if (!planned.enabled) {
      // Not loaded, but its commands answer what would turn it on (read from its manifest, never imported).
      if (planned.off !== undefined) {
        const declared = declaredCommands(planned.specifier, [file.baseDir, ...baseDirs])
        const plugin = planned.firstParty ? planned.label : declared.pluginId ?? planned.label
        for (const word of declared.commands) core.registry.unavailable.add(word, { plugin, reason: planned.off })
      }
      continue
    }
    const mod = await loadPluginModule(planned.specifier, [file.baseDir, ...baseDirs])
    const config = buildPluginConfig(mod.plugin, planned.fileConfig, env)
    loaded.push({ planned, plugin: mod.plugin, packageName: mod.manifest?.name ?? planned.specifier, version: mod.manifest?.version ?? mod.plugin.version, config })
  }
  const inlinePlans: PlannedPlugin[] = []
  for (const { plugin, config } of inline) {
    const planned: PlannedPlugin = { specifier: plugin.name, enabled: true, reason: 'given inline', fileConfig: config ?? {}, firstParty: false, label: plugin.name }
    inlinePlans.push(planned)
    loaded.push({ planned, plugin, packageName: plugin.name, version: plugin.version, config: buildPluginConfig(plugin, config ?? {}, env) })
  }

  const names = new Map<string, string>()
  for (const l of loaded) {
    const other = names.get(l.plugin.name)
    if (other !== undefined) throw new ERR_PLUGIN_DUPLICATE(l.plugin.name, other, l.packageName)
    names.set(l.plugin.name, l.packageName)
  }

  // Reported in plan order (enabled and not), whatever order dependencies impose on registration.
  for (const planned of [...plan, ...inlinePlans]) {
    const l = loaded.find((x) => x.planned === planned)
    core.plugins.push({ specifier: planned.specifier, name: l?.plugin.name, version: l?.version, enabled: planned.enabled, reason: planned.reason })
  }
  for (const l of orderByDependencies(loaded)) {
    const dependencies = (l.plugin.dependencies ?? []).map((d) => names.get(d)!)
    app.register(fp(async (instance) => {
      const log = app.log.child({ plugin: l.plugin.name })
      const ctx = createPluginContext(l.plugin.name, instance, core.registry, core.pools, core.host, log, () => core.paging)
      try {
        await l.plugin.register(ctx, l.config)
      } catch (err) {
        const code = (err as { code?: string }).code
        // Registry errors already name the plugin and what clashed; anything else is wrapped with the plugin's name.
        if (typeof code === 'string' && code.startsWith('OPR_ERR_')) throw err
        throw new ERR_PLUGIN_REGISTER(l.plugin.name, oneLine(err, 300))
      }
    }, { name: l.packageName, fastify: '5.x', encapsulate: true, dependencies }))
  }
}
