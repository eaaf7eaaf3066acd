import type { FastifyInstance } from 'fastify'
import { bootOrExit, EXIT_CONFIG, type BootOptions } from './boot.js'
import { describeStore } from '../store/system.js'

async function withApp (fn: (app: FastifyInstance) => string, options: BootOptions = { quiet: true, store: 'off' }): Promise<number> {
  const app = await bootOrExit(options)
  if (typeof app === 'number') return app
  try {
    process.stdout.write(`${fn(app)}\n`)
    return 0
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
  const app = await bootOrExit({ quiet: true, onWarning, store: 'open' })
  if (typeof app === 'number') return app
  try {
    const { plugins, configFile, store } = app.operator
    const enabled = plugins.filter((p) => p.enabled).map((p) => p.name ?? p.specifier)
    const source = configFile.path ?? 'no config file (defaults)'
    // The store is opened, not migrated: the daemon's start applies what is pending.
    const check = store === undefined ? undefined : await store.check()
    process.stdout.write(`Config OK (${source}): ${enabled.length} plugin(s) enabled: ${enabled.join(', ')}\n`)
    if (check !== undefined) process.stdout.write(`${describeStore(check)}\n`)
    return check?.status === 'down' ? EXIT_CONFIG : 0
  } finally {
    await app.close()
  }
}
