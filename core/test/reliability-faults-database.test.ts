// Fault matrix for the db plugin's PostgreSQL connection. It speaks the pg wire protocol, not HTTP, so only two faults
// apply: nothing listening (a free port) and a server that accepts and never answers (a silent TCP listener). Each
// case is one daemon with the db plugin and a healthy one; `health`, `status` and `db` must each answer one line
// naming the problem, from the plugin's connect timeout rather than the daemon's deadline.
import t, { type Test } from 'tap'
import { freePort } from '@operator/test-support'
import db from '@operator/plugin-database'
import { formatDuration } from '../src/index.js'
import {
  PLUGIN_TIMEOUT_MS, assertAnswers, askAll, caseName, describeAnswers, faultyDaemon, same, silentTcpServer,
  type Backend, type Case, type FaultName
} from './fixtures/faults.js'

const PASSWORD = 'pg-pass-s3cret'

function backend (port: number): Backend {
  return {
    label: 'db (PostgreSQL; HTTP faults do not apply to pg)',
    plugin: db,
    config: () => ({
      url: `postgres://operator:${PASSWORD}@127.0.0.1:${port}/app`,
      connectTimeoutMs: PLUGIN_TIMEOUT_MS,
      statementTimeoutMs: PLUGIN_TIMEOUT_MS
    }),
    system: 'db',
    command: 'db',
    commandName: 'db',
    secrets: [PASSWORD, `operator:${PASSWORD}`]
  }
}

async function runCase (t: Test, port: number, fault: FaultName, c: Case): Promise<void> {
  const b = backend(port)
  await t.test(caseName(b, fault, c), async (t) => {
    const op = await faultyDaemon(t, b.plugin, b.config(''))
    const answers = await askAll(op, b.command, b.system)
    t.comment(describeAnswers(answers, b.system))
    assertAnswers(t, b, fault, c, answers)
  })
}

t.test('db: a refused and a never-answering PostgreSQL answer health, status and db with one line naming it', async (t) => {
  await runCase(t, await freePort(), 'refused', same('postgres unreachable (connection refused)'))
  const silent = await silentTcpServer(t)
  await runCase(t, silent.port, 'hang', same(`postgres: connect timed out after ${formatDuration(PLUGIN_TIMEOUT_MS)}`))
})
