// Operator's daemon as built by core (buildApp from core/dist), listening on an ephemeral loopback port; logger off.
// BENCH_STORE=sqlite gives it the embedded store in a fresh temporary directory (history on, idempotency answers
// written there too, as a daemon with no Redis runs); BENCH_STORE=postgres the DATABASE_URL given.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildApp } from '../../core/dist/app.js'
import { operatorEnv } from '../operator-env.js'
import { ROOT, serveBench } from '../lib.js'

const store = process.env.BENCH_STORE ?? ''
const dataDir = store === 'sqlite' ? mkdtempSync(join(tmpdir(), 'operator-bench-')) : undefined
const extra = store === 'sqlite' ? { OPERATOR_DATA_DIR: dataDir } : store === 'postgres' ? { DATABASE_URL: process.env.BENCH_DATABASE_URL } : {}
const app = await buildApp({ env: operatorEnv(extra), cwd: ROOT, config: { plugins: [] }, logger: false })
await app.listen({ host: '127.0.0.1', port: 0 })
serveBench(app.server.address().port, async () => {
  await app.close()
  if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true })
})
