// SMS cost: segments per reply for a fixed script of commands against an Operator with six fixture systems (the
// built-in commands plus the fan-out benchmark's plugins), each reply exactly as it would be texted.
import { countSegments } from '../core/dist/index.js'
import { createTestOperator } from '../core/dist/testing/index.js'
import { sixSystems } from './systems.js'
import { printTable, writeResult } from './lib.js'

export const SCRIPT = ['help', 'help status', 'help health', 'help more', 'status', 'health', 'health alpha', 'health self',
  'helth', 'metrics up', 'more']

export async function smsCost () {
  const systems = await sixSystems({ delayMs: 5 })
  const op = await createTestOperator({ plugins: systems.plugins })
  const rows = []
  const replies = []
  try {
    for (const text of SCRIPT) {
      const reply = await op.exec(text)
      const c = countSegments(reply)
      replies.push({ command: text, reply, chars: [...reply].length, encoding: c.encoding, segments: c.segments })
      rows.push([text, [...reply].length, c.encoding, c.segments, reply.split('\n')[0].slice(0, 48)])
    }
  } finally {
    await op.close()
    await systems.close()
  }
  const total = replies.reduce((a, r) => a + r.segments, 0)
  printTable(`SMS cost: segments per reply (${SCRIPT.length} commands, six fixture systems + self)`,
    ['command', 'chars', 'encoding', 'segments', 'first line'], rows)
  process.stdout.write(`total ${total} segments for ${SCRIPT.length} replies (${(total / SCRIPT.length).toFixed(2)} per reply; max ${Math.max(...replies.map((r) => r.segments))})\n`)
  return { file: writeResult('sms-cost', { script: SCRIPT, totalSegments: total, replies }) }
}
