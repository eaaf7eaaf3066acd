#!/usr/bin/env node
// The `operator` bin is this committed file, not dist/cli/bin.js: on a fresh clone `npm ci` links workspace bins
// before the root `prepare` script builds dist/, and a bin whose target does not exist yet is never linked.
import { existsSync } from 'node:fs'

const built = new URL('../dist/cli/bin.js', import.meta.url)
if (!existsSync(built)) {
  process.stderr.write('operator: @operator/core is not built (no dist/cli/bin.js); run npm run build\n')
  process.exitCode = 1
} else {
  await import(built.href)
}
