import { execCommand, parseExecArgs } from './exec.js'
import { startCommand } from './start.js'
import { shellCommand } from './shell.js'
import { sendCommand } from './send.js'
import { pluginsCommand, configCheckCommand } from './inspect.js'
import { VERSION } from '../version.js'

const USAGE = `operator ${VERSION}: answer operational questions over SMS

Usage:
  operator start                 run the daemon (PORT, HOST, .env and operator.config.json from here)
  operator shell                 type commands, see replies exactly as they would be texted
  operator exec "<text>"         run one command in this process, print the reply; exit 1 if it failed
  operator exec --url <daemon> "<text>"
                                 ask the running daemon instead (e.g. http://127.0.0.1:5000, or OPERATOR_URL):
                                 its status, its pages for more; loopback only, proof of TWILIO_AUTH_TOKEN if set
  operator alerts [source]       open incidents, newest first, with their codes (as operator exec alerts)
  operator send <to> "<text>"    send one SMS through Twilio (Messaging Service or TWILIO_FROM_NUMBER)
  operator plugins               each plugin: enabled or not and why, its commands and health checks
  operator config check          validate the environment, config file and plugins, then exit
  operator --version`

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
    case 'plugins': return await pluginsCommand()
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
