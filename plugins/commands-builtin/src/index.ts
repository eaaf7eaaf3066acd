import { definePlugin } from '@operator/core'
import { helpCommand } from './help.js'
import { healthCommand, statusCommand } from './systems.js'
import { moreCommand } from './more.js'

/** help, status, health [system] and more: the commands every Operator answers. */
export default definePlugin({
  name: 'builtin',
  version: '0.1.0',
  description: "Operator's built-in commands: help, status, health, more",
  register (op) {
    op.command(helpCommand(op.host))
    op.command(statusCommand(op.host))
    op.command(healthCommand(op.host))
    op.command(moreCommand(op.host))
  }
})
