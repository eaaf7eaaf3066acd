import { bootOrExit } from './boot.js'

/** `operator exec "<text>"`: one command as the console (admin role), reply on stdout, non-zero exit on failure. */
export async function execCommand (text: string): Promise<number> {
  const app = await bootOrExit({ quiet: true })
  if (typeof app === 'number') return app
  try {
    const result = await app.operator.dispatcher.dispatch(text, { id: 'console', role: 'admin', channel: 'console' })
    const out = result.outcome === 'answered' ? process.stdout : process.stderr
    out.write(`${result.reply}\n`)
    return result.outcome === 'answered' ? 0 : 1
  } finally {
    await app.close()
  }
}
