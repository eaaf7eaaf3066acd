// Fault matrix for the metrics backends: Prometheus and Datadog, each refused, never answering, 500, 401, malformed
// JSON, a 6 MB body and a body slower than the plugin's timeout. Each case is one daemon with the faulty plugin and a
// healthy one; `health`, `status` and the plugin's command must each answer one line naming the problem.
import t from 'tap'
import { fakeDatadog, fakeJsonEndpoint } from '@operator/test-support'
import prometheus from '@operator/plugin-prometheus'
import datadog from '@operator/plugin-datadog'
import { formatDuration } from '../src/index.js'
import { PLUGIN_TIMEOUT_MS, runHttpMatrix, same, type Backend, type Case, type FaultName } from './fixtures/faults.js'

const WAITED = formatDuration(PLUGIN_TIMEOUT_MS)

t.test('prometheus: every backend fault answers health, status and metrics with one line naming it', async (t) => {
  const TOKEN = 'prom-bearer-s3cret'
  // One body for every route: an instant vector, the targets and the alerts, as the healthy case.
  const fake = await fakeJsonEndpoint({
    status: 'success',
    data: { resultType: 'vector', result: [{ metric: { job: 'node' }, value: [1, '1'] }], activeTargets: [{ health: 'up' }], alerts: [] }
  })
  t.teardown(() => fake.close())
  const backend: Backend = {
    label: 'prometheus',
    plugin: prometheus,
    config: (url) => ({ url, auth: { token: TOKEN }, timeoutMs: PLUGIN_TIMEOUT_MS }),
    system: 'prometheus',
    command: 'metrics up',
    commandName: 'metrics',
    secrets: [TOKEN]
  }
  const cases: Record<FaultName, Case> = {
    refused: same('prometheus unreachable (connection refused)'),
    hang: same(`prometheus timed out (no answer in ${WAITED})`),
    // The health check reads /-/healthy's status; the API's reason is in status and metrics.
    500: { health: 'not healthy (HTTP 500)', status: 'prometheus answered HTTP 500', command: 'prometheus answered HTTP 500' },
    401: {
      health: 'refused the credentials (HTTP 401)',
      status: 'prometheus refused the credentials (HTTP 401)',
      command: 'prometheus refused the credentials (HTTP 401)'
    },
    // /-/healthy and /-/ready are plain text in Prometheus: a 200 there is healthy whatever the body. The JSON API
    // is what breaks, so status (targets and alerts) and metrics are where it shows.
    'malformed JSON': {
      health: 'healthy and ready',
      healthWord: 'ok',
      status: 'prometheus sent a non-JSON answer',
      command: 'prometheus sent a non-JSON answer'
    },
    'huge body': same('prometheus sent an answer larger than 5120 KiB'),
    'slow body': same(`prometheus timed out (no answer in ${WAITED})`)
  }
  await runHttpMatrix(t, backend, fake, cases)
})

t.test('datadog: every backend fault answers health, status and metrics datadog with one line naming it', async (t) => {
  const API_KEY = 'dd-api-key-s3cret'
  const APP_KEY = 'dd-app-key-s3cret'
  const fake = await fakeDatadog({ apiKey: API_KEY, appKey: APP_KEY })
  t.teardown(() => fake.close())
  const backend: Backend = {
    label: 'datadog',
    plugin: datadog,
    config: (url) => ({ url, apiKey: API_KEY, appKey: APP_KEY, timeoutMs: PLUGIN_TIMEOUT_MS }),
    system: 'datadog',
    command: 'metrics datadog cpu',
    commandName: 'metrics',
    secrets: [API_KEY, APP_KEY]
  }
  // Health and status say the reason; the command names Datadog first.
  const dd = (reason: string, health = reason): Case => ({ health, status: reason, command: `datadog ${reason}` })
  const cases: Record<FaultName, Case> = {
    refused: dd('unreachable (connection refused)'),
    hang: dd(`timed out after ${WAITED}`),
    500: dd('server error (HTTP 500)'),
    // Datadog answers a bad key with 403; a 401 is read the same way: the API key was refused.
    401: dd('rejected the API key (check DATADOG_API_KEY)', 'API key rejected (check DATADOG_API_KEY)'),
    'malformed JSON': dd('sent a non-JSON answer'),
    'huge body': dd('sent an answer larger than 5120 KiB'),
    'slow body': dd(`timed out after ${WAITED}`)
  }
  await runHttpMatrix(t, backend, fake, cases)
})
