#!/usr/bin/env node
// The `operator` bin is this committed file, not dist/cli/bin.js: on a fresh clone `npm ci` links workspace bins
// before the root `prepare` script builds dist/, and a bin whose target does not exist yet is never linked.
import { existsSync } from 'node:fs'

const built = new URL('../dist/cli/bin.js', import.meta.url)
if (!existsSync(built)) {
  process.stderr.write('operator: @operator/core is not built (no dist/cli/bin.js); run npm run build\n')
  process.exitCode = 1
} else {
  try {
    await import(built.href)
  } catch (err) {
    // A dependency the install left out stops the import itself, before the CLI's own error handling exists.
    if (err?.code !== 'ERR_MODULE_NOT_FOUND' && err?.code !== 'MODULE_NOT_FOUND') throw err
    const missing = /Cannot find (?:package|module) '([^']+)'/.exec(String(err.message))?.[1] ?? String(err.message)
    process.stderr.write(`operator: cannot load '${missing}': it is not installed where Operator runs; run npm install in the app directory [OPR_ERR_DEPENDENCY_MISSING]\n`)
    process.exitCode = 1
  }
}
