import type { CommandSpec, HostView, MessageRecord } from '@operator/core'
import { maskNumber, normalizeNumber, usageError } from '@operator/core'

const DEFAULT_COUNT = 10
const MAX_COUNT = 50
const WHAT_WIDTH = 24
const UNITS: ReadonlyArray<[number, string]> = [[86_400_000, 'd'], [3_600_000, 'h'], [60_000, 'm'], [1000, 's']]

/** `4m`, `2h`, `3d`: one unit, the largest that fits, so each line stays short. */
export function ago (ms: number): string {
  for (const [size, unit] of UNITS) if (ms >= size) return `${Math.floor(ms / size)}${unit}`
  return '0s'
}

/** Names for numbers from the plugin's `people` setting, keyed by E.164 whatever writing the config used. */
export function peopleByNumber (people: Readonly<Record<string, string>>): ReadonlyMap<string, string> {
  const byNumber = new Map<string, string>()
  for (const [written, name] of Object.entries(people)) {
    const number = normalizeNumber(written)
    if (number === undefined) throw new Error(`people: '${maskNumber(written)}' is not an international number; write it as +<country code><number>`)
    byNumber.set(number, name)
  }
  return byNumber
}

function what (r: MessageRecord): string {
  const text = (r.text ?? r.command ?? '-').replace(/\s+/g, ' ').trim()
  return text.length > WHAT_WIDTH ? `${text.slice(0, WHAT_WIDTH - 3)}...` : text
}

/** `4m alice: db (ok)`: when, who (a name, else the masked number), what was asked, how it ended. */
export function historyLine (r: MessageRecord, people: ReadonlyMap<string, string>, now: number): string {
  const who = people.get(r.number) ?? maskNumber(r.number)
  return `${ago(Math.max(0, now - r.time))} ${who}: ${what(r)} (${r.outcome === 'answered' ? 'ok' : r.outcome})`
}

/**
 * `history [n]` for admins: the last n messages anyone sent (unknown senders too: an admin wants to see them), newest
 * first; a long list continues with `more` like any reply.
 */
export function historyCommand (host: HostView, people: ReadonlyMap<string, string>, now: () => number = Date.now): CommandSpec {
  return {
    name: 'history',
    summary: 'the last commands anyone sent',
    usage: 'history [n]',
    examples: ['history', 'history 20'],
    role: 'admin',
    phrases: [{
      say: [
        'history', 'show history', 'show me the history', 'command history', 'message history', 'recent commands',
        'last commands', 'who asked what', 'what did people ask', 'what have people been asking', 'who texted'
      ],
      run: 'history'
    }],
    async run (ctx) {
      const arg = ctx.argv[0]
      const n = arg === undefined ? DEFAULT_COUNT : /^\d{1,3}$/.test(arg) ? Number(arg) : NaN
      if (!(n >= 1 && n <= MAX_COUNT) || ctx.argv.length > 1) throw usageError(`Usage: history [n], n from 1 to ${MAX_COUNT}`)
      if (host.history.off !== undefined) return `History is off: ${host.history.off}.`
      const page = await host.history.query({ direction: 'in', limit: n }, ctx.signal)
      if (page.items.length === 0) return 'No commands in the history yet.'
      const at = now()
      return page.items.map((r) => historyLine(r, people, at)).join('\n')
    }
  }
}
