import type { FastifyInstance } from 'fastify'
import { bootOrExit, EXIT_CONFIG, type BootOptions } from './boot.js'
import { describeStore } from '../store/system.js'
import { CORE_DIR } from '../app.js'
import { loadPluginModule } from '../plugins/resolve.js'
import { pluginSchemaProblem } from '../plugins/plugin-config.js'

/** Runs `fn` on a booted app and prints what it returns; a `[text, code]` pair also sets the exit code. */
async function withApp (fn: (app: FastifyInstance) => string | [string, number] | Promise<string | [string, number]>, options: BootOptions = { quiet: true, store: 'off' }): Promise<number> {
  const app = await bootOrExit(options)
  if (typeof app === 'number') return app
  try {
    const result = await fn(app)
    const [text, code] = typeof result === 'string' ? [result, 0] : result
    process.stdout.write(`${text}\n`)
    return code
  } finally {
    await app.close()
  }
}

/** `operator plugins`: each plugin, enabled or not and why, with its commands and health checks. */
export async function pluginsCommand (): Promise<number> {
  return await withApp((app) => {
    const { registry, plugins } = app.operator
    const lines: string[] = []
    for (const p of plugins) {
      const head = `${p.enabled ? '[on] ' : '[off]'} ${p.specifier}${p.version !== undefined ? `@${p.version}` : ''} - ${p.reason}`
      lines.push(head)
      if (!p.enabled || p.name === undefined) continue
      const commands = registry.commands.list()
        .filter((c) => c.providers.some((x) => x.plugin === p.name))
        .map((c) => c.name)
      const systems = registry.systems.checks().filter((c) => c.plugin === p.name).map((c) => c.spec.system)
      lines.push(`      name: ${p.name}; commands: ${commands.join(', ') || '-'}; health checks: ${systems.join(', ') || '-'}`)
    }
    lines.push('[on]  self (built into core) - health check and status line: self')
    return lines.join('\n')
  })
}

/** `operator config check`: everything start-up validates (and warns about), then exit. */
export async function configCheckCommand (): Promise<number> {
  const onWarning = (message: string): void => { process.stderr.write(`operator: warning: ${message}\n`) }
  return await withApp(async (app) => {
    const { plugins, configFile } = app.operator
    // Start does not check plugins' schemas against the meta-schema (it starts faster without); a broken one is a bug
    // for the plugin's author, so it is a warning here rather than a refusal start would not make.
    for (const p of plugins) {
      if (!p.enabled) continue
      // Already imported by boot: this is the same module again, from the same places.
      const { plugin } = await loadPluginModule(p.specifier, [configFile.baseDir, process.cwd(), CORE_DIR])
      const problem = pluginSchemaProblem(plugin)
      if (problem !== undefined) onWarning(`plugin '${plugin.name}': ${problem}`)
    }
    const enabled = plugins.filter((p) => p.enabled).map((p) => p.name ?? p.specifier)
    const source = configFile.path ?? 'no config file (defaults)'
    const ok = `Config OK (${source}): ${enabled.length} plugin(s) enabled: ${enabled.join(', ')}`
    // The store is opened, not migrated: the daemon's start applies what is pending.
    const check = await app.operator.store?.check()
    if (check === undefined) return ok
    return [`${ok}\n${describeStore(check)}`, check.status === 'down' ? EXIT_CONFIG : 0]
  }, { quiet: true, onWarning, store: 'open' })
}
