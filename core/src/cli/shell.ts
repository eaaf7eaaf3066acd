import { createInterface } from 'node:readline'
import { bootOrExit } from './boot.js'
import { countSegments } from '../sms/index.js'

/**
 * `operator shell`: type a command, see the reply exactly as it would be texted, with its size and cost. Reads lines
 * as they come (async iteration), so commands piped in are all answered, in order, not only the first.
 */
export async function shellCommand (): Promise<number> {
  const app = await bootOrExit({ quiet: true })
  if (typeof app === 'number') return app
  const interactive = process.stdin.isTTY
  const rl = createInterface({ input: process.stdin, ...(interactive ? { output: process.stdout, terminal: true } : { terminal: false }) })
  if (interactive) {
    process.stdout.write(`Operator ${app.operator.version}. Type HELP, or exit.\n`)
    rl.setPrompt('operator> ')
    rl.prompt()
  }
  try {
    for await (const line of rl) {
      const text = line.trim()
      if (text === 'exit' || text === 'quit') break
      if (text !== '') {
        const result = await app.operator.dispatcher.dispatch(text, { id: 'console', role: 'admin', channel: 'console' })
        const seg = countSegments(result.reply)
        process.stdout.write(`${result.reply}\n-- ${[...result.reply].length} chars, ${seg.segments} segment(s), ${seg.encoding}\n`)
      }
      if (interactive) rl.prompt()
    }
  } finally {
    rl.close()
    await app.close()
  }
  return 0
}
