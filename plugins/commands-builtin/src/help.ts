import type { CommandInfo, CommandSpec, HostView } from '@operator/core'
import { HELP_HINT, usageError } from '@operator/core'

function line (c: CommandInfo): string {
  return `${c.usage ?? c.name} - ${c.summary}`
}

/** Every command on one line each within one page; names only if the summaries would not fit. */
export function renderCommandList (commands: readonly CommandInfo[], budget: number): string {
  const footer = 'Text HELP <command> for more.'
  const full = ['Commands:', ...commands.map(line), footer].join('\n')
  if (full.length <= budget) return full
  const short = ['Commands:', ...commands.map((c) => `${c.name} - ${c.summary}`), footer].join('\n')
  if (short.length <= budget) return short
  return `Commands: ${commands.map((c) => c.name).join(', ')}.\n${footer}`
}

export function renderCommandHelp (c: CommandInfo): string {
  const lines = [`${c.usage ?? c.name}`, c.summary]
  if (c.aliases.length > 0) lines.push(`Also: ${c.aliases.join(', ')}`)
  if (c.shared && c.sources.length > 0) {
    lines.push(`Sources: ${c.sources.join(', ')} (default ${c.sources[0]!}; name one: ${c.name} ${c.sources[c.sources.length - 1]!} ...)`)
  }
  if (c.role !== 'viewer') lines.push(`Needs role: ${c.role}`)
  if (c.examples.length > 0) lines.push(`e.g. ${c.examples.join(' | ')}`)
  return lines.join('\n')
}

export function helpCommand (host: HostView): CommandSpec {
  // The host hands out the same list until the registry changes (it is frozen once the daemon is ready), so the
  // rendered list is kept for as long as the list and the budget stay the same.
  let rendered: { list: readonly CommandInfo[], budget: number, text: string } | undefined
  const commandList = (budget: number): string => {
    const list = host.commands()
    if (rendered?.list !== list || rendered.budget !== budget) rendered = { list, budget, text: renderCommandList(list, budget) }
    return rendered.text
  }
  return {
    name: 'help',
    aliases: ['commands'],
    summary: 'list commands; help <command> for usage',
    usage: 'help [command]',
    examples: ['help', 'help health'],
    phrases: [{
      say: [
        'help', 'commands', 'what can you do', 'what can i ask', 'what commands are there', 'list commands',
        'how does this work', 'how do i use this', 'what do you understand'
      ],
      run: 'help'
    }],
    run (ctx) {
      if (ctx.argv.length === 0) return commandList(ctx.budget)
      const info = host.command(ctx.argv[0]!)
      if (info === undefined) {
        // A documented command whose plugin is off says what turns it on, as typing it does.
        const needs = host.unavailable(ctx.argv[0]!)
        if (needs !== undefined) return needs
        throw usageError(`No command '${ctx.argv[0]!.slice(0, 20)}'. ${HELP_HINT}`)
      }
      return renderCommandHelp(info)
    }
  }
}
