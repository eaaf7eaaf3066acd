// Fault matrix for the logs plugin's HTTP backends, Elasticsearch and Grafana Loki: refused, never answering, 500,
// 401, malformed JSON, a 6 MB body and a body slower than the plugin's timeout. Each case is one daemon with the
// logs plugin and a healthy one; `health`, `status` and `logs error` must each answer one line naming the problem.
import t from 'tap'
import { fakeElasticsearch, fakeLoki } from '@operator/test-support'
import logs from '@operator/plugin-logs'
import { formatDuration } from '../src/index.js'
import {
  PLUGIN_TIMEOUT_MS, askAll, describeAnswers, entryFor, faultyDaemon, runHttpMatrix, same, type Backend, type Case, type FaultName
} from './fixtures/faults.js'

const WAITED = formatDuration(PLUGIN_TIMEOUT_MS)
const basic = (user: string, pass: string): string => Buffer.from(`${user}:${pass}`).toString('base64')

const ES_PASSWORD = 'es-pass-s3cret'
const LOKI_PASSWORD = 'loki-pass-s3cret'

function esBackend (): Backend {
  return {
    label: 'logs (elasticsearch)',
    plugin: logs,
    config: (url) => ({ type: 'elasticsearch', url, username: 'elastic', password: ES_PASSWORD, requestTimeoutMs: PLUGIN_TIMEOUT_MS }),
    system: 'logs',
    command: 'logs error',
    commandName: 'logs',
    secrets: [ES_PASSWORD, basic('elastic', ES_PASSWORD)]
  }
}

function lokiBackend (): Backend {
  return {
    label: 'logs (loki)',
    plugin: logs,
    config: (url) => ({ type: 'loki', url, orgId: 'acme', username: 'grafana', password: LOKI_PASSWORD, requestTimeoutMs: PLUGIN_TIMEOUT_MS }),
    system: 'logs',
    command: 'logs error',
    commandName: 'logs',
    secrets: [LOKI_PASSWORD, basic('grafana', LOKI_PASSWORD)]
  }
}


t.test('logs (elasticsearch): every backend fault answers health, status and logs with one line naming it', async (t) => {
  const fake = await fakeElasticsearch({ auth: { basic: { username: 'elastic', password: ES_PASSWORD } } })
  t.teardown(() => fake.close())
  const cases: Record<FaultName, Case> = {
    refused: same('elasticsearch unreachable (connection refused)'),
    hang: same(`elasticsearch timed out (no answer in ${WAITED})`),
    500: same('elasticsearch failed (HTTP 500)'),
    401: same('elasticsearch refused the credentials (HTTP 401)'),
    'malformed JSON': same('elasticsearch sent a non-JSON answer'),
    'huge body': same('elasticsearch sent an answer larger than 5120 KiB'),
    'slow body': same(`elasticsearch timed out (no answer in ${WAITED})`)
  }
  await runHttpMatrix(t, esBackend(), fake, cases)
})

t.test('logs (loki): every backend fault answers health, status and logs with one line naming it', async (t) => {
  const fake = await fakeLoki({ orgId: 'acme', basicAuth: { username: 'grafana', password: LOKI_PASSWORD } })
  t.teardown(() => fake.close())
  const cases: Record<FaultName, Case> = {
    refused: same('loki unreachable (connection refused)'),
    hang: same(`loki timed out (no answer in ${WAITED})`),
    // Health and status come from /ready, which Loki answers in plain text: its words follow the status.
    500: {
      health: 'not ready (HTTP 500: Internal Server Error)',
      status: 'not ready (HTTP 500: Internal Server Error)',
      command: 'loki failed (HTTP 500): Internal Server Error'
    },
    401: { health: 'refused the credentials (HTTP 401)', status: 'refused the credentials (HTTP 401)', command: 'loki refused the credentials (HTTP 401)' },
    // /ready is plain text: a 200 there is ready. The query API is what breaks, so the status line (ready plus the
    // error count) says the count is unknown, DEGRADED.
    'malformed JSON': {
      health: /.+/,
      healthWord: 'ok',
      status: /.*non-JSON.*/,
      statusWord: 'DEGRADED',
      command: 'loki sent a non-JSON answer'
    },
    'huge body': same('loki sent an answer larger than 5120 KiB'),
    'slow body': same(`loki timed out (no answer in ${WAITED})`)
  }
  await runHttpMatrix(t, lokiBackend(), fake, cases)
})

// The backend's health endpoint answers while its search API fails: `logs` says why, and `status` does not say
// `logs ok` as if nothing were wrong (prometheus likewise says `alerts unknown`, DEGRADED).
t.test('logs, search API failing while health answers: logs names the failure, status says the error count is unknown', async (t) => {
  const es = await fakeElasticsearch({ auth: { basic: { username: 'elastic', password: ES_PASSWORD } } })
  t.teardown(() => es.close())
  const loki = await fakeLoki({ orgId: 'acme', basicAuth: { username: 'grafana', password: LOKI_PASSWORD } })
  t.teardown(() => loki.close())
  const both = [
    { backend: esBackend(), url: es.url, fail: () => es.fault(/\/_search$/, { status: 500, body: 'boom' }), says: 'logs: elasticsearch failed (HTTP 500)', health: /^logs ok green, 3 nodes \(\d+ms\)$/m },
    { backend: lokiBackend(), url: loki.url, fail: () => loki.fault('/loki/api/v1/query_range', { status: 500, body: 'boom' }), says: 'logs: loki failed (HTTP 500): boom', health: /^logs ok ready \(\d+ms\)$/m }
  ]
  for (const { backend, url, fail, says, health } of both) {
    await t.test(`${backend.label}: logs error answers '${says}', health ok (its endpoint answers), status DEGRADED with the count unknown`, async (t) => {
      fail()
      const op = await faultyDaemon(t, backend.plugin, backend.config(url))
      const answers = await askAll(op, backend.command, 'logs')
      t.comment(describeAnswers(answers, 'logs'))
      t.equal(answers.command.reply, says, 'the command says what failed')
      t.match(answers.one.reply, health, 'health reads the health endpoint, which answers')
      t.equal(entryFor(answers.status.reply, 'steady', ['self', 'logs', 'steady']), undefined, 'the healthy system is ok')
      const said = entryFor(answers.status.reply, 'logs', ['self', 'logs', 'steady']) ?? 'nothing'
      t.match(said, /^logs DEGRADED .*(unknown|HTTP 500)/, `status says the error count is unknown (said: ${said})`)
    })
  }
})
