import type { CommandSpec, FormatterSpec, HealthCheckSpec, InterpreterSpec, StatusLineSpec } from '../plugins/contract.js'
import { ERR_REGISTRY_CONFLICT, ERR_REGISTRY_FROZEN, ERR_REGISTRY_INVALID } from '../errors.js'
import { CommandRegistry } from './commands.js'
import { SystemRegistry } from './systems.js'
import { FormatterRegistry } from './formatters.js'
import { UnavailableCommands } from './unavailable.js'

/** The shared registry: commands, health checks, status lines and formatters. Frozen once the daemon is ready. */
export class Registry {
  readonly commands = new CommandRegistry()
  readonly systems = new SystemRegistry()
  readonly formatters = new FormatterRegistry()
  /** Commands of known plugins that are not loaded, to say what to set. */
  readonly unavailable = new UnavailableCommands()
  #frozen = false
  #interpreter: { readonly plugin: string; readonly spec: InterpreterSpec } | undefined

  get frozen (): boolean {
    return this.#frozen
  }

  freeze (primaries: Readonly<Record<string, string>> = {}): void {
    if (this.#frozen) return
    this.commands.applyPrimaries(primaries)
    this.#frozen = true
  }

  #open (plugin: string, what: string): void {
    if (this.#frozen) throw new ERR_REGISTRY_FROZEN(plugin, what)
  }

  addCommand (plugin: string, spec: CommandSpec): void {
    this.#open(plugin, `command '${spec.name}'`)
    this.commands.add(plugin, spec)
  }

  addHealthCheck (plugin: string, spec: HealthCheckSpec): void {
    this.#open(plugin, `health check '${spec.system}'`)
    this.systems.addCheck(plugin, spec)
  }

  addStatusLine (plugin: string, spec: StatusLineSpec): void {
    this.#open(plugin, `status line '${spec.system}'`)
    this.systems.addStatus(plugin, spec)
  }

  /** The one interpreter of texts that are not commands, if a plugin provides it. */
  get interpreter (): InterpreterSpec | undefined {
    return this.#interpreter?.spec
  }

  setInterpreter (plugin: string, spec: InterpreterSpec): void {
    this.#open(plugin, 'an interpreter')
    if (this.#interpreter !== undefined) throw new ERR_REGISTRY_CONFLICT('the interpreter', this.#interpreter.plugin, plugin)
    if (typeof spec?.interpret !== 'function') throw new ERR_REGISTRY_INVALID(plugin, 'an interpreter needs an interpret() function')
    this.#interpreter = { plugin, spec }
  }

  addFormatter (plugin: string, spec: FormatterSpec): void {
    this.#open(plugin, `formatter '${spec.kind}'`)
    this.formatters.add(plugin, spec)
  }
}
