import { createInterface } from 'node:readline/promises'
import { bootOrExit } from './boot.js'
import { countSegments } from '../sms/index.js'

/** `operator shell`: type a command, see the reply exactly as it would be texted, with its size and cost. */
export async function shellCommand (): Promise<number> {
  const app = await bootOrExit({ quiet: true })
  if (typeof app === 'number') return app
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY })
  const prompt = process.stdin.isTTY ? 'operator> ' : ''
  if (process.stdin.isTTY) process.stdout.write(`Operator ${app.operator.version}. Type HELP, or exit.\n`)
  try {
    for (;;) {
      let line: string
      try {
        line = await rl.question(prompt)
      } catch {
        break // input closed
      }
      const text = line.trim()
      if (text === 'exit' || text === 'quit') break
      if (text === '') continue
      const result = await app.operator.dispatcher.dispatch(text, { id: 'console', role: 'admin', channel: 'console' })
      const seg = countSegments(result.reply)
      process.stdout.write(`${result.reply}\n-- ${result.reply.length} chars, ${seg.segments} segment(s), ${seg.encoding}\n`)
    }
  } finally {
    rl.close()
    await app.close()
  }
  return 0
}
