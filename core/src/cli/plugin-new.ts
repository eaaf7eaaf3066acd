import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { ERR_CLI_USAGE, ERR_TARGET_NOT_EMPTY } from '../errors.js'
import { VERSION } from '../version.js'
import { pluginFiles } from './plugin-template.js'
import { isPathSpec } from './npm.js'

const USAGE = 'usage: operator plugins new <name> [--dir <folder>] [--core <version range|tarball|folder>]'
// What definePlugin accepts, less what `<NAME>_URL` could not spell.
const NAME_RE = /^[a-z][a-z0-9-]{0,31}$/

export interface NewPluginOptions {
  readonly name: string
  readonly dir: string
  /** The devDependency on core: `^<this version>`, or `file:` an absolute path to a tarball or folder. */
  readonly core: string
}

export function parseNewPluginArgs (args: readonly string[], cwd: string): NewPluginOptions {
  let name: string | undefined
  const flags: Record<string, string> = {}
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg === '--dir' || arg === '--core') {
      const value = args[++i]
      if (value === undefined) throw new ERR_CLI_USAGE(`${arg} needs a value (${USAGE})`)
      flags[arg] = value
    } else if (arg.startsWith('-') || name !== undefined) {
      throw new ERR_CLI_USAGE(`operator plugins new: unexpected '${arg}' (${USAGE})`)
    } else {
      name = arg
    }
  }
  if (name === undefined) throw new ERR_CLI_USAGE(`operator plugins new needs a name (${USAGE})`)
  if (!NAME_RE.test(name)) throw new ERR_CLI_USAGE(`plugin name '${name}' must be lower case letters, digits or dashes, starting with a letter (at most 32)`)
  const core = flags['--core']
  // A path (as npm tells one) becomes an absolute file: reference; anything else is a version range or tag.
  const isPath = core !== undefined && isPathSpec(core)
  return {
    name,
    dir: resolve(cwd, flags['--dir'] ?? `operator-plugin-${name}`),
    core: core === undefined ? `^${VERSION}` : isPath ? `file:${resolve(cwd, core)}` : core
  }
}

/** `operator plugins new <name>`: a plugin package that builds and passes its tests as soon as it is installed. */
export function newPlugin (options: NewPluginOptions): string {
  if (existsSync(options.dir) && readdirSync(options.dir).length > 0) throw new ERR_TARGET_NOT_EMPTY(options.dir)
  for (const [file, text] of Object.entries(pluginFiles(options.name, options.core))) {
    mkdirSync(dirname(join(options.dir, file)), { recursive: true })
    writeFileSync(join(options.dir, file), text)
  }
  return `Created ${options.dir}: plugin '${options.name}' (package operator-plugin-${options.name}, core ${options.core})\n` +
    `Next: cd ${options.dir} && npm install && npm test, then npm pack and operator plugins add <the .tgz> in an app`
}
