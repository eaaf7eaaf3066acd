import type { OperatorPlugin } from './contract.js'
import { ERR_PLUGIN_DEPENDENCY } from '../errors.js'

/** Orders plugins so each comes after the plugins it depends on (stable otherwise); rejects missing ones and cycles. */
export function orderByDependencies<T extends { readonly plugin: OperatorPlugin }> (items: readonly T[]): T[] {
  const byName = new Map(items.map((i) => [i.plugin.name, i]))
  const done = new Set<string>()
  const visiting: string[] = []
  const out: T[] = []
  const visit = (item: T): void => {
    const name = item.plugin.name
    if (done.has(name)) return
    if (visiting.includes(name)) {
      const cycle = [...visiting.slice(visiting.indexOf(name)), name].join(' -> ')
      throw new ERR_PLUGIN_DEPENDENCY(name, `is part of a dependency cycle: ${cycle}`)
    }
    visiting.push(name)
    for (const dep of item.plugin.dependencies ?? []) {
      const target = byName.get(dep)
      if (target === undefined) throw new ERR_PLUGIN_DEPENDENCY(name, `needs plugin '${dep}', which is not enabled`)
      visit(target)
    }
    visiting.pop()
    done.add(name)
    out.push(item)
  }
  for (const item of items) visit(item)
  return out
}
