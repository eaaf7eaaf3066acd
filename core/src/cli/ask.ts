import { createInterface } from 'node:readline/promises'

/** Asks one question on the terminal and resolves with the answer (an empty line when input ends). */
export async function askLine (question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout })
  try {
    return await rl.question(question)
  } finally {
    rl.close()
  }
}
