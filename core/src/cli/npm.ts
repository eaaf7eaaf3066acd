import { spawn } from 'node:child_process'
import { ERR_NPM_FAILED } from '../errors.js'

/** A folder or tarball, told from a package name as npm tells them: a path that starts like one, or a tarball. */
export function isPathSpec (spec: string): boolean {
  return /^(\.{1,2}(\/|$)|\/|~\/)/.test(spec) || /\.(tgz|tar\.gz|tar)$/.test(spec)
}

/** npm gets this long to install or remove a package (a native dependency may compile) before it is stopped. */
const NPM_TIMEOUT_MS = 10 * 60_000

/**
 * npm's own reason, as one line: the first `npm error` line that is not its code or log-file footer, with the code
 * (`E404`, `ENOTCACHED`) appended. npm's whole output stays on stderr above it for whoever needs more.
 */
export function npmReason (stderr: string, exit: string): string {
  const lines = stderr.split('\n').map((l) => /^npm (?:error|ERR!) (.*)$/.exec(l.trim())?.[1]?.trim() ?? '').filter((l) => l !== '')
  const code = lines.map((l) => /^code (\S+)$/.exec(l)?.[1]).find((c) => c !== undefined)
  const message = lines.find((l) => !/^code \S+$/.test(l) && !/complete log of this run|^A complete log/i.test(l) && !/^errno /.test(l))
  if (message === undefined) return exit
  return code !== undefined ? `${message} (${code})` : message
}

/**
 * Runs `npm <args>` in `cwd` with npm's output passed through to stderr (it can take a while; people see its progress) and
 * resolves when it succeeded; otherwise throws OPR_ERR_NPM_FAILED with npm's reason in one line. The process
 * environment goes through unchanged, so `npm_config_*` settings (an offline cache, a private registry) apply.
 */
export async function runNpm (args: readonly string[], cwd: string, signal: AbortSignal = AbortSignal.timeout(NPM_TIMEOUT_MS)): Promise<void> {
  const what = args.filter((a) => !a.startsWith('-')).join(' ')
  const child = spawn('npm', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], signal })
  // npm's progress goes to stderr: stdout carries only the command's own result line.
  child.stdout.pipe(process.stderr, { end: false })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
    process.stderr.write(chunk)
  })
  const exit = await new Promise<string>((resolve) => {
    child.on('error', (err: NodeJS.ErrnoException) => {
      resolve(err.name === 'AbortError' ? `no answer within ${NPM_TIMEOUT_MS / 60_000} minutes` : `cannot run npm (${err.code ?? err.message})`)
    })
    child.on('close', (code) => { resolve(code === 0 ? '' : `exit code ${String(code)}`) })
  })
  if (exit !== '') throw new ERR_NPM_FAILED(what, npmReason(stderr, exit))
}
