import { execCommand, parseExecArgs } from './exec.js'
import { startCommand } from './start.js'
import { shellCommand } from './shell.js'
import { sendCommand } from './send.js'
import { pluginsCommand, configCheckCommand } from './inspect.js'
import { historyCommand } from './history.js'
import { VERSION } from '../version.js'
import { startupMessage } from './boot.js'
import { ERR_CLI_USAGE } from '../errors.js'

const USAGE = `operator ${VERSION}: answer operational questions over SMS

Usage:
  operator init <dir> [--plugins prometheus,datadog] [--from <folder of tarballs>]
                                 a new app directory: package.json, operator.config.json, .env.example, README
  operator start                 run the daemon (PORT, HOST, .env and operator.config.json from here)
  operator shell                 type commands, see replies exactly as they would be texted
  operator exec "<text>"         run one command in this process, print the reply; exit 1 if it failed
  operator exec --url <daemon> "<text>"
                                 ask the running daemon instead (e.g. http://127.0.0.1:5000, or OPERATOR_URL):
                                 its status, its pages for more; loopback only, proof of TWILIO_AUTH_TOKEN if set
  operator alerts [source]       open incidents, newest first, with their codes (as operator exec alerts)
  operator send <to> "<text>"    send one SMS through Twilio (Messaging Service or TWILIO_FROM_NUMBER)
  operator plugins               each plugin: enabled or not and why, its commands and health checks
  operator plugins add <package|tarball|folder>
                                 npm install it here, check it is an Operator plugin, enable it in the config file
  operator plugins remove <name> npm uninstall it and drop it from the config file
  operator plugins enable|disable <name>
                                 set enabled in operator.config.json, leaving the rest of the file as it is
  operator plugins new <name> [--dir <folder>] [--core <version|tarball|folder>]
                                 a new plugin package (TypeScript, a test, README) that builds and passes its tests
  operator config check          validate the environment, config file and plugins, then exit
  operator history [--since 1h] [--from <number>] [--command db] [--outcome error] [--limit N] [--json]
                                 the newest messages in and out, from the store (works while the daemon runs)
  operator --version`

/** Prints what an app-directory command did, or its error as one line with its code (exit 1, or 2 for bad usage). */
async function report (fn: () => Promise<string> | string): Promise<number> {
  try {
    process.stdout.write(`${await fn()}\n`)
    return 0
  } catch (err) {
    process.stderr.write(`${startupMessage(err)}\n`)
    return (err as { code?: unknown }).code === 'OPR_ERR_CLI_USAGE' ? 2 : 1
  }
}

async function plugins (args: readonly string[]): Promise<number> {
  const [sub, name, ...more] = args
  const cwd = process.cwd()
  if (sub === undefined || sub === 'list') return await pluginsCommand()
  if (sub === 'new') {
    return await report(async () => {
      const { newPlugin, parseNewPluginArgs } = await import('./plugin-new.js')
      return newPlugin(parseNewPluginArgs(args.slice(1), cwd))
    })
  }
  const known = ['add', 'remove', 'enable', 'disable']
  if (!known.includes(sub) || name === undefined || more.length > 0) {
    return await report(() => {
      throw new ERR_CLI_USAGE(known.includes(sub) ? `usage: operator plugins ${sub} <${sub === 'add' ? 'package|tarball|folder' : 'name'}>` : `unknown plugins command '${sub}' (add, remove, enable, disable, new, or none to list)`)
    })
  }
  return await report(async () => {
    const { pluginsAdd, pluginsRemove, pluginsSetEnabled } = await import('./plugins-manage.js')
    return sub === 'add'
      ? await pluginsAdd(name, cwd)
      : sub === 'remove' ? await pluginsRemove(name, cwd) : pluginsSetEnabled(name, sub === 'enable', cwd)
  })
}

/** Dispatches `operator <command>`; returns the process exit code. */
export async function run (argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv
  switch (command) {
    case 'start': return await startCommand()
    case 'shell': return await shellCommand()
    case 'exec': return await execCommand(parseExecArgs(rest))
    case 'alerts': {
      const args = parseExecArgs(rest)
      return await execCommand({ ...args, text: `alerts ${args.text}`.trim() })
    }
    case 'send': return await sendCommand(rest[0], rest.slice(1).join(' '))
    case 'init': return await report(async () => {
      // The app-directory commands load on demand: `operator start` never pays for them.
      const [{ initApp, parseInitArgs }, { askLine }] = await Promise.all([import('./init.js'), import('./ask.js')])
      return await initApp(parseInitArgs(rest), process.stdin.isTTY ? askLine : undefined)
    })
    case 'plugins': return await plugins(rest)
    case 'history': return await historyCommand(rest)
    case 'config':
      if (rest[0] === 'check') return await configCheckCommand()
      break
    case '--version': case '-v': case 'version':
      process.stdout.write(`${VERSION}\n`)
      return 0
    case undefined: case 'help': case '--help': case '-h':
      process.stdout.write(`${USAGE}\n`)
      return command === undefined ? 1 : 0
  }
  process.stderr.write(`operator: unknown command '${argv.join(' ')}'\n\n${USAGE}\n`)
  return 2
}
