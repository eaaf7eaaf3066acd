import { PLUGIN_API_VERSION } from '../plugins/contract.js'
import { VERSION } from '../version.js'

/**
 * The files of a new plugin package (`operator plugins new <name>`): one command, a health check and a status line
 * over one HTTP API, a test that drives them through core's harness against a local server, and the package.json a
 * third-party plugin needs (core as a peer, the `operator` field). `core` is where core comes from for development:
 * a version range from the registry, or `file:` a local tarball or folder.
 */
export function pluginFiles (name: string, core: string): Record<string, string> {
  const env = name.toUpperCase().replace(/-/g, '_')
  const pkg = {
    name: `operator-plugin-${name}`,
    version: '0.1.0',
    description: `Operator plugin: ${name}`,
    type: 'module',
    license: 'MIT',
    keywords: ['operator-plugin'],
    operator: { pluginId: name, api: PLUGIN_API_VERSION, commands: [name] },
    engines: { node: '>=20.18' },
    main: './dist/index.js',
    types: './dist/index.d.ts',
    exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
    files: ['dist', 'README.md'],
    scripts: { build: 'tsc -p tsconfig.json', prepare: 'npm run build', test: 'tap' },
    peerDependencies: { '@operator/core': `^${VERSION}` },
    devDependencies: { '@operator/core': core, '@types/node': '^20.19.0', tap: '^21.8.0', typescript: '^5.9.3' }
  }
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      lib: ['ES2023'],
      types: ['node'],
      strict: true,
      noUncheckedIndexedAccess: true,
      declaration: true,
      sourceMap: true,
      skipLibCheck: true,
      verbatimModuleSyntax: true,
      isolatedModules: true,
      rootDir: 'src',
      outDir: 'dist'
    },
    include: ['src']
  }
  const source = `import { definePlugin, usageError } from '@operator/core'

interface Config { url: string; timeoutMs: number }
interface Status { status: string; version?: string }

export default definePlugin<Config>({
  name: '${name}',                          // what people type: \`${name}\`, \`health ${name}\`
  version: '0.1.0',
  description: '${name}: status of one HTTP API',
  configSchema: {
    type: 'object',
    required: ['url'],
    properties: {
      url: { type: 'string', pattern: '^https?://', expected: 'an http(s) URL' },
      timeoutMs: { type: 'integer', minimum: 100, default: 5000 }
    }
  },
  env: { ${env}_URL: 'url', ${env}_TIMEOUT_MS: 'timeoutMs' },

  register (op, config) {
    // One pooled client for the API's origin, with timeouts; nothing connects until the first request.
    const api = op.http(config.url, { name: '${name}', headersTimeoutMs: config.timeoutMs, bodyTimeoutMs: config.timeoutMs })
    const status = async (signal: AbortSignal): Promise<Status> => await api.getJson<Status>('/status', { signal })

    op.command({
      name: '${name}',
      summary: '${name} status',
      usage: '${name}',
      examples: ['${name}'],
      async run (ctx) {
        if (ctx.argv.length > 0) throw usageError('Usage: ${name}')
        const s = await status(ctx.signal)
        return \`${name}: \${s.status}\${s.version !== undefined ? \` (\${s.version})\` : ''}\`
      }
    })

    op.healthCheck({
      system: '${name}',
      async check ({ signal }) {
        const started = Date.now()
        try {
          const s = await status(signal)
          return { status: s.status === 'ok' ? 'ok' : 'degraded', summary: s.status, latencyMs: Date.now() - started }
        } catch (err) {
          return { status: 'down', summary: (err as Error).message, latencyMs: Date.now() - started }
        }
      }
    })
  }
})
`
  const test = `import t from 'tap'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createTestOperator } from '@operator/core/testing'
import plugin from '../src/index.js'

// A stand-in for the API on 127.0.0.1: its /status answers what the test sets.
let answer: { code: number; body: string } = { code: 200, body: '{"status":"ok","version":"1.2"}' }
const server = createServer((req, res) => {
  res.writeHead(req.url === '/status' ? answer.code : 404, { 'content-type': 'application/json' }).end(answer.body)
})
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
t.teardown(() => { server.close() })
const url = \`http://127.0.0.1:\${(server.address() as AddressInfo).port}\`

const op = await createTestOperator({ plugins: [{ plugin, config: { url } }], builtins: false })
t.teardown(() => op.close())

t.test('${name} answers the status, exactly as it would be texted', async (t) => {
  answer = { code: 200, body: '{"status":"ok","version":"1.2"}' }
  t.equal(await op.exec('${name}'), '${name}: ok (1.2)')
  answer = { code: 200, body: '{"status":"busy"}' }
  t.equal(await op.exec('${name}'), '${name}: busy')
  t.equal(await op.exec('${name} now'), 'Usage: ${name}')
})

t.test('the health check: ok, degraded, and down with the reason in one line', async (t) => {
  answer = { code: 200, body: '{"status":"ok"}' }
  t.match(await op.health('${name}'), [{ system: '${name}', status: 'ok', summary: 'ok' }])
  answer = { code: 200, body: '{"status":"busy"}' }
  t.match(await op.health('${name}'), [{ status: 'degraded', summary: 'busy' }])
  answer = { code: 503, body: '{}' }
  t.match(await op.health('${name}'), [{ status: 'down', summary: /503/ }])
})

t.test('its config is checked at start-up, naming the variable', async (t) => {
  await t.rejects(createTestOperator({ plugins: [{ plugin }], builtins: false }), { code: 'OPR_ERR_PLUGIN_CONFIG', message: /${env}_URL/ })
})
`
  const readme = `# operator-plugin-${name}

An [Operator](https://www.npmjs.com/package/@operator/core) plugin: \`${name}\` texts the status of an HTTP API, and
\`health ${name}\` checks it.

## Use it

In an Operator app directory:

    npx operator plugins add operator-plugin-${name}     # or the path of its folder or of a tarball from npm pack

Set \`${env}_URL\` in \`.env\` (or \`"config": { "url": "..." }\` in its entry in operator.config.json), restart the
daemon, and text \`${name}\`.

| variable | config key | default |
|---|---|---|
| \`${env}_URL\` | \`url\` | required |
| \`${env}_TIMEOUT_MS\` | \`timeoutMs\` | 5000 |

## Develop it

    npm install        # also builds dist/ (the prepare script)
    npm test           # tap: test/*.test.ts, against a local stand-in for the API
    npm pack           # operator-plugin-${name}-0.1.0.tgz, for operator plugins add

Keep \`operator.commands\` in package.json in step with the commands \`register()\` adds. The plugin contract is in
@operator/core's README ("Writing a plugin").
`
  return {
    'package.json': `${JSON.stringify(pkg, null, 2)}\n`,
    'tsconfig.json': `${JSON.stringify(tsconfig, null, 2)}\n`,
    'src/index.ts': source,
    'test/index.test.ts': test,
    'README.md': readme,
    '.gitignore': 'node_modules/\ndist/\n.tap/\n*.tgz\n'
  }
}
