import type { Interpretation, InterpreterSpec, Sender } from '../plugins/contract.js'
import type { ChoiceStore } from '../state/choices.js'
import type { StateBudget } from '../state/budget.js'
import { normalizeForSms } from '../sms/index.js'
import type { MaybePromise } from '../maybe-async.js'
import { HELP_HINT } from './dispatcher.js'

/** What dispatch does with a text that is not a command. */
export type FreeTextAction =
  /** Run this command line, shown above its answer as `> line`. */
  | { readonly kind: 'run'; readonly line: string }
  /** Answer this and run nothing; `code` says why (undefined for small talk). */
  | { readonly kind: 'reply'; readonly text: string; readonly code: string | undefined }
  /** Not for the interpreter: the usual `Unknown command` answer. */
  | { readonly kind: 'unknown' }

const UNKNOWN: FreeTextAction = { kind: 'unknown' }
const CHOICE_RE = /^[1-9]$/
/** How long `1` or `2` answers a `Did you mean` question. */
export const CHOICE_TTL_MS = 10 * 60_000

/**
 * The interpreter's side of dispatch: asks the registered interpreter about a text that is not a command, keeps the
 * choices it offers per sender until the reply `1` or `2`, and turns its reading into an action.
 */
export class FreeTextReader {
  readonly #interpreter: () => InterpreterSpec | undefined
  readonly #choices: ChoiceStore
  readonly #now: () => number

  constructor (interpreter: () => InterpreterSpec | undefined, choices: ChoiceStore, now: () => number) {
    this.#interpreter = interpreter
    this.#choices = choices
    this.#now = now
  }

  /** `strict`: the text began with a command that refused its words (see InterpretRequest). */
  read (text: string, sender: Sender, budget: StateBudget | undefined, strict = false): MaybePromise<FreeTextAction> {
    const interpreter = this.#interpreter()
    if (interpreter === undefined) return UNKNOWN
    const trimmed = text.trim()
    // Only a sender who was asked a question can answer it; without an interpreter nothing is ever asked.
    if (CHOICE_RE.test(trimmed)) return this.#chosen(Number(trimmed), sender, budget)
    const reading = interpreter.interpret({ text: trimmed, sender, now: this.#now(), strict })
    return reading === undefined ? UNKNOWN : this.#act(reading, sender, budget)
  }

  #act (reading: Interpretation, sender: Sender, budget: StateBudget | undefined): MaybePromise<FreeTextAction> {
    switch (reading.kind) {
      case 'run':
        return { kind: 'run', line: commandLine(reading.command) }
      case 'reply':
        return { kind: 'reply', text: reading.text, code: undefined }
      case 'unclear': {
        // Nothing close: the usual `Unknown command` answer, which suggests a command the first word may mistype.
        if (reading.closest.length === 0) return UNKNOWN
        const text = `Not sure what you meant. Try: ${reading.closest.slice(0, 3).map(commandLine).join(' | ')}. ${HELP_HINT}`
        return { kind: 'reply', text, code: 'OPR_ERR_COMMAND_UNKNOWN' }
      }
      case 'choose': {
        const lines = reading.commands.slice(0, 3).map(commandLine)
        if (lines.length === 1) return { kind: 'run', line: lines[0]! }
        const numbers = lines.map((_, i) => String(i + 1))
        const text = `Did you mean ${lines.map((l, i) => `${i + 1}) ${l}`).join(' ')}? Reply ${numbers.slice(0, -1).join(', ')} or ${numbers.at(-1)!}`
        const asked: FreeTextAction = { kind: 'reply', text, code: 'OPR_ERR_COMMAND_UNCLEAR' }
        return this.#choices.save(choiceKey(sender), lines, CHOICE_TTL_MS, budget).then(() => asked)
      }
    }
  }

  async #chosen (n: number, sender: Sender, budget: StateBudget | undefined): Promise<FreeTextAction> {
    const offered = await this.#choices.take(choiceKey(sender), budget)
    const line = offered?.[n - 1]
    return line === undefined ? UNKNOWN : { kind: 'run', line }
  }
}

/** One line, within what SMS carries as GSM-7 (curly quotes straightened): it is shown as the reply's first line. */
function commandLine (command: string): string {
  return normalizeForSms(command).replace(/\s+/gu, ' ').trim()
}

function choiceKey (sender: Sender): string {
  return `${sender.channel}:${sender.id}`
}
