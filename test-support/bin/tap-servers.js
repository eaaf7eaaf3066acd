#!/usr/bin/env node
// `tap-servers --needs=<server>,… [tap arguments]`: a package's `npm test`. Runs tap; when a server its tests need is
// missing outside CI, those tests skip and the package's coverage threshold would then fail the run with nothing
// but a coverage table, so coverage is not enforced for that run and one line says why and what to install. Under
// CI=true nothing is relaxed: the tests themselves fail on the missing server.
// A committed file (not in dist/) so npm links it on a fresh clone; it runs after `tsc -b` has built dist/.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

const args = process.argv.slice(2)
const needsArg = args.find((a) => a.startsWith('--needs='))
const tapArgs = args.filter((a) => a !== needsArg)
const needs = needsArg === undefined ? [] : needsArg.slice('--needs='.length).split(',').filter((s) => s !== '')

let support
try {
  support = await import('../dist/binaries.js')
} catch {
  process.stderr.write('tap-servers: @operator/test-support is not built; run npm run build\n')
  process.exit(1)
}
const unknown = needs.filter((n) => !support.TEST_SERVERS.includes(n))
if (unknown.length > 0) {
  process.stderr.write(`tap-servers: unknown server(s) ${unknown.join(', ')}; known: ${support.TEST_SERVERS.join(', ')}\n`)
  process.exit(2)
}

const missing = await support.missingServers(needs)
const relax = missing.length > 0 && process.env.CI !== 'true'
const result = spawnSync('tap', relax ? ['--allow-incomplete-coverage', ...tapArgs] : tapArgs, { stdio: 'inherit' })
if (result.error !== undefined) process.stderr.write(`tap-servers: cannot run tap: ${result.error.message}\n`)

if (missing.length > 0) {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')).name
  process.stderr.write(relax
    ? `${pkg}: coverage was not enforced because ${missing.join('; ')}; their tests skipped\n`
    : `${pkg}: CI=true and ${missing.join('; ')}\n`)
}
process.exitCode = result.status ?? 1
