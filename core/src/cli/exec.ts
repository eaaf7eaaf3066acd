import { bootOrExit } from './boot.js'
import { remoteExec } from './remote-exec.js'

export interface ExecArgs {
  readonly text: string
  /** The running daemon to ask (`--url`, else OPERATOR_URL); undefined runs the command in this process. */
  readonly url?: string | undefined
}

/** `operator exec [--url <daemon>] "<text>"`: the arguments, with `--url` only before the text. */
export function parseExecArgs (args: readonly string[], env: NodeJS.ProcessEnv = process.env): ExecArgs {
  let url = env.OPERATOR_URL !== undefined && env.OPERATOR_URL !== '' ? env.OPERATOR_URL : undefined
  let i = 0
  for (; i < args.length; i++) {
    const arg = args[i]!
    if (arg === '--url') url = args[++i] ?? ''
    else if (arg.startsWith('--url=')) url = arg.slice('--url='.length)
    else if (arg === '--') { i++; break } else break
  }
  return { text: args.slice(i).join(' '), url }
}

/**
 * `operator exec "<text>"`: one command as the console (admin role), reply on stdout, non-zero exit on failure. In
 * this process (its own registry, pages and `self`), or, with a URL, by the running daemon.
 */
export async function execCommand (args: ExecArgs): Promise<number> {
  if (args.url !== undefined) return await remoteExec(args.url, args.text)
  const app = await bootOrExit({ quiet: true })
  if (typeof app === 'number') return app
  try {
    const result = await app.operator.dispatcher.dispatch(args.text, { id: 'console', role: 'admin', channel: 'console' })
    const out = result.outcome === 'answered' ? process.stdout : process.stderr
    out.write(`${result.reply}\n`)
    return result.outcome === 'answered' ? 0 : 1
  } finally {
    await app.close()
  }
}
