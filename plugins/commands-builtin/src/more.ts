import type { CommandSpec, HostView } from '@operator/core'

export function moreCommand (host: HostView): CommandSpec {
  return {
    name: 'more',
    aliases: ['m', 'next'],
    summary: 'next page of the last long reply',
    examples: ['more'],
    phrases: [{ say: ['more', 'show more', 'next page', 'the rest', 'send the rest', 'continue', 'keep going', 'go on'], run: 'more' }],
    async run (ctx) {
      return (await host.nextPage(ctx.sender)) ?? 'Nothing more to show.'
    }
  }
}
