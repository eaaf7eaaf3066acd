import t from 'tap'
import { readFileSync } from 'node:fs'
import { createTestOperator } from '@operator/core/testing'
import { fakeNewRelic } from '@operator/test-support'
import plugin from '../src/index.js'
import { REGION_URLS } from '../src/index.js'
import { resolveSettings, type NewRelicConfig } from '../src/config.js'
import { API_KEY } from './fixtures/setup.js'

const base: NewRelicConfig = {
  apiKey: API_KEY, accountId: 1, region: 'us', timeoutMs: 8000, maxConcurrent: 8, windowMinutes: 5, issuesWindowHours: 168, queries: {}
}

t.test('the region picks the NerdGraph host; url overrides it', async (t) => {
  t.equal(resolveSettings(base).baseUrl, 'https://api.newrelic.com')
  t.equal(resolveSettings({ ...base, region: 'eu' }).baseUrl, 'https://api.eu.newrelic.com')
  t.equal(resolveSettings({ ...base, region: 'EU' }).region, 'eu')
  t.same(REGION_URLS, { us: 'https://api.newrelic.com', eu: 'https://api.eu.newrelic.com' })
  t.equal(resolveSettings({ ...base, url: 'http://proxy.internal:8080/nr/' }).baseUrl, 'http://proxy.internal:8080/nr')
  t.throws(() => resolveSettings({ ...base, url: 'http://[' }), { message: 'url (NEW_RELIC_URL) must be an http(s) URL such as https://api.newrelic.com' })
})

t.test('the documented environment variables configure the plugin', async (t) => {
  const fake = await fakeNewRelic({ apiKey: API_KEY, accountId: 555 })
  t.teardown(() => fake.close())
  const op = await createTestOperator({
    plugins: [{ plugin }],
    env: { NEW_RELIC_API_KEY: API_KEY, NEW_RELIC_ACCOUNT_ID: '555', NEW_RELIC_REGION: 'eu', NEW_RELIC_URL: fake.url, NEW_RELIC_TIMEOUT_MS: '2000' }
  })
  t.teardown(() => op.close())
  t.match(await op.exec('health newrelic'), /^newrelic ok key valid for account 555 \(Account 555, EU\)/)
  t.equal((fake.requestsTo('/graphql')[0]!.json as { variables: { accountId: unknown } }).variables.accountId, 555)
})

t.test('bad settings stop start-up with the key named and the API key never shown', async (t) => {
  const cases: Array<[Record<string, unknown>, Record<string, string>, RegExp]> = [
    [{}, { NEW_RELIC_API_KEY: API_KEY }, /accountId/],
    [{ accountId: 1 }, {}, /apiKey/],
    [{ apiKey: API_KEY, accountId: 1, region: 'asia' }, {}, /region/],
    [{ apiKey: API_KEY, accountId: 1, maxConcurrent: 26 }, {}, /maxConcurrent/],
    [{}, { NEW_RELIC_API_KEY: API_KEY, NEW_RELIC_ACCOUNT_ID: 'abc' }, /NEW_RELIC_ACCOUNT_ID/],
    [{ apiKey: API_KEY, accountId: 1, url: 'http://[' }, {}, /NEW_RELIC_URL/]
  ]
  for (const [config, env, message] of cases) {
    const err = await createTestOperator({ plugins: [{ plugin, config }], env }).then(async (op) => { await op.close(); return undefined }, (e: Error) => e)
    t.match(err?.message, message, JSON.stringify({ config, env }))
    t.notMatch(err?.message ?? '', API_KEY)
  }
})

t.test('package.json declares the plugin as the loader expects, commands in step with register()', async (t) => {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    name: string; keywords: string[]; operator: { pluginId: string; api: number; commands: string[] }; peerDependencies: Record<string, string>
    main: string; files: string[]
  }
  t.equal(manifest.name, 'operator-plugin-newrelic')
  t.ok(manifest.keywords.includes('operator-plugin'))
  t.equal(manifest.operator.pluginId, plugin.name)
  t.equal(manifest.operator.api, 1)
  t.match(manifest.peerDependencies, { '@operator/core': /^\^\d+\.\d+\.\d+$/ })
  t.same(manifest.files.sort(), ['README.md', 'dist'])
  const op = await createTestOperator({ plugins: [{ plugin, config: { apiKey: API_KEY, accountId: 1, url: 'http://127.0.0.1:9' } }] })
  t.teardown(() => op.close())
  t.match(await op.exec('help newrelic'), /\nAlso: nr\n/)
  t.match(await op.exec('help metrics'), /^metrics \[newrelic\]/)
  t.same(manifest.operator.commands.sort(), ['metrics', 'newrelic', 'nr'])
})
