import type { FastifyBaseLogger as Logger } from 'fastify'
import type { CommandResult, FormatContext, Sender } from '../plugins/contract.js'
import { roleAllows } from '../plugins/contract.js'
import type { Registry } from '../registry/registry.js'
import type { CommandEntry } from '../registry/commands.js'
import type { PageStore } from '../state/pages.js'
import { MemoryChoiceStore, type ChoiceStore } from '../state/choices.js'
import type { StateBudget } from '../state/budget.js'
import { ERR_PAGES_UNAVAILABLE } from '../errors.js'
import { SegmentBudget } from '../sms/index.js'
import { DeadlineExceeded, DeadlineScope, formatDuration, runBounded } from './deadline.js'
import { andThen, isThenable, type MaybePromise } from '../maybe-async.js'
import { CommandCall } from './command-call.js'
import { oneLine } from './one-line.js'
import { parseCommandText, type ParsedCommand } from './parse.js'
import { FreeTextReader, type FreeTextAction } from './free-text.js'

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
  /** The command line the interpreter read from free text (shown as the reply's first line, `> health db`). */
  readonly interpreted?: string
}

export interface DispatcherOptions {
  readonly registry: Registry
  readonly pages: PageStore
  readonly log: Logger
  readonly commandDeadlineMs: number
  readonly maxSegments: number
  /** How long `more` can fetch the rest of a long reply. */
  readonly pageTtlMs?: number
  /** Readings offered to choose between, until the sender replies `1` or `2` (default: in memory). */
  readonly choices?: ChoiceStore
  /** The clock the interpreter reads `since 2pm` against. */
  readonly now?: () => number
}

export const HELP_HINT = 'Text HELP for commands.'

// Errors whose message is already the one plain line a phone should see (no `command:` prefix, no warn per message).
const PLAIN_CODES: ReadonlySet<string> = new Set(['OPR_ERR_COMMAND_USAGE', 'OPR_ERR_PAGES_UNAVAILABLE'])

const NO_LINES: readonly string[] = Object.freeze([])
/** Pages of a list's overflow kept for `more` at most; a longer list says to narrow it instead. */
const MAX_OVERFLOW_PAGES = 10

/** `<command>: <reason>`, unless the reason already starts with the command's word (`db pool needs DB_STATS_URL`). */
function failureLine (command: string, reason: string): string {
  const lower = reason.toLowerCase()
  return lower.startsWith(`${command} `) || lower.startsWith(`${command}:`) ? reason : `${command}: ${reason}`
}

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
  /** Senders whose command took a page (`more`): its one-page reply must not end the remainder it came from. */
  readonly #paged = new WeakSet<Sender>()
  readonly #freeText: FreeTextReader

  constructor (options: DispatcherOptions) {
    this.#registry = options.registry
    this.#pages = options.pages
    this.#log = options.log
    this.#deadlineMs = options.commandDeadlineMs
    this.#pageTtlMs = options.pageTtlMs ?? 15 * 60_000
    this.budget = new SegmentBudget(options.maxSegments)
    const registry = options.registry
    this.#freeText = new FreeTextReader(() => registry.interpreter, options.choices ?? new MemoryChoiceStore(), options.now ?? Date.now)
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
    return this.#command(parsed, text, sender, signal, budget, undefined)
  }

  /** `shown`: the command line the interpreter read, shown above the answer; such a line is never interpreted again. */
  #command (parsed: ParsedCommand, text: string, sender: Sender, signal: AbortSignal | undefined, budget: StateBudget | undefined,
    shown: string | undefined): MaybePromise<DispatchResult> {
    const entry = this.#registry.commands.resolve(parsed.word)
    if (entry === undefined) {
      const needs = this.#registry.unavailable.explain(parsed.word)
      if (needs !== undefined) return this.#finish(sender, needs, 'unknown', undefined, undefined, 'OPR_ERR_COMMAND_NOT_CONFIGURED', undefined, shown)
      if (shown !== undefined) return this.#unknown(parsed, sender, shown)
      return andThen(this.#freeText.read(text, sender, budget), (a) => this.#freeTextAction(a, parsed, sender, signal, budget))
    }
    const ran = this.#run(entry, parsed, sender, signal, budget, shown)
    // Only words can be another reading: `logs !!!` keeps the command's own answer about what it cannot search for.
    if (shown !== undefined || !parsed.argv.some((w) => /[\p{L}\p{N}]/u.test(w))) return ran
    // `db ok?`, `health check`: words after a command that it cannot take may be plain English for another command.
    return andThen(ran, (result) => result.code === 'OPR_ERR_COMMAND_USAGE' ? this.#reread(result, text, parsed, sender, signal, budget) : result)
  }

  /** A command's usage error, or what the interpreter reads the whole text as when that is another command. */
  #reread (failed: DispatchResult, text: string, parsed: ParsedCommand, sender: Sender, signal: AbortSignal | undefined,
    budget: StateBudget | undefined): MaybePromise<DispatchResult> {
    const typed = parsed.word.toLowerCase() + ' ' + parsed.argv.join(' ')
    return andThen(this.#freeText.read(text, sender, budget, true), (action) =>
      (action.kind === 'run' && action.line.toLowerCase() !== typed) || (action.kind === 'reply' && action.code === 'OPR_ERR_COMMAND_UNCLEAR')
        ? this.#freeTextAction(action, parsed, sender, signal, budget)
        : failed)
  }

  #run (entry: CommandEntry, parsed: ParsedCommand, sender: Sender, signal: AbortSignal | undefined, budget: StateBudget | undefined,
    shown: string | undefined): MaybePromise<DispatchResult> {
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
      return this.#finish(sender, `'${command}' needs the ${need} role.`, 'forbidden', command, plugin, 'OPR_ERR_COMMAND_FORBIDDEN', undefined, shown)
    }

    // With Redis, the command gets its own copy of the sender that carries the message's state budget to `more`.
    const callSender = budget === undefined ? sender : this.#withBudget(sender, budget)
    // An interpreted command's answer shares the reply with its `> command` line.
    const chars = shown === undefined ? this.budget.chars : this.budget.chars - echo(shown).length
    const call = new CommandCall(new DeadlineScope(), argv.join(' '), argv, callSender, spec.deadlineMs ?? this.#deadlineMs, chars, this.#log, plugin, command)
    let running: MaybePromise<CommandResult>
    try {
      running = runBounded(() => spec.run(call), call.deadlineMs, signal,
        (err) => { call.log.debug({ err: oneLine(err) }, 'command failed after its deadline') }, call.scope)
    } catch (err) {
      return this.#failed(call, plugin, command, err, shown)
    }
    if (!isThenable(running)) return this.#answered(call, plugin, command, running, shown)
    return running.then((result) => this.#answered(call, plugin, command, result, shown), (err: unknown) => this.#failed(call, plugin, command, err, shown))
  }

  #unknown (parsed: ParsedCommand, sender: Sender, shown: string | undefined): MaybePromise<DispatchResult> {
    const suggestion = this.#registry.commands.suggest(parsed.word, this.#registry.unavailable.words())
    const word = parsed.word.length > 20 ? `${parsed.word.slice(0, 20)}...` : parsed.word
    const reply = suggestion === undefined
      ? `Unknown command '${word}'. ${HELP_HINT}`
      : `Unknown command '${word}'. Did you mean '${suggestion}'? ${HELP_HINT}`
    return this.#finish(sender, reply, 'unknown', undefined, undefined, 'OPR_ERR_COMMAND_UNKNOWN', undefined, shown)
  }

  /** What the interpreter's reading comes to: a command run (never one that changes state), a question, or a reply. */
  #freeTextAction (action: FreeTextAction, parsed: ParsedCommand, sender: Sender, signal: AbortSignal | undefined,
    budget: StateBudget | undefined): MaybePromise<DispatchResult> {
    if (action.kind === 'unknown') return this.#unknown(parsed, sender, undefined)
    if (action.kind === 'reply') {
      // Small talk may need no answer at all: an empty reply sends no SMS.
      if (action.text === '') return { outcome: 'empty', command: undefined, plugin: undefined, code: undefined, reply: '', pages: 0, segments: 0, interpreted: undefined }
      return this.#finish(sender, action.text, action.code === undefined ? 'empty' : 'unknown', undefined, undefined, action.code, budget)
    }
    const line = parseCommandText(action.line)
    if (line === undefined) return this.#unknown(parsed, sender, undefined)
    // Until the confirm step exists, a command that changes state is never run from free text: the exact command is
    // offered instead, for the sender to send as typed.
    if (this.#registry.commands.resolve(line.word)?.providers.some((p) => p.spec.changes === true) === true) {
      return this.#finish(sender, `> ${action.line}? Send that to run it.`, 'unknown', undefined, undefined, 'OPR_ERR_COMMAND_CONFIRM', budget)
    }
    return this.#command(line, action.line, sender, signal, budget, action.line)
  }

  #answered (call: CommandCall, plugin: string, command: string, result: CommandResult, shown: string | undefined): MaybePromise<DispatchResult> {
    const { text, overflow } = this.#render(result, call.sender, call.budget)
    return this.#finish(call.sender, text, 'answered', command, plugin, undefined, undefined, shown, overflow)
  }

  #failed (call: CommandCall, plugin: string, command: string, err: unknown, shown: string | undefined): MaybePromise<DispatchResult> {
    if (err instanceof DeadlineExceeded) {
      call.log.warn({ deadlineMs: call.deadlineMs }, 'command timed out')
      return this.#finish(call.sender, `${command} timed out after ${formatDuration(call.deadlineMs)}.`, 'timeout', command, plugin, 'OPR_ERR_COMMAND_TIMEOUT', undefined, shown)
    }
    const code = (err as { code?: unknown } | null)?.code
    const stableCode = typeof code === 'string' ? code : 'OPR_ERR_COMMAND_FAILED'
    const plain = PLAIN_CODES.has(stableCode)
    if (!plain) call.log.warn({ code: stableCode, err: oneLine(err, 500) }, 'command failed')
    const reply = plain ? oneLine(err, 300) : failureLine(command, oneLine(err))
    return this.#finish(call.sender, reply, 'failed', command, plugin, stableCode, undefined, shown)
  }

  /** Renders a command's result for the sender's channel within one reply's budget. */
  render (result: CommandResult, sender: Sender, budget = this.budget.chars): string {
    return this.#render(result, sender, budget).text
  }

  /** The rendering and the lines of a list that did not fit it (the formatter's `overflow`), which `more` sends. */
  #render (result: CommandResult, sender: Sender, budget: number): { text: string, overflow: readonly string[] } {
    if (typeof result === 'string') return { text: result, overflow: NO_LINES }
    if (result === null || typeof result !== 'object' || typeof result.kind !== 'string') {
      return { text: 'The command returned nothing to show.', overflow: NO_LINES }
    }
    const formatter = this.#registry.formatters.get(result.kind)
    if (formatter === undefined) {
      this.#log.error({ kind: result.kind }, 'no formatter registered for result kind')
      return { text: `No formatter for '${result.kind}' results.`, overflow: NO_LINES }
    }
    let overflow = NO_LINES
    // The json channel has no `more`: its formatters say `+N more` as before.
    const ctx: FormatContext = sender.channel === 'json'
      ? { channel: sender.channel, budget }
      : { channel: sender.channel, budget, overflow: (lines) => { overflow = lines } }
    try {
      return { text: formatter.spec.format(result.data, ctx), overflow }
    } catch (err) {
      this.#log.error({ kind: result.kind, plugin: formatter.plugin, err: oneLine(err, 500) }, 'formatter failed')
      return { text: `Could not format the ${result.kind} result: ${oneLine(err)}`, overflow: NO_LINES }
    }
  }

  /** A list's overflow as pages for `more`, at most MAX_OVERFLOW_PAGES: past that, how many were not kept. */
  #overflowPages (lines: readonly string[]): readonly string[] {
    // A first guess by characters, then fewer lines until the pages (markers and cuts at line ends) are few enough.
    let kept = 0
    for (let used = 0; kept < lines.length && used + lines[kept]!.length + 1 <= this.budget.chars * MAX_OVERFLOW_PAGES; kept++) {
      used += lines[kept]!.length + 1
    }
    for (;;) {
      const text = kept === lines.length
        ? lines.join('\n')
        : `${lines.slice(0, kept).join('\n')}\n+${lines.length - kept} more not kept: narrow the question to see them`
      const { pages } = this.budget.toPages(text)
      if (pages.length <= MAX_OVERFLOW_PAGES) return pages
      kept = Math.max(0, kept - pages.slice(MAX_OVERFLOW_PAGES).join('\n').split('\n').length)
    }
  }

  /** The reply as pages; only a reply longer than one page waits (for the rest to be saved for `more`). */
  #finish (sender: Sender, answer: string, outcome: DispatchOutcome, command: string | undefined, plugin: string | undefined,
    code: string | undefined, budget?: StateBudget, shown?: string, overflow: readonly string[] = NO_LINES): MaybePromise<DispatchResult> {
    const text = shown === undefined ? answer : echo(shown) + (answer === '' ? '(empty reply)' : answer)
    if (sender.channel === 'json') return { outcome, command, plugin, code, reply: text, pages: 1, segments: 0, interpreted: shown }
    const first = this.budget.toPages(text === '' ? '(empty reply)' : text)
    const { firstSegments } = first
    const pages = overflow.length === 0 ? first.pages : [...first.pages, ...this.#overflowPages(overflow)]
    // Every result has the same shape (absent fields undefined), which keeps the code reading it monomorphic.
    const result: DispatchResult = { outcome, command, plugin, code, reply: pages[0]!, pages: pages.length, segments: firstSegments, interpreted: shown }
    if (pages.length === 1) {
      // A command's complete reply ends the last long one: `more` must not bring back pages of an older question.
      if (command !== undefined && !this.#paged.delete(sender)) this.#forgetPages(sender)
      return result
    }
    this.#paged.delete(sender)
    return this.#pages.save(pageKey(sender), pages.slice(1), this.#pageTtlMs, budget ?? this.#budgets.get(sender)).then(() => result, (err: unknown) => {
      // The stores fall back to memory on their own; this is a store that failed anyway. The first page still goes.
      this.#log.debug({ err: oneLine(err) }, 'pages: the rest of the reply could not be saved')
      return result
    })
  }

  /** The next page for `more`; a store or library error becomes one plain line (OPR_ERR_PAGES_UNAVAILABLE). */
  async nextPage (sender: Sender): Promise<string | undefined> {
    this.#paged.add(sender)
    try {
      return await this.#pages.next(pageKey(sender), this.#budgets.get(sender))
    } catch (err) {
      // The library's text is for the log, once per outage (the breaker's warning), never for the phone.
      this.#log.debug({ err: oneLine(err) }, 'pages: unavailable')
      throw (err as { code?: unknown } | null)?.code === 'OPR_ERR_PAGES_UNAVAILABLE' ? err : new ERR_PAGES_UNAVAILABLE()
    }
  }

  /** Not waited for: the reply goes now; a store that cannot forget leaves pages that expire on their own. */
  #forgetPages (sender: Sender): void {
    const forgetting = this.#pages.forget?.(pageKey(sender))
    if (isThenable(forgetting)) {
      forgetting.then(undefined, (err: unknown) => { this.#log.debug({ err: oneLine(err) }, 'pages: an old remainder could not be forgotten') })
    }
  }

  #withBudget (sender: Sender, budget: StateBudget): Sender {
    const copy: Sender = { id: sender.id, role: sender.role, channel: sender.channel }
    this.#budgets.set(copy, budget)
    return copy
  }
}

/** The line above an interpreted command's answer. `>` is GSM-7 (the design's `»` is not, and would make it UCS-2). */
function echo (line: string): string {
  return `> ${line}\n`
}

function pageKey (sender: Sender): string {
  return `${sender.channel}:${sender.id}`
}
