import type { FormatterSpec } from '../plugins/contract.js'
import { ERR_REGISTRY_CONFLICT, ERR_REGISTRY_INVALID } from '../errors.js'

export interface RegisteredFormatter { readonly plugin: string; readonly spec: FormatterSpec }

/** Formatters by result kind: the same typed result renders for SMS, the console and JSON. */
export class FormatterRegistry {
  readonly #byKind = new Map<string, RegisteredFormatter>()

  add (plugin: string, spec: FormatterSpec): void {
    if (typeof spec.kind !== 'string' || spec.kind === '') throw new ERR_REGISTRY_INVALID(plugin, 'a formatter needs a kind')
    if (typeof spec.format !== 'function') throw new ERR_REGISTRY_INVALID(plugin, `formatter '${spec.kind}' has no format()`)
    const existing = this.#byKind.get(spec.kind)
    if (existing !== undefined) throw new ERR_REGISTRY_CONFLICT(`formatter '${spec.kind}'`, existing.plugin, plugin)
    this.#byKind.set(spec.kind, { plugin, spec })
  }

  get (kind: string): RegisteredFormatter | undefined {
    return this.#byKind.get(kind)
  }

}
