// Fault matrix for the gateway plugin's HTTP backends, Kong's Admin API and a custom JSON endpoint: refused, never
// answering, 500, 401, malformed JSON, a 6 MB body and a body slower than the plugin's timeout. Each case is one
// daemon with the gateway plugin and a healthy one; `health`, `status` and `gateway` must each answer one line naming
// the problem.
import t from 'tap'
import { fakeJsonEndpoint, fakeKong } from '@operator/test-support'
import gateway from '@operator/plugin-gateway'
import { formatDuration } from '../src/index.js'
import { PLUGIN_TIMEOUT_MS, runHttpMatrix, same, type Case, type FaultName } from './fixtures/faults.js'

const WAITED = formatDuration(PLUGIN_TIMEOUT_MS)

function casesFor (backend: string, refusedCredentials: string): Record<FaultName, Case> {
  return {
    refused: same(`${backend} unreachable (connection refused)`),
    hang: same(`${backend} timed out (no answer in ${WAITED})`),
    500: same(`${backend} answered HTTP 500`),
    401: same(`${backend} refused the credentials (HTTP 401): ${refusedCredentials}`),
    'malformed JSON': same(`${backend} sent a non-JSON answer`),
    'huge body': same(`${backend} sent an answer larger than 5120 KiB`),
    'slow body': same(`${backend} timed out (no answer in ${WAITED})`)
  }
}

t.test('gateway (kong): every Admin API fault answers health, status and gateway with one line naming it', async (t) => {
  const TOKEN = 'kong-admin-s3cret'
  const fake = await fakeKong({ adminToken: TOKEN })
  t.teardown(() => fake.close())
  await runHttpMatrix(t, {
    label: 'gateway (kong)',
    plugin: gateway,
    config: (url) => ({ type: 'kong', url, adminKey: TOKEN, timeoutMs: PLUGIN_TIMEOUT_MS }),
    system: 'gateway',
    command: 'gateway',
    commandName: 'gateway',
    secrets: [TOKEN]
  }, fake, casesFor('kong admin', 'check GATEWAY_ADMIN_KEY'))
})

t.test('gateway (custom): every JSON endpoint fault answers health, status and gateway with one line naming it', async (t) => {
  const PASSWORD = 'custom-pass-s3cret'
  const fake = await fakeJsonEndpoint({ stats: { rpm: 1200, err: 0.1 } }, { path: '/gw/stats' })
  t.teardown(() => fake.close())
  await runHttpMatrix(t, {
    label: 'gateway (custom)',
    plugin: gateway,
    config: (url) => ({
      type: 'custom',
      url: `${url.replace('http://', `http://ops:${PASSWORD}@`)}/gw/stats`,
      fields: { rpm: 'stats.rpm', errorRate: 'stats.err' },
      timeoutMs: PLUGIN_TIMEOUT_MS
    }),
    system: 'gateway',
    command: 'gateway',
    commandName: 'gateway',
    secrets: [PASSWORD, Buffer.from(`ops:${PASSWORD}`).toString('base64')]
  }, fake, casesFor('custom endpoint', 'check the credentials in GATEWAY_URL'))
})
