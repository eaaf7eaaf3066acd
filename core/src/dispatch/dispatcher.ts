import type { FastifyBaseLogger as Logger } from 'fastify'
import type { CommandResult, Sender, CommandContext } from '../plugins/contract.js'
import { roleAllows } from '../plugins/contract.js'
import type { Registry } from '../registry/registry.js'
import type { PageStore } from '../state/pages.js'
import { normalizeForSms, SegmentBudget } from '../sms/index.js'
import { DeadlineExceeded, formatDuration, runUnderDeadline } from './deadline.js'
import { oneLine } from './one-line.js'
import { parseCommandText } from './parse.js'

export type DispatchOutcome = 'answered' | 'empty' | 'unknown' | 'forbidden' | 'failed' | 'timeout'

export interface DispatchResult {
  /** The first page of the reply, normalised for SMS and within the segment budget. */
  readonly reply: string
  /** How many pages the whole reply took (the rest wait for `more`). */
  readonly pages: number
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

/** Text in, reply out: parse, find the command, check the role, run it under its deadline, render, paginate. */
export class Dispatcher {
  readonly budget: SegmentBudget
  readonly #registry: Registry
  readonly #pages: PageStore
  readonly #log: Logger
  readonly #deadlineMs: number
  readonly #pageTtlMs: number

  constructor (options: DispatcherOptions) {
    this.#registry = options.registry
    this.#pages = options.pages
    this.#log = options.log
    this.#deadlineMs = options.commandDeadlineMs
    this.#pageTtlMs = options.pageTtlMs ?? 15 * 60_000
    this.budget = new SegmentBudget(options.maxSegments)
  }

  async dispatch (text: string, sender: Sender, signal?: AbortSignal): Promise<DispatchResult> {
    const parsed = parseCommandText(text)
    if (parsed === undefined) return await this.#finish(sender, HELP_HINT, { outcome: 'empty' })

    const entry = this.#registry.commands.resolve(parsed.word)
    if (entry === undefined) {
      const suggestion = this.#registry.commands.suggest(parsed.word)
      const shown = parsed.word.length > 20 ? `${parsed.word.slice(0, 20)}...` : parsed.word
      const reply = suggestion === undefined
        ? `Unknown command '${shown}'. ${HELP_HINT}`
        : `Unknown command '${shown}'. Did you mean '${suggestion}'? ${HELP_HINT}`
      return await this.#finish(sender, reply, { outcome: 'unknown', code: 'OPR_ERR_COMMAND_UNKNOWN' })
    }

    // A shared capability: `metrics datadog <q>` names a source; otherwise the primary answers.
    let provider = entry.providers[0]!
    let argv = parsed.argv
    if (entry.shared && argv.length > 0) {
      const named = entry.providers.find((p) => p.plugin === argv[0]!.toLowerCase())
      if (named !== undefined) {
        provider = named
        argv = argv.slice(1)
      }
    }
    const { spec, plugin } = provider
    const meta = { command: entry.name, plugin }
    const need = spec.role ?? 'viewer'
    if (!roleAllows(sender.role, need)) {
      return await this.#finish(sender, `'${entry.name}' needs the ${need} role.`, { ...meta, outcome: 'forbidden', code: 'OPR_ERR_COMMAND_FORBIDDEN' })
    }

    const deadlineMs = spec.deadlineMs ?? this.#deadlineMs
    // A child logger per command costs a few microseconds on every webhook: made only if something logs.
    let childLog: Logger | undefined
    const log = (): Logger => (childLog ??= this.#log.child({ plugin, command: entry.name }))
    const args = argv.join(' ')
    let result: CommandResult
    try {
      const budget = this.budget.chars
      result = await runUnderDeadline((scope) => {
        const ctx: CommandContext = { args, argv, get signal () { return scope.signal }, sender, deadlineMs, budget, get log () { return log() } }
        return spec.run(ctx)
      }, deadlineMs, signal, (err) => log().debug({ err: oneLine(err) }, 'command failed after its deadline'))
    } catch (err) {
      if (err instanceof DeadlineExceeded) {
        log().warn({ deadlineMs }, 'command timed out')
        return await this.#finish(sender, `${entry.name} timed out after ${formatDuration(deadlineMs)}.`, { ...meta, outcome: 'timeout', code: 'OPR_ERR_COMMAND_TIMEOUT' })
      }
      const code = (err as { code?: unknown }).code
      const stableCode = typeof code === 'string' ? code : 'OPR_ERR_COMMAND_FAILED'
      if (code !== 'OPR_ERR_COMMAND_USAGE') log().warn({ code: stableCode, err: oneLine(err, 500) }, 'command failed')
      const reply = code === 'OPR_ERR_COMMAND_USAGE' ? oneLine(err, 300) : `${entry.name}: ${oneLine(err)}`
      return await this.#finish(sender, reply, { ...meta, outcome: 'failed', code: stableCode })
    }
    return await this.#finish(sender, this.render(result, sender), { ...meta, outcome: 'answered' })
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

  async #finish (sender: Sender, text: string, meta: Omit<DispatchResult, 'reply' | 'pages'>): Promise<DispatchResult> {
    if (sender.channel === 'json') return { ...meta, reply: text, pages: 1 }
    const pages = this.budget.paginate(normalizeForSms(text === '' ? '(empty reply)' : text))
    if (pages.length > 1) await this.#pages.save(pageKey(sender), pages.slice(1), this.#pageTtlMs)
    return { ...meta, reply: pages[0]!, pages: pages.length }
  }

  async nextPage (sender: Sender): Promise<string | undefined> {
    return await this.#pages.next(pageKey(sender))
  }
}

function pageKey (sender: Sender): string {
  return `${sender.channel}:${sender.id}`
}
