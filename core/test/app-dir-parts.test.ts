import t from 'tap'
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { appDir, operator } from './fixtures/cli.js'
import { npmReason, runNpm } from '../src/cli/npm.js'
import { startupMessage } from '../src/cli/boot.js'
import { createTestOperator } from '../src/testing/index.js'
import { appEnvExample } from '../src/cli/app-template.js'
import { definePlugin } from '../src/index.js'

const plugin = (name: string): string => JSON.stringify({ name, version: '1.0.0', type: 'module', exports: './index.js', operator: { pluginId: name, api: 1 } })
const esm = (name: string, extra: Record<string, unknown> = {}): string => JSON.stringify({ name, version: '1.0.0', type: 'module', ...extra })

t.test('a missing import names what is missing and whose it is; "is it built?" only for the plugin\'s own files', async (t) => {
  // Through the CLI, as people meet it (and with Node's own resolver, not the test runner's).
  const files = {
    'node_modules/p-unbuilt-dep/package.json': plugin('p-unbuilt-dep'),
    'node_modules/p-unbuilt-dep/index.js': "import 'dep-unbuilt'\n",
    'node_modules/dep-unbuilt/package.json': esm('dep-unbuilt', { main: 'dist/index.js' }),
    'node_modules/p-exports-dep/package.json': plugin('p-exports-dep'),
    'node_modules/p-exports-dep/index.js': "import 'dep-exports'\n",
    'node_modules/dep-exports/package.json': esm('dep-exports', { exports: './dist/index.js' }),
    'node_modules/p-own-file/package.json': plugin('p-own-file'),
    'node_modules/p-own-file/index.js': "import './lib/missing.js'\n",
    'node_modules/p-deep/package.json': plugin('p-deep'),
    'node_modules/p-deep/index.js': "import 'dep-esm'\n",
    'node_modules/dep-esm/package.json': esm('dep-esm', { exports: './index.js' }),
    'node_modules/dep-esm/index.js': "import '@ghost/pkg/sub.js'\n",
    // A CommonJS plugin entry (a static ESM import of a throwing CommonJS module also makes Node 20 report an
    // unhandled rejection after the import's own error).
    'node_modules/p-cjs/package.json': JSON.stringify({ name: 'p-cjs', version: '1.0.0', main: 'index.js', operator: { pluginId: 'p-cjs', api: 1 } }),
    'node_modules/p-cjs/index.js': "module.exports = require('dep-cjs')\n",
    'node_modules/dep-cjs/package.json': JSON.stringify({ name: 'dep-cjs', version: '1.0.0', main: 'index.js' }),
    'node_modules/dep-cjs/index.js': "require('ghost-cjs')\n"
  }
  const check = async (name: string): Promise<string> => {
    const dir = appDir(t, { plugins: [name] }, files)
    return (await operator(['config', 'check'], dir)).stderr.replaceAll(dir, '<app>')
  }
  t.equal(await check('p-unbuilt-dep'), "operator: Plugin 'p-unbuilt-dep' cannot be loaded: index.js imports dep-unbuilt, which is installed without its file dist/index.js: reinstall it (npm install in the app directory), or build it if it is a local folder (<app>/node_modules/dep-unbuilt) [OPR_ERR_PLUGIN_IMPORT]\n")
  t.equal(await check('p-exports-dep'), "operator: Plugin 'p-exports-dep' cannot be loaded: index.js imports dep-exports, which is installed without its file dist/index.js: reinstall it (npm install in the app directory), or build it if it is a local folder (<app>/node_modules/dep-exports) [OPR_ERR_PLUGIN_IMPORT]\n")
  t.equal(await check('p-own-file'), "operator: Plugin 'p-own-file' cannot be loaded: index.js imports lib/missing.js, which does not exist (is the package built? npm run build in <app>/node_modules/p-own-file) [OPR_ERR_PLUGIN_IMPORT]\n")
  t.equal(await check('p-deep'), "operator: Plugin 'p-deep' cannot be loaded: ../dep-esm/index.js imports the package '@ghost/pkg', which is not installed where dep-esm is (a dependency of dep-esm is missing: npm install in the app directory installs it, or npm install @ghost/pkg) [OPR_ERR_PLUGIN_IMPORT]\n")
  t.equal(await check('p-cjs'), "operator: Plugin 'p-cjs' cannot be loaded: ../dep-cjs/index.js imports the package 'ghost-cjs', which is not installed where dep-cjs is (a dependency of dep-cjs is missing: npm install in the app directory installs it, or npm install ghost-cjs) [OPR_ERR_PLUGIN_IMPORT]\n")
})

t.test('a plugin that is a plain module file outside any package: its missing file is its own', async (t) => {
  const dir = appDir(t, { plugins: ['./plugin.mjs'] }, { 'plugin.mjs': "import './helper.mjs'\n" })
  t.equal((await operator(['config', 'check'], dir)).stderr.replaceAll(dir, '<app>'),
    "operator: Plugin './plugin.mjs' cannot be loaded: plugin.mjs imports helper.mjs, which does not exist (is the package built? npm run build in <app>) [OPR_ERR_PLUGIN_IMPORT]\n")
})

t.test('the loader\'s other refusals, each one line: a folder without package.json, a brand or a plugin id that disagrees', async (t) => {
  const brand = (api: number, name: string): string => `export default { name: '${name}', register () {}, [Symbol.for('operator.plugin')]: { api: ${api} } }\n`
  const dir = appDir(t, undefined, {
    'folder-plugin/package.json': plugin('folder'),
    'folder-plugin/index.js': brand(1, 'folder'),
    'empty/.keep': '',
    'node_modules/p-brand/package.json': plugin('p-brand'),
    'node_modules/p-brand/index.js': brand(2, 'p-brand'),
    'node_modules/p-named/package.json': plugin('p-named'),
    'node_modules/p-named/index.js': brand(1, 'other-name')
  })
  const check = async (plugins: unknown[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    writeFileSync(join(dir, 'operator.config.json'), JSON.stringify({ plugins }))
    return await operator(['config', 'check'], dir)
  }
  t.match((await check(['./folder-plugin', { package: 'not-installed', enabled: false }])).stdout, /plugin\(s\) enabled: builtin, interpreter, folder/)
  t.equal((await check(['./empty'])).stderr, `operator: Plugin './empty' cannot be resolved: ${join(dir, 'empty')} has no package.json [OPR_ERR_PLUGIN_NOT_FOUND]\n`)
  t.equal((await check(['p-brand'])).stderr, "operator: Plugin 'p-brand' targets plugin API 2, this Operator provides API 1 [OPR_ERR_PLUGIN_API_VERSION]\n")
  t.equal((await check(['p-named'])).stderr, "operator: Plugin 'p-named' is not an Operator plugin: package.json says pluginId 'p-named' but the plugin is named 'other-name' [OPR_ERR_PLUGIN_INVALID]\n")
})

t.test('start-up names a dependency the install left out, with what to run', async (t) => {
  t.equal(startupMessage(Object.assign(new Error("Cannot find module 'ajv'\nRequire stack:\n- /x.js"), { code: 'MODULE_NOT_FOUND' })),
    "operator: cannot load 'ajv': it is not installed where Operator runs; run npm install in the app directory [OPR_ERR_DEPENDENCY_MISSING]")
  t.equal(startupMessage(Object.assign(new Error('something else'), { code: 'ERR_MODULE_NOT_FOUND' })), 'operator: something else [ERR_MODULE_NOT_FOUND]')
})

t.test("npm's reason in one line, with its code", async (t) => {
  t.equal(npmReason('npm error code E404\nnpm error 404 Not Found - GET http://127.0.0.1:1/x - Not found\nnpm error A complete log of this run can be found in: /x.log\n', 'exit code 1'),
    '404 Not Found - GET http://127.0.0.1:1/x - Not found (E404)')
  t.equal(npmReason('npm ERR! errno -13\nnpm ERR! permission denied\n', 'exit code 243'), 'permission denied')
  t.equal(npmReason('something npm printed without an error line\n', 'exit code 1'), 'exit code 1')
  await t.rejects(runNpm(['view', 'x'], tmpdir(), AbortSignal.abort()), { code: 'OPR_ERR_NPM_FAILED', message: 'npm view x failed: no answer within 10 minutes' })
  const path = process.env.PATH
  process.env.PATH = ''
  t.teardown(() => { process.env.PATH = path })
  await t.rejects(runNpm(['install', 'x'], tmpdir()), { code: 'OPR_ERR_NPM_FAILED', message: 'npm install x failed: cannot run npm (ENOENT)' })
})

t.test("the test harness runs one system's health check, or all, without the built-in commands", async (t) => {
  const probe = definePlugin({
    name: 'probe',
    register (op) {
      op.healthCheck({ system: 'probe', check: () => ({ status: 'degraded', summary: 'slow', latencyMs: 1 }) })
      op.healthCheck({ system: 'other', check: () => ({ status: 'ok', summary: 'fine', latencyMs: 1 }) })
    }
  })
  const op = await createTestOperator({ plugins: [{ plugin: probe }], builtins: false })
  t.teardown(() => op.close())
  t.match(await op.health('probe'), [{ system: 'probe', status: 'degraded', summary: 'slow' }])
  t.same((await op.health()).map((r) => r.system).sort(), ['other', 'probe', 'self'])
})

t.test('an app\'s .env.example when core was packed without its env.example says where the variables are documented', async (t) => {
  t.match(appEnvExample([], ['/nonexistent/env.example']), /^# @operator\/core was packed without its env\.example/)
})
