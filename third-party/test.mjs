#!/usr/bin/env node
// `node third-party/test.mjs`, run by the root `npm test` after `tsc -b`: builds and tests each third-party plugin the
// way its author would, outside the workspaces. For each package: its lockfile matches the root one, `npm ci --offline`
// installs its devDependencies from the npm cache (core and test-support as links to their folders), its built code
// imports nothing but `@operator/core`, its own `tsc`, typecheck and tap (coverage enforced) pass, and `npm pack`
// would ship dist/ and the README. Any failure exits non-zero with a line saying what to do.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { lockfileFor, thirdPartyPackages } from './lockfile.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const root = resolve(here, '..')

class Failure extends Error {}

// The nested npm must see the package as its own project, not inherit the root run's npm_* settings.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')))

function run (dir, args, what, hint) {
  process.stdout.write(`\n> ${relative(root, dir)}: npm ${args.join(' ')}\n`)
  const result = spawnSync('npm', args, { cwd: dir, env, stdio: 'inherit' })
  if (result.status !== 0) throw new Failure(`${what} failed${hint === undefined ? '' : `: ${hint}`}`)
}

function capture (dir, args) {
  const result = spawnSync('npm', args, { cwd: dir, env, encoding: 'utf8' })
  if (result.status !== 0) throw new Failure(`npm ${args.join(' ')} failed: ${result.stderr.trim().split('\n').pop()}`)
  return result.stdout
}

/** Every module specifier the built code imports (static, dynamic and re-exports). */
function importsOf (file) {
  const text = readFileSync(file, 'utf8')
  return [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])([^'"]+)\1/g)].map((m) => m[2])
}

function jsFiles (dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile() && d.name.endsWith('.js'))
    .map((d) => join(d.parentPath ?? d.path, d.name))
}

/** A plugin's shipped code may import itself, node: builtins and core's public entry: nothing inside core. */
function checkImports (dir) {
  const dist = join(dir, 'dist')
  const bad = []
  for (const file of jsFiles(dist)) {
    for (const spec of importsOf(file)) {
      if (spec === '@operator/core' || spec.startsWith('node:')) continue
      if (spec.startsWith('.') && resolve(dirname(file), spec).startsWith(dist)) continue
      bad.push(`${relative(dir, file)} imports '${spec}'`)
    }
  }
  if (bad.length > 0) throw new Failure(`${bad.join('; ')}: a plugin depends only on @operator/core's public entry`)
}

function checkLinks (dir) {
  for (const [name, folder] of [['@operator/core', 'core'], ['@operator/test-support', 'test-support']]) {
    const installed = join(dir, 'node_modules', name)
    if (!existsSync(installed) || realpathSync(installed) !== realpathSync(join(root, folder))) {
      throw new Failure(`${name} is not installed in ${relative(root, dir)}/node_modules as a link to ${folder}/`)
    }
  }
}

function checkPack (dir) {
  const [pack] = JSON.parse(capture(dir, ['pack', '--dry-run', '--json', '--ignore-scripts']))
  const files = pack.files.map((f) => f.path)
  const wanted = ['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts']
  const absent = wanted.filter((f) => !files.includes(f))
  const extra = files.filter((f) => /^(src|test|node_modules)\//.test(f))
  if (absent.length > 0 || extra.length > 0) {
    throw new Failure(`npm pack would ship the wrong files (missing: ${absent.join(', ') || 'none'}; not wanted: ${extra.join(', ') || 'none'})`)
  }
  process.stdout.write(`npm pack: ${pack.filename}, ${files.length} files, ${pack.size} bytes\n`)
}

function testPackage (dir, rootLock) {
  const name = relative(root, dir)
  const lock = join(dir, 'package-lock.json')
  if (!existsSync(lock) || readFileSync(lock, 'utf8') !== lockfileFor(dir, rootLock)) {
    throw new Failure(`${name}/package-lock.json is out of step with the root lockfile: run node third-party/lockfile.mjs`)
  }
  run(dir, ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], 'installing its devDependencies offline',
    'every tarball comes from the npm cache the root npm ci filled; run npm ci at the root first')
  checkLinks(dir)
  run(dir, ['run', 'build'], 'tsc')
  checkImports(dir)
  run(dir, ['run', 'typecheck'], 'typechecking its tests')
  run(dir, ['test'], 'its tests (coverage is enforced)')
  checkPack(dir)
}

const needed = ['core/dist/index.js', 'core/dist/testing/index.js', 'test-support/dist/index.js']
const unbuilt = needed.filter((f) => !existsSync(join(root, f)))
let failed = 0
if (unbuilt.length > 0) {
  process.stderr.write(`third-party: ${unbuilt.join(', ')} missing: run npm run build at the root first\n`)
  failed++
} else {
  const rootLock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'))
  for (const dir of thirdPartyPackages()) {
    try {
      testPackage(dir, rootLock)
      process.stdout.write(`third-party: ${relative(root, dir)} ok\n`)
    } catch (err) {
      if (!(err instanceof Failure)) throw err
      process.stderr.write(`third-party: ${relative(root, dir)}: ${err.message}\n`)
      failed++
    }
  }
}
process.exitCode = failed > 0 ? 1 : 0
