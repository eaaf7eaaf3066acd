/** Why a plugin that provides a command is not loaded, and so what would turn it on. */
export type OffReason =
  | { readonly kind: 'not-configured', readonly set: readonly string[] }
  | { readonly kind: 'disabled', readonly where: string }

export interface OffProvider {
  /** The plugin's name as people write it in the config file (`prometheus`, `database`). */
  readonly plugin: string
  readonly reason: OffReason
}

const WORD_RE = /^[a-z][a-z0-9-]*$/

/**
 * Commands of plugins the daemon knows of but did not load (not configured, or disabled in the config file), so that
 * `metrics up` answers what to set instead of "Unknown command". Filled from each plugin package's manifest
 * (`"operator": { "commands": [...] }`), never by importing the plugin.
 */
export class UnavailableCommands {
  readonly #byWord = new Map<string, OffProvider[]>()

  add (word: string, provider: OffProvider): void {
    const w = word.toLowerCase()
    if (!WORD_RE.test(w)) return // a manifest is not trusted to be tidy; a word nobody can type is skipped
    const list = this.#byWord.get(w) ?? []
    if (!list.some((p) => p.plugin === provider.plugin)) list.push(provider)
    this.#byWord.set(w, list)
  }

  words (): string[] {
    return [...this.#byWord.keys()]
  }

  /**
   * One line saying what the command needs: `metrics needs a metrics source: set PROMETHEUS_URL or DATADOG_API_KEY`,
   * `alerts needs the prometheus plugin, which is disabled in operator.config.json`. Undefined for a word no known
   * plugin provides.
   */
  explain (word: string): string | undefined {
    const w = word.toLowerCase()
    const providers = this.#byWord.get(w)
    if (providers === undefined) return undefined
    const what = providers.length > 1 ? `a ${w} source` : `the ${providers[0]!.plugin} plugin`
    const variables = [...new Set(providers.flatMap((p) => p.reason.kind === 'not-configured' ? p.reason.set : []))]
    const disabled = providers.flatMap((p) => p.reason.kind === 'disabled' ? [{ plugin: p.plugin, where: p.reason.where }] : [])
    if (variables.length === 0 && providers.length === 1) return `${w} needs ${what}, which is disabled in ${disabled[0]!.where}`
    const off = disabled.length === 0
      ? ''
      : `${disabled.map((p) => p.plugin).join(' and ')} ${disabled.length > 1 ? 'are' : 'is'} disabled in ${disabled[0]!.where}`
    if (variables.length === 0) return `${w} needs ${what}: ${off}`
    const set = `set ${variables.join(' or ')}`
    return off === '' ? `${w} needs ${what}: ${set}` : `${w} needs ${what}: ${set} (${off})`
  }

  /**
   * The same line for one named source of a shared capability that is loaded from another plugin: `alerts prometheus`
   * while paging answers `alerts` and Prometheus is not configured. Undefined when that plugin does not provide it.
   */
  explainSource (word: string, plugin: string): string | undefined {
    const w = word.toLowerCase()
    const provider = this.#byWord.get(w)?.find((p) => p.plugin === plugin.toLowerCase())
    if (provider === undefined) return undefined
    const r = provider.reason
    return r.kind === 'disabled'
      ? `${w} ${provider.plugin} needs the ${provider.plugin} plugin, which is disabled in ${r.where}`
      : `${w} ${provider.plugin} needs the ${provider.plugin} plugin: set ${r.set.join(' or ')}`
  }
}
