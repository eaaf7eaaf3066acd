import type { HealthCheckSpec, StatusLineSpec } from '../plugins/contract.js'
import { ERR_REGISTRY_CONFLICT, ERR_REGISTRY_INVALID } from '../errors.js'

export interface RegisteredCheck { readonly plugin: string; readonly spec: HealthCheckSpec }
export interface RegisteredStatus { readonly plugin: string; readonly spec: StatusLineSpec }

const SYSTEM_RE = /^[a-z][a-z0-9-]{0,31}$/

/** Health checks and status lines, keyed by the system name users type (`health db`). */
export class SystemRegistry {
  readonly #checks = new Map<string, RegisteredCheck>()
  readonly #status = new Map<string, RegisteredStatus>()

  addCheck (plugin: string, spec: HealthCheckSpec): void {
    this.#validate(plugin, spec.system, 'health check')
    if (typeof spec.check !== 'function') throw new ERR_REGISTRY_INVALID(plugin, `health check '${spec.system}' has no check()`)
    const existing = this.#checks.get(spec.system)
    if (existing !== undefined) throw new ERR_REGISTRY_CONFLICT(`health check '${spec.system}'`, existing.plugin, plugin)
    this.#checks.set(spec.system, { plugin, spec })
  }

  addStatus (plugin: string, spec: StatusLineSpec): void {
    this.#validate(plugin, spec.system, 'status line')
    if (typeof spec.line !== 'function') throw new ERR_REGISTRY_INVALID(plugin, `status line '${spec.system}' has no line()`)
    const existing = this.#status.get(spec.system)
    if (existing !== undefined) throw new ERR_REGISTRY_CONFLICT(`status line '${spec.system}'`, existing.plugin, plugin)
    this.#status.set(spec.system, { plugin, spec })
  }

  #validate (plugin: string, system: string, what: string): void {
    if (typeof system !== 'string' || !SYSTEM_RE.test(system)) {
      throw new ERR_REGISTRY_INVALID(plugin, `${what} system '${String(system)}' must be a lower-case name`)
    }
  }

  check (system: string): RegisteredCheck | undefined {
    return this.#checks.get(system.toLowerCase())
  }

  checks (): readonly RegisteredCheck[] {
    return [...this.#checks.values()]
  }

  statusLine (system: string): RegisteredStatus | undefined {
    return this.#status.get(system)
  }

  /** Every system with a health check or a status line, in registration order. */
  systems (): readonly string[] {
    return [...new Set([...this.#checks.keys(), ...this.#status.keys()])]
  }

}
