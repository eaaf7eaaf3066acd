import type { CommandPhrase, CommandSpec } from '../plugins/contract.js'
import { ERR_REGISTRY_CONFLICT, ERR_REGISTRY_INVALID, ERR_CONFIG_INVALID } from '../errors.js'
import { closest } from './suggest.js'

export interface RegisteredCommand {
  readonly plugin: string
  readonly spec: CommandSpec
}

/** A command name and who answers it: one provider, or several for a shared capability. */
export interface CommandEntry {
  readonly name: string
  readonly shared: boolean
  /** In registration (config) order; the primary is first after freezing. */
  readonly providers: readonly RegisteredCommand[]
}

const WORD_RE = /^[a-z][a-z0-9-]*$/

/** A phrase must run the command it belongs to, so it goes away with it when its plugin is off. */
function checkPhrases (plugin: string, name: string, spec: CommandSpec): void {
  if (spec.phrases === undefined) return
  if (!Array.isArray(spec.phrases)) throw new ERR_REGISTRY_INVALID(plugin, `phrases of '${name}' must be a list`)
  const names = new Set([name, ...(spec.aliases ?? []).map((a) => a.toLowerCase())])
  for (const phrase of spec.phrases as readonly CommandPhrase[]) {
    const says = phrase?.say
    if (!Array.isArray(says) || says.length === 0 || !says.every((s) => typeof s === 'string' && s.trim() !== '')) {
      throw new ERR_REGISTRY_INVALID(plugin, `a phrase of '${name}' needs say: ['...']`)
    }
    const first = typeof phrase.run === 'string' ? phrase.run.trim().split(/\s+/u)[0]!.toLowerCase() : ''
    if (!names.has(first)) throw new ERR_REGISTRY_INVALID(plugin, `phrase '${says[0]!}' of '${name}' must run '${name} ...', not '${String(phrase.run)}'`)
  }
}

export class CommandRegistry {
  readonly #entries = new Map<string, { name: string; shared: boolean; providers: RegisteredCommand[] }>()
  /** alias → command name, with the plugin that claimed it. */
  readonly #aliases = new Map<string, { name: string; plugin: string }>()

  add (plugin: string, spec: CommandSpec): void {
    const name = spec.name.toLowerCase()
    if (!WORD_RE.test(name)) throw new ERR_REGISTRY_INVALID(plugin, `command name '${spec.name}' must be one lower-case word`)
    if (typeof spec.run !== 'function') throw new ERR_REGISTRY_INVALID(plugin, `command '${name}' has no run()`)
    if (typeof spec.summary !== 'string' || spec.summary === '') {
      throw new ERR_REGISTRY_INVALID(plugin, `command '${name}' needs a one-line summary`)
    }
    checkPhrases(plugin, name, spec)
    const aliased = this.#aliases.get(name)
    if (aliased !== undefined) throw new ERR_REGISTRY_CONFLICT(`command '${name}' (an alias of '${aliased.name}')`, aliased.plugin, plugin)

    const existing = this.#entries.get(name)
    const shared = spec.shared === true
    if (existing === undefined) {
      this.#entries.set(name, { name, shared, providers: [{ plugin, spec }] })
    } else {
      const first = existing.providers[0]!.plugin
      if (!existing.shared || !shared || existing.providers.some((p) => p.plugin === plugin)) {
        throw new ERR_REGISTRY_CONFLICT(`command '${name}'`, first, plugin)
      }
      existing.providers.push({ plugin, spec })
    }
    for (const raw of spec.aliases ?? []) {
      const alias = raw.toLowerCase()
      if (!WORD_RE.test(alias)) throw new ERR_REGISTRY_INVALID(plugin, `alias '${raw}' of '${name}' must be one lower-case word`)
      const other = this.#aliases.get(alias)
      if (other !== undefined && !(shared && other.name === name)) {
        throw new ERR_REGISTRY_CONFLICT(`alias '${alias}'`, other.plugin, plugin)
      }
      const cmd = this.#entries.get(alias)
      if (cmd !== undefined && alias !== name) throw new ERR_REGISTRY_CONFLICT(`alias '${alias}' (a command)`, cmd.providers[0]!.plugin, plugin)
      this.#aliases.set(alias, { name, plugin })
    }
  }

  /**
   * Puts each shared capability's primary first: the configured one, else the first registered.
   * A configured primary that does not provide the capability is a config error.
   */
  applyPrimaries (primaries: Readonly<Record<string, string>>): void {
    for (const [capability, primary] of Object.entries(primaries)) {
      const entry = this.#entries.get(capability)
      if (entry === undefined) continue // the capability's plugins may all be disabled
      const index = entry.providers.findIndex((p) => p.plugin === primary)
      if (index === -1) {
        const known = entry.providers.map((p) => p.plugin).join(', ')
        throw new ERR_CONFIG_INVALID('primary', `'${capability}' names '${primary}', which does not provide it (providers: ${known})`)
      }
      const [chosen] = entry.providers.splice(index, 1)
      entry.providers.unshift(chosen!)
    }
  }

  /** The entry for a typed word (name or alias), case-insensitive. */
  resolve (word: string): CommandEntry | undefined {
    const w = word.toLowerCase()
    const direct = this.#entries.get(w)
    if (direct !== undefined) return direct
    const alias = this.#aliases.get(w)
    return alias === undefined ? undefined : this.#entries.get(alias.name)
  }

  /** The closest known name or alias to a mistyped word, if close enough to be a plausible typo. */
  suggest (word: string, more: readonly string[] = []): string | undefined {
    const candidates = [...this.#entries.keys(), ...this.#aliases.keys(), ...more]
    const hit = closest(word.toLowerCase(), candidates)
    return hit === undefined ? undefined : (this.#aliases.get(hit)?.name ?? hit)
  }

  list (): readonly CommandEntry[] {
    return [...this.#entries.values()]
  }

}
