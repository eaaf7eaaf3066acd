import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { basename, join, relative, resolve } from 'node:path'
import { ERR_CLI_USAGE, ERR_TARGET_NOT_EMPTY } from '../errors.js'
import { FIRST_PARTY, firstPartyByName, type FirstPartyPlugin } from '../config/first-party.js'
import { VERSION } from '../version.js'
import { appFiles, type Source } from './app-template.js'

export interface InitOptions {
  readonly dir: string
  /** First-party plugins by short or package name; undefined: ask, when `ask` is given. */
  readonly plugins?: readonly string[]
  /** A folder of `npm pack` tarballs to depend on instead of the registry (an offline or pre-release install). */
  readonly from?: string
}

const OPTIONAL = FIRST_PARTY.filter((p) => !p.byDefault)

export function parseInitArgs (args: readonly string[]): InitOptions {
  let dir: string | undefined
  let plugins: string[] | undefined
  let from: string | undefined
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined]
    if (flag === '--plugins' || flag === '--from') {
      const value = inline ?? args[++i]
      if (value === undefined) throw new ERR_CLI_USAGE(`${flag} needs a value`)
      if (flag === '--from') from = value
      else plugins = value.split(',').map((s) => s.trim()).filter((s) => s !== '')
    } else if (arg.startsWith('-') || dir !== undefined) {
      throw new ERR_CLI_USAGE(`operator init: unexpected '${arg}' (usage: operator init <dir> [--plugins prometheus,datadog] [--from <folder of tarballs>])`)
    } else {
      dir = arg
    }
  }
  if (dir === undefined) throw new ERR_CLI_USAGE('operator init needs a directory: operator init my-ops')
  return { dir, ...(plugins !== undefined ? { plugins } : {}), ...(from !== undefined ? { from } : {}) }
}

function choosePlugins (names: readonly string[]): FirstPartyPlugin[] {
  return names.map((name) => {
    const plugin = firstPartyByName(name)
    if (plugin === undefined) {
      throw new ERR_CLI_USAGE(`'${name}' is not a first-party plugin (choose from ${OPTIONAL.map((p) => p.short).join(', ')}; add others later with operator plugins add)`)
    }
    return plugin
  }).filter((p, i, all) => !p.byDefault && all.indexOf(p) === i)
}

/** The question asked when no --plugins flag was given and a person is at the terminal. */
export const PLUGINS_QUESTION = `First-party plugins to include (comma-separated: ${OPTIONAL.map((p) => p.short).join(', ')}; empty for none): `

/** Packages from a folder of tarballs (`operator-core-0.1.0.tgz`, `operator-plugin-prometheus-0.1.0.tgz`). */
function tarballSource (folder: string, appPath: string): Source {
  const files = readdirSync(folder)
  return (name) => {
    const stem = name.replace(/^@/, '').replace('/', '-')
    const tarball = files.filter((f) => f.startsWith(`${stem}-`) && /^\d/.test(f.slice(stem.length + 1)) && f.endsWith('.tgz')).sort().at(-1)
    if (tarball === undefined) throw new ERR_CLI_USAGE(`--from ${folder} has no ${stem}-<version>.tgz (npm pack makes one)`)
    return `file:${relative(appPath, join(folder, tarball))}`
  }
}

/** `operator init <dir>`: a new app directory; returns what was made and what to do next. */
export async function initApp (options: InitOptions, ask?: (question: string) => Promise<string>): Promise<string> {
  const path = resolve(options.dir)
  if (existsSync(path) && readdirSync(path).length > 0) throw new ERR_TARGET_NOT_EMPTY(path)
  const names = options.plugins ?? (ask !== undefined ? (await ask(PLUGINS_QUESTION)).split(',').map((s) => s.trim()).filter((s) => s !== '') : [])
  const chosen = choosePlugins(names)
  const source: Source = options.from !== undefined ? tarballSource(resolve(options.from), path) : () => `^${VERSION}`
  const files = appFiles(basename(path), chosen, source)
  mkdirSync(path, { recursive: true })
  for (const [name, text] of Object.entries(files)) writeFileSync(join(path, name), text)
  const plugins = FIRST_PARTY.filter((p) => p.byDefault || chosen.includes(p)).map((p) => p.short).join(', ')
  return `Created ${options.dir}: package.json (@operator/core ${VERSION}, plugins ${plugins}), operator.config.json, .env.example, README.md\n` +
    `Next: cd ${options.dir} && npm install && cp .env.example .env, set what you need, then npm start`
}
