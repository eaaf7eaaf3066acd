import t from 'tap'
import { createTestOperator } from '@operator/core/testing'
import { fakeDatadog } from '@operator/test-support'
import plugin, { apiBaseForSite } from '../src/index.js'
import { canonicalSite } from '../src/sites.js'
import { API_KEY, APP_KEY, points } from './fixtures/setup.js'

t.test('each Datadog site maps to its API host, by full or short name', async (t) => {
  const cases: Array<[string, string]> = [
    ['datadoghq.com', 'https://api.datadoghq.com'],
    ['us1', 'https://api.datadoghq.com'],
    ['app.datadoghq.com', 'https://api.datadoghq.com'],
    ['datadoghq.eu', 'https://api.datadoghq.eu'],
    ['EU', 'https://api.datadoghq.eu'],
    ['https://app.datadoghq.eu/', 'https://api.datadoghq.eu'],
    ['us3.datadoghq.com', 'https://api.us3.datadoghq.com'],
    ['us3', 'https://api.us3.datadoghq.com'],
    ['us5', 'https://api.us5.datadoghq.com'],
    ['ap1.datadoghq.com', 'https://api.ap1.datadoghq.com'],
    ['ap1', 'https://api.ap1.datadoghq.com'],
    ['ddog-gov.com', 'https://api.ddog-gov.com'],
    ['gov', 'https://api.ddog-gov.com']
  ]
  for (const [site, base] of cases) t.equal(apiBaseForSite(site), base, site)
  t.equal(canonicalSite('datadoghq.cn'), undefined)
})

t.test('an unknown site stops start-up with a message naming the setting and the known sites', async (t) => {
  await t.rejects(createTestOperator({ plugins: [{ plugin, config: { apiKey: API_KEY, site: 'datadoghq.cn' } }] }),
    { message: /datadog.*unknown Datadog site 'datadoghq\.cn' \(DATADOG_SITE\): use one of datadoghq\.com, .*datadoghq\.eu/ })
})

t.test('a missing API key stops start-up naming DATADOG_API_KEY', async (t) => {
  await t.rejects(createTestOperator({ plugins: [{ plugin, config: {} }] }),
    { message: /datadog.*apiKey.*DATADOG_API_KEY/ })
})

t.test('a url that is not http(s) stops start-up', async (t) => {
  await t.rejects(createTestOperator({ plugins: [{ plugin, config: { apiKey: API_KEY, url: 'ftp://example.com' } }] }),
    { message: "Plugin 'datadog' config key 'url' must be an http(s) URL, got 'ftp://example.com'" })
  await t.rejects(createTestOperator({ plugins: [{ plugin, config: { apiKey: API_KEY, url: 'not a url' } }] }),
    { message: "Plugin 'datadog' config key 'url' must be an http(s) URL, got 'not a url'" })
  await t.rejects(createTestOperator({ plugins: [{ plugin }], env: { DATADOG_API_KEY: API_KEY, DATADOG_URL: 'garbage' } }),
    { message: "DATADOG_URL must be an http(s) URL, got 'garbage' (plugin 'datadog', config key url)" })
  await t.rejects(createTestOperator({ plugins: [{ plugin, config: { apiKey: API_KEY, url: 'http://[' } }] }),
    { message: /url \(DATADOG_URL\) must be an http\(s\) URL such as https:\/\/api\.datadoghq\.com/ })
})

t.test('the documented environment variables configure the plugin', async (t) => {
  const fake = await fakeDatadog({ apiKey: API_KEY, appKey: APP_KEY })
  t.teardown(() => fake.close())
  fake.seedQuery('avg:system.cpu.user{*}by{host}', [{ metric: 'system.cpu.user', scope: 'host:web-1', pointlist: points(42) }])
  const op = await createTestOperator({
    // The first-party package would load because DATADOG_API_KEY is set; this test loads the source inline instead.
    config: { plugins: [{ package: 'datadog', enabled: false }] },
    plugins: [{ plugin }],
    env: { DATADOG_API_KEY: API_KEY, DATADOG_APP_KEY: APP_KEY, DATADOG_SITE: 'eu', DATADOG_URL: fake.url, DATADOG_TIMEOUT_MS: '2000' }
  })
  t.teardown(() => op.close())
  t.equal(await op.exec('metrics cpu'), 'web-1 42')
  t.match(await op.exec('health datadog'), /^datadog ok API key valid on datadoghq\.eu/)
  t.equal(fake.requests[0]!.headers['dd-application-key'], APP_KEY)
})
