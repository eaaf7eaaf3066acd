import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { CORE_DIR } from '../app.js'
import { FIRST_PARTY, type FirstPartyPlugin } from '../config/first-party.js'
import { VERSION } from '../version.js'

/** The files `operator init` writes into a new app directory, by name. */
export type AppFiles = Record<string, string>

/**
 * Operator's documented environment: `env.example` in the published package (copied from the monorepo's
 * `.env.example` when it is packed), else that file itself when core runs from a checkout of the monorepo.
 */
const ENV_EXAMPLES = [join(CORE_DIR, 'env.example'), join(CORE_DIR, '..', '.env.example')]

/** A package packed with scripts off has no env.example: say where the variables are documented instead. */
const NO_ENV_EXAMPLE = '# @operator/core was packed without its env.example (npm pack with scripts off), so the list of\n' +
  '# variables is missing here. Each plugin\'s README lists its own (node_modules/<package>/README.md).\n'

/** The environment file without the sections of first-party plugins the app does not have. */
export function appEnvExample (chosen: readonly FirstPartyPlugin[], candidates: readonly string[] = ENV_EXAMPLES): string {
  const found = candidates.find((path) => existsSync(path))
  if (found === undefined) return NO_ENV_EXAMPLE
  return readFileSync(found, 'utf8').split(/\n(?=\n)/).filter((block) => {
    const section = /^\n?# --- .*\(plugins\/([\w-]+)\/README\.md\) ---/.exec(block)?.[1]
    return section === undefined || chosen.some((p) => p.short === section)
  }).join('\n').replace(/\(plugins\/([\w-]+)\/README\.md\)/g, '(node_modules/@operator/plugin-$1/README.md)')
}

/** An npm package name made from the directory's name. */
function packageName (dir: string): string {
  return dir.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+|-+$/g, '') || 'operator-app'
}

/** Where each package comes from: `^<this version>` from the registry, or `file:` tarballs in a local folder. */
export type Source = (packageName: string) => string

export function appFiles (dirName: string, chosen: readonly FirstPartyPlugin[], source: Source): AppFiles {
  const plugins = FIRST_PARTY.filter((p) => p.byDefault || chosen.includes(p))
  const dependencies = Object.fromEntries(['@operator/core', ...plugins.map((p) => p.packageName)].map((n) => [n, source(n)]))
  const pkg = {
    name: packageName(dirName),
    version: '0.1.0',
    private: true,
    description: 'An Operator app: the daemon and the plugins it runs',
    type: 'module',
    engines: { node: '>=20.18' },
    scripts: { start: 'operator start', check: 'operator config check', plugins: 'operator plugins', shell: 'operator shell' },
    dependencies
  }
  const config = { plugins: chosen.map((p) => ({ package: p.short, enabled: true })) }
  const names = plugins.map((p) => p.short).join(', ')
  const readme = `# ${dirName}

An [Operator](https://www.npmjs.com/package/@operator/core) app: answer operational questions over SMS. Operator
${VERSION}, with the plugins ${names}.

    npm install
    cp .env.example .env      # uncomment and set what you need: Twilio, AUTHORIZED_NUMBERS, each plugin's settings
    npm run check             # validate the environment, operator.config.json and the plugins
    npm start                 # the daemon, on PORT (default 5000); Twilio's webhook is PUBLIC_URL/sms

Try a command without a phone: \`npx operator exec "status"\` or \`npx operator shell\`.

## Plugins

    npx operator plugins                      # what is installed, enabled or not and why
    npx operator plugins add <package|tarball|folder>
    npx operator plugins disable <name>       # and enable <name>: edits operator.config.json
    npx operator plugins remove <name>
    npx operator plugins new <name>           # start writing your own

Restart the daemon after a change. Each plugin's settings are in its README (node_modules/<package>/README.md).
`
  return {
    'package.json': `${JSON.stringify(pkg, null, 2)}\n`,
    'operator.config.json': `${JSON.stringify(config, null, 2)}\n`,
    '.env.example': appEnvExample(chosen),
    'README.md': readme,
    '.gitignore': 'node_modules/\n.env\ndata/\n'
  }
}
