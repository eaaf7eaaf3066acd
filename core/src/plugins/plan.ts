import { basename } from 'node:path'
import type { OperatorConfigFile } from '../config/file.js'
import type { OffReason } from '../registry/unavailable.js'
import { FIRST_PARTY, firstPartyByName } from '../config/first-party.js'

/** One plugin the daemon knows of, whether it will load, and why, for start-up and `operator plugins`. */
export interface PlannedPlugin {
  /** The package name or path to load. */
  readonly specifier: string
  readonly enabled: boolean
  readonly reason: string
  readonly fileConfig: Readonly<Record<string, unknown>>
  readonly firstParty: boolean
  /** The name people write in the config file: a first-party plugin's short name, else the specifier. */
  readonly label: string
  /** Why a plugin that is not enabled is off: what `metrics` answers when its plugins are. */
  readonly off?: OffReason
}

function isSet (env: Readonly<Record<string, string | undefined>>, name: string): boolean {
  const v = env[name]
  return v !== undefined && v !== ''
}

/**
 * Decides which plugins load: the ones the config file names (unless `enabled: false`), then first-party plugins
 * enabled by default or by their environment variables (unless the file disables them). Nothing else is loaded.
 */
export function planPlugins (file: OperatorConfigFile, env: Readonly<Record<string, string | undefined>>): PlannedPlugin[] {
  const where = file.path === undefined ? 'the config' : 'the config file'
  const offWhere = file.path === undefined ? 'the config' : basename(file.path)
  const named = new Map<string, PlannedPlugin>()
  for (const entry of file.plugins) {
    const fp = firstPartyByName(entry.package)
    const specifier = fp?.packageName ?? entry.package
    named.set(specifier, {
      specifier,
      enabled: entry.enabled,
      reason: entry.enabled ? `named in ${where}` : `disabled in ${where}`,
      fileConfig: entry.config,
      firstParty: fp !== undefined,
      label: fp?.short ?? entry.package,
      ...(entry.enabled ? {} : { off: { kind: 'disabled', where: offWhere } as const })
    })
  }
  const defaults: PlannedPlugin[] = []
  const triggered: PlannedPlugin[] = []
  const off: PlannedPlugin[] = []
  for (const fp of FIRST_PARTY) {
    if (named.has(fp.packageName)) continue
    const trigger = fp.triggers.find((t) => isSet(env, t))
    if (fp.byDefault) {
      defaults.push({ specifier: fp.packageName, enabled: true, reason: 'built in, enabled by default', fileConfig: {}, firstParty: true, label: fp.short })
    } else if (trigger !== undefined) {
      triggered.push({ specifier: fp.packageName, enabled: true, reason: `enabled because ${trigger} is set`, fileConfig: {}, firstParty: true, label: fp.short })
    } else {
      off.push({
        specifier: fp.packageName,
        enabled: false,
        reason: `not configured (set ${fp.triggers.join(' or ')})`,
        fileConfig: {},
        firstParty: true,
        label: fp.short,
        off: { kind: 'not-configured', set: fp.triggers }
      })
    }
  }
  // Built-ins first so `help` lists them first; then the file's order, which also decides default primaries.
  return [...defaults, ...named.values(), ...triggered, ...off]
}
