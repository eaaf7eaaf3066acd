import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { FIRST_PARTY } from '../config/first-party.js'
import { closest } from '../registry/suggest.js'

/** `@operator/plugin-prometheus`, `operator-plugin-prometheus`, `plugin-prometheus` → `prometheus`. */
function stem (name: string): string {
  return name.toLowerCase().replace(/^@[^/]+\//, '').replace(/^operator-/, '').replace(/^plugin-/, '')
}

/** Installed packages that declare themselves Operator plugins (`"keywords": ["operator-plugin"]`). */
function installedPlugins (baseDirs: readonly string[]): string[] {
  const found = new Set<string>()
  const consider = (dir: string): void => {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; keywords?: unknown }
      if (typeof manifest.name === 'string' && Array.isArray(manifest.keywords) && manifest.keywords.includes('operator-plugin')) {
        found.add(manifest.name)
      }
    } catch { /* not a package, or unreadable: not a candidate */ }
  }
  const seen = new Set<string>()
  for (const base of baseDirs) {
    for (let dir = resolve(base); ; dir = dirname(dir)) {
      const modules = join(dir, 'node_modules')
      if (!seen.has(modules) && existsSync(modules)) {
        seen.add(modules)
        for (const entry of readdirSync(modules)) {
          if (entry.startsWith('@')) {
            for (const inner of readdirSync(join(modules, entry))) consider(join(modules, entry, inner))
          } else if (!entry.startsWith('.')) {
            consider(join(modules, entry))
          }
        }
      }
      if (dirname(dir) === dir) break
    }
  }
  return [...found]
}

/**
 * The known plugin name closest to one that resolves to nothing, if it is close enough to be a typo: first-party
 * short and package names, then installed packages that declare themselves Operator plugins. Read only when a name
 * has failed to resolve, so start-up never pays for it.
 */
export function closestPluginName (name: string, baseDirs: readonly string[]): string | undefined {
  const firstParty = FIRST_PARTY.flatMap((p) => [p.short, p.packageName])
  const direct = closest(name.toLowerCase(), firstParty)
  if (direct !== undefined) return direct
  const typed = stem(name)
  const byStem = FIRST_PARTY.find((p) => closest(typed, [p.short]) !== undefined)
  if (byStem !== undefined) return byStem.short
  const installed = installedPlugins(baseDirs).filter((n) => n !== name)
  return closest(name.toLowerCase(), installed) ?? installed.find((n) => closest(typed, [stem(n)]) !== undefined)
}
