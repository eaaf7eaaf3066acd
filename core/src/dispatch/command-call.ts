import type { FastifyBaseLogger as Logger } from 'fastify'
import type { CommandContext, Sender } from '../plugins/contract.js'
import type { DeadlineScope } from './deadline.js'

/**
 * The context one command run gets. A class rather than an object literal: `signal` and `log` are made only when a
 * command asks (most never do), and an object literal with getters is slow to build on every message.
 */
export class CommandCall implements CommandContext {
  #childLog: Logger | undefined

  constructor (
    readonly scope: DeadlineScope,
    readonly args: string,
    readonly argv: readonly string[],
    readonly sender: Sender,
    readonly deadlineMs: number,
    readonly budget: number,
    private readonly parentLog: Logger,
    private readonly plugin: string,
    private readonly command: string
  ) {}

  get signal (): AbortSignal {
    return this.scope.signal
  }

  /** A child logger naming the plugin and the command; a child per message costs a few microseconds, so lazily. */
  get log (): Logger {
    return (this.#childLog ??= this.parentLog.child({ plugin: this.plugin, command: this.command }))
  }
}
