import type { FastifyBaseLogger as Logger } from 'fastify'
import type { CommandResult, Sender } from '../plugins/contract.js'
import { roleAllows } from '../plugins/contract.js'
import type { Registry } from '../registry/registry.js'
import type { PageStore } from '../state/pages.js'
import type { StateBudget } from '../state/budget.js'
import { ERR_PAGES_UNAVAILABLE } from '../errors.js'
import { SegmentBudget } from '../sms/index.js'
import { DeadlineExceeded, DeadlineScope, formatDuration, runBounded } from './deadline.js'
import { isThenable, type MaybePromise } from '../maybe-async.js'
import { CommandCall } from './command-call.js'
import { oneLine } from './one-line.js'
import { parseCommandText } from './parse.js'

export type DispatchOutcome = 'answered' | 'empty' | 'unknown' | 'forbidden' | 'failed' | 'timeout'

export interface DispatchResult {
  /** The first page of the reply, normalised for SMS and within the segment budget. */
  readonly reply: string
  /** How many pages the whole reply took (the rest wait for `more`). */
  readonly pages: number
  /** Segments the reply (its first page) is billed as; 0 off SMS. */
  readonly segments: number
  readonly outcome: DispatchOutcome
  /** The command that ran (its canonical name), when one was found. */
  readonly command?: string
  /** The plugin that answered. */
  readonly plugin?: string
  /** A stable error code for failures. */
  readonly code?: string
}

export interface DispatcherOptions {
  readonly registry: Registry
  readonly pages: PageStore
  readonly log: Logger
  readonly commandDeadlineMs: number
  readonly maxSegments: number
  /** How long `more` can fetch the rest of a long reply. */
  readonly pageTtlMs?: number
}

export const HELP_HINT = 'Text HELP for commands.'

// Errors whose message is already the one plain line a phone should see (no `command:` prefix, no warn per message).
const PLAIN_CODES: ReadonlySet<string> = new Set(['OPR_ERR_COMMAND_USAGE', 'OPR_ERR_PAGES_UNAVAILABLE'])

/** Text in, reply out: parse, find the command, check the role, run it under its deadline, render, paginate. */
export class Dispatcher {
  readonly budget: SegmentBudget
  readonly #registry: Registry
  readonly #pages: PageStore
  readonly #log: Logger
  readonly #deadlineMs: number
  readonly #pageTtlMs: number
  /** The state budget of the message a command runs for, by the sender object that command was given (`more`). */
  readonly #budgets = new WeakMap<Sender, StateBudget>()

  constructor (options: DispatcherOptions) {
    this.#registry = options.registry
    this.#pages = options.pages
    this.#log = options.log
    this.#deadlineMs = options.commandDeadlineMs
    this.#pageTtlMs = options.pageTtlMs ?? 15 * 60_000
    this.budget = new SegmentBudget(options.maxSegments)
  }

  async dispatch (text: string, sender: Sender, signal?: AbortSignal): Promise<DispatchResult> {
    return await this.answer(text, sender, signal)
  }

  /**
   * `dispatch`, answering in the same tick when the command is synchronous and its reply fits one page (help, an
   * unknown word): the webhook then needs no reply timer. Never throws: failures are results.
   */
  answer (text: string, sender: Sender, signal?: AbortSignal, budget?: StateBudget): MaybePromise<DispatchResult> {
    const parsed = parseCommandText(text)
    if (parsed === undefined) return this.#finish(sender, HELP_HINT, 'empty', undefined, undefined, undefined, budget)

    const entry = this.#registry.commands.resolve(parsed.word)
    if (entry === undefined) {
      const needs = this.#registry.unavailable.explain(parsed.word)
      if (needs !== undefined) return this.#finish(sender, needs, 'unknown', undefined, undefined, 'OPR_ERR_COMMAND_NOT_CONFIGURED')
      const suggestion = this.#registry.commands.suggest(parsed.word, this.#registry.unavailable.words())
      const shown = parsed.word.length > 20 ? `${parsed.word.slice(0, 20)}...` : parsed.word
      const reply = suggestion === undefined
        ? `Unknown command '${shown}'. ${HELP_HINT}`
        : `Unknown command '${shown}'. Did you mean '${suggestion}'? ${HELP_HINT}`
      return this.#finish(sender, reply, 'unknown', undefined, undefined, 'OPR_ERR_COMMAND_UNKNOWN')
    }

    // A shared capability: `metrics datadog <q>` names a source; otherwise the primary answers.
    let provider = entry.providers[0]!
    let argv = parsed.argv
    if (entry.shared && argv.length > 0) {
      const named = entry.providers.find((p) => p.plugin === argv[0]!.toLowerCase())
      if (named !== undefined) {
        provider = named
        argv = argv.slice(1)
      } else {
        // `alerts prometheus` while Prometheus is not loaded: what would turn it on, not the primary's answer.
        const needs = this.#registry.unavailable.explainSource(entry.name, argv[0]!)
        if (needs !== undefined) return this.#finish(sender, needs, 'unknown', undefined, undefined, 'OPR_ERR_COMMAND_NOT_CONFIGURED')
      }
    }
    const { spec, plugin } = provider
    const command = entry.name
    const need = spec.role ?? 'viewer'
    if (!roleAllows(sender.role, need)) {
      return this.#finish(sender, `'${command}' needs the ${need} role.`, 'forbidden', command, plugin, 'OPR_ERR_COMMAND_FORBIDDEN')
    }

    // With Redis, the command gets its own copy of the sender that carries the message's state budget to `more`.
    const callSender = budget === undefined ? sender : this.#withBudget(sender, budget)
    const call = new CommandCall(new DeadlineScope(), argv.join(' '), argv, callSender, spec.deadlineMs ?? this.#deadlineMs, this.budget.chars, this.#log, plugin, command)
    let running: MaybePromise<CommandResult>
    try {
      running = runBounded(() => spec.run(call), call.deadlineMs, signal,
        (err) => { call.log.debug({ err: oneLine(err) }, 'command failed after its deadline') }, call.scope)
    } catch (err) {
      return this.#failed(call, plugin, command, err)
    }
    if (!isThenable(running)) return this.#answered(call, plugin, command, running)
    return running.then((result) => this.#answered(call, plugin, command, result), (err: unknown) => this.#failed(call, plugin, command, err))
  }

  #answered (call: CommandCall, plugin: string, command: string, result: CommandResult): MaybePromise<DispatchResult> {
    return this.#finish(call.sender, this.render(result, call.sender), 'answered', command, plugin, undefined)
  }

  #failed (call: CommandCall, plugin: string, command: string, err: unknown): MaybePromise<DispatchResult> {
    if (err instanceof DeadlineExceeded) {
      call.log.warn({ deadlineMs: call.deadlineMs }, 'command timed out')
      return this.#finish(call.sender, `${command} timed out after ${formatDuration(call.deadlineMs)}.`, 'timeout', command, plugin, 'OPR_ERR_COMMAND_TIMEOUT')
    }
    const code = (err as { code?: unknown } | null)?.code
    const stableCode = typeof code === 'string' ? code : 'OPR_ERR_COMMAND_FAILED'
    const plain = PLAIN_CODES.has(stableCode)
    if (!plain) call.log.warn({ code: stableCode, err: oneLine(err, 500) }, 'command failed')
    const reply = plain ? oneLine(err, 300) : `${command}: ${oneLine(err)}`
    return this.#finish(call.sender, reply, 'failed', command, plugin, stableCode)
  }

  /** Renders a command's result for the sender's channel within one reply's budget. */
  render (result: CommandResult, sender: Sender): string {
    if (typeof result === 'string') return result
    if (result === null || typeof result !== 'object' || typeof result.kind !== 'string') return 'The command returned nothing to show.'
    const formatter = this.#registry.formatters.get(result.kind)
    if (formatter === undefined) {
      this.#log.error({ kind: result.kind }, 'no formatter registered for result kind')
      return `No formatter for '${result.kind}' results.`
    }
    try {
      return formatter.spec.format(result.data, { channel: sender.channel, budget: this.budget.chars })
    } catch (err) {
      this.#log.error({ kind: result.kind, plugin: formatter.plugin, err: oneLine(err, 500) }, 'formatter failed')
      return `Could not format the ${result.kind} result: ${oneLine(err)}`
    }
  }

  /** The reply as pages; only a reply longer than one page waits (for the rest to be saved for `more`). */
  #finish (sender: Sender, text: string, outcome: DispatchOutcome, command: string | undefined, plugin: string | undefined,
    code: string | undefined, budget?: StateBudget): MaybePromise<DispatchResult> {
    if (sender.channel === 'json') return { outcome, command, plugin, code, reply: text, pages: 1, segments: 0 }
    const { pages, firstSegments } = this.budget.toPages(text === '' ? '(empty reply)' : text)
    // Every result has the same shape (absent fields undefined), which keeps the code reading it monomorphic.
    const result: DispatchResult = { outcome, command, plugin, code, reply: pages[0]!, pages: pages.length, segments: firstSegments }
    if (pages.length === 1) return result
    return this.#pages.save(pageKey(sender), pages.slice(1), this.#pageTtlMs, budget ?? this.#budgets.get(sender)).then(() => result, (err: unknown) => {
      // The stores fall back to memory on their own; this is a store that failed anyway. The first page still goes.
      this.#log.debug({ err: oneLine(err) }, 'pages: the rest of the reply could not be saved')
      return result
    })
  }

  /** The next page for `more`; a store or library error becomes one plain line (OPR_ERR_PAGES_UNAVAILABLE). */
  async nextPage (sender: Sender): Promise<string | undefined> {
    try {
      return await this.#pages.next(pageKey(sender), this.#budgets.get(sender))
    } catch (err) {
      // The library's text is for the log, once per outage (the breaker's warning), never for the phone.
      this.#log.debug({ err: oneLine(err) }, 'pages: unavailable')
      throw (err as { code?: unknown } | null)?.code === 'OPR_ERR_PAGES_UNAVAILABLE' ? err : new ERR_PAGES_UNAVAILABLE()
    }
  }

  #withBudget (sender: Sender, budget: StateBudget): Sender {
    const copy: Sender = { id: sender.id, role: sender.role, channel: sender.channel }
    this.#budgets.set(copy, budget)
    return copy
  }
}

function pageKey (sender: Sender): string {
  return `${sender.channel}:${sender.id}`
}
