import './fixtures/aws-env.js'
import { SECRET_ACCESS_KEY } from './fixtures/aws-env.js'
import t from 'tap'
import { buildApp } from '@operator/core'
import { fakeAws, fakeKong } from '@operator/test-support'
import plugin from '../src/index.js'

const TOKEN = 'kong-secret-token-7f3a'

t.test('neither the admin key nor AWS secrets reach replies or logs, whatever happens', async (t) => {
  const kong = await fakeKong({ adminToken: TOKEN })
  const aws = await fakeAws({ accessKeyId: 'AKIDSOMEONEELSE' })
  t.teardown(async () => { await kong.close(); await aws.close() })
  kong.seedUpstreamHealth('api-up', [{ target: '10.0.0.7:8080', health: 'UNHEALTHY' }])

  for (const [name, config] of [
    ['kong with the right key', { type: 'kong', url: kong.url, adminKey: TOKEN }],
    ['kong with a wrong key', { type: 'kong', url: kong.url, adminKey: `${TOKEN}-old` }],
    ['aws with refused credentials', { type: 'aws', apiName: 'shop', stage: 'prod', region: 'us-east-1', url: aws.url }]
  ] as const) {
    const lines: string[] = []
    const app = await buildApp({
      env: { COMMAND_DEADLINE_MS: '5000', HEALTH_DEADLINE_MS: '2000', LOG_LEVEL: 'trace' },
      config: { plugins: [] },
      plugins: [{ plugin, config }],
      logger: { level: 'trace', stream: { write: (line: string) => { lines.push(line) } } }
    })
    await app.ready()
    const replies: string[] = []
    for (const text of ['gateway', 'gateway status', 'gateway upstreams', 'health gateway', 'status']) {
      replies.push((await app.operator.dispatcher.dispatch(text, { id: 'test', role: 'admin', channel: 'sms' })).reply)
    }
    await app.close()
    const everything = [...replies, ...lines].join('\n')
    t.ok(lines.length > 0, `${name}: something was logged`)
    t.notMatch(everything, TOKEN, `${name}: no admin key`)
    t.notMatch(everything, SECRET_ACCESS_KEY, `${name}: no AWS secret key`)
  }
})
