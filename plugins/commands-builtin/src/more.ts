import type { CommandSpec, HostView } from '@operator/core'

export function moreCommand (host: HostView): CommandSpec {
  return {
    name: 'more',
    aliases: ['m', 'next'],
    summary: 'next page of the last long reply',
    examples: ['more'],
    async run (ctx) {
      return (await host.nextPage(ctx.sender)) ?? 'Nothing more to show.'
    }
  }
}
