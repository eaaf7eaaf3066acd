import type { CommandSpec } from '../plugins/contract.js'
import { fitLines } from '../format/lines.js'
import { usageError } from '../usage.js'
import type { PagingEngine } from './engine.js'
import { personName } from './oncall.js'
import { ALERTS_PHRASES, ONCALL_PHRASES } from './phrases.js'
import { ageText } from './text.js'

/** `Mon 30 Nov 09:00 UTC` */
function when (ms: number): string {
  const d = new Date(ms)
  const day = d.toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' }).replace(',', '')
  return `${day} ${d.toISOString().slice(11, 16)} UTC`
}

/** `alerts`: open incidents, newest first, each with the asker's reply code (`#id` where they were not paged). */
export function alertsCommand (engine: PagingEngine): CommandSpec {
  return {
    name: 'alerts',
    shared: true,
    summary: 'Open incidents, newest first, with your reply codes',
    usage: 'alerts [source]',
    examples: ['alerts', 'alerts prometheus'],
    phrases: ALERTS_PHRASES,
    async run (ctx) {
      // Stray words are refused, not ignored: `alerts firing?` is then read as plain English and shows `> alerts`.
      if (ctx.argv.length > 0) throw usageError('Usage: alerts [source]')
      const open = await engine.openIncidents(ctx.sender.id)
      if (open.length === 0) return 'No open incidents.'
      const now = engine.now()
      const lines = open.map((i) => {
        const code = i.code === undefined ? `#${i.id}` : String(i.code)
        const sev = i.severity === null ? '' : ` (${i.severity})`
        const count = i.firing > 1 ? `${i.firing}x ` : ''
        const where = i.details.length > 0 ? ` ${i.details.slice(0, 2).join(' ')}` : ''
        const acked = i.ackedBy === null ? '' : ` acked by ${i.ackedBy}`
        return `${code} ${count}${i.title}${where}${sev} ${ageText(now - i.openedAt)}${acked}`
      })
      return fitLines([`${open.length} open:`, ...lines], ctx.budget)
    }
  }
}

/** `oncall`: who is on call now, until when, and who is next. */
export function oncallCommand (engine: PagingEngine): CommandSpec {
  return {
    name: 'oncall',
    summary: 'Who is on call now and the next handoff',
    usage: 'oncall',
    examples: ['oncall'],
    phrases: ONCALL_PHRASES,
    async run (ctx) {
      // `oncall take` must not answer as if the pager moved: words this command cannot take are refused.
      if (ctx.argv.length > 0) throw usageError('Usage: oncall (who is on call now and the next handoff)')
      const now = await engine.onCall()
      if (now === undefined) return 'Nobody is on call: set ONCALL_NUMBERS (a weekly rotation, in order).'
      const names = engine.settings.names
      const who = personName(names, now.number)
      if (now.next === now.number) return `On call: ${who}, alone in the rotation.`
      return `On call: ${who} until ${when(now.until)}. Next: ${personName(names, now.next)}.`
    }
  }
}
