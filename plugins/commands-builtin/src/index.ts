import { definePlugin } from '@operator/core'
import { helpCommand } from './help.js'
import { healthCommand, statusCommand } from './systems.js'
import { moreCommand } from './more.js'
import { historyCommand, peopleByNumber } from './history.js'

interface Config {
  /** Names for numbers, so `history` says who: `{ "+14155550100": "alice" }`. */
  people: Record<string, string>
}

/** help, status, health [system], more and history: the commands every Operator answers. */
export default definePlugin<Config>({
  name: 'builtin',
  version: '0.1.0',
  description: "Operator's built-in commands: help, status, health, more, history",
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      people: { type: 'object', additionalProperties: { type: 'string', minLength: 1, maxLength: 32 }, default: {} }
    }
  },
  register (op, config) {
    op.command(helpCommand(op.host))
    op.command(statusCommand(op.host))
    op.command(healthCommand(op.host))
    op.command(moreCommand(op.host))
    op.command(historyCommand(op.host, peopleByNumber(config.people)))
  }
})
