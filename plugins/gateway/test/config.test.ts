import t from 'tap'
import { createTestOperator } from '@operator/core/testing'
import plugin from '../src/index.js'
import { parsePath, resolvePath } from '../src/json-path.js'

async function startError (config: Record<string, unknown>): Promise<string> {
  try {
    const op = await createTestOperator({ plugins: [{ plugin, config }] })
    await op.close()
    return 'started'
  } catch (err) {
    return (err as Error).message
  }
}

t.test('start-up names the missing or bad setting and its environment variable', async (t) => {
  t.match(await startError({}), /'type' is required \(set GATEWAY_TYPE\)/)
  t.match(await startError({ type: 'nginx' }), /'type' must be one of "kong", "aws", "custom"/)
  t.match(await startError({ type: 'kong' }), /'url' is required \(set GATEWAY_URL\)/)
  t.match(await startError({ type: 'custom', url: 'http://127.0.0.1:1/' }), /'fields' is required \(set GATEWAY_FIELDS\)/)
  t.match(await startError({ type: 'aws' }), /'stage' is required \(set GATEWAY_AWS_STAGE\)/)
  t.match(await startError({ type: 'aws', stage: 'prod' }), /'apiName' is required for type aws \(set GATEWAY_AWS_API_NAME/)
  t.match(await startError({ type: 'kong', url: 'ftp://kong:8001' }), /'url' must be an http\(s\) URL, got 'ftp:\/\/kong:8001'/)
  t.match(await startError({ type: 'kong', url: 'http://kong:8001', timeoutMs: 10 }), /'timeoutMs' must be at least 100, got 10/)
})

t.test('custom fields and thresholds are checked at start-up', async (t) => {
  const base = { type: 'custom', url: 'http://127.0.0.1:1/stats' }
  t.match(await startError({ ...base, fields: { qps: 'x' } }), /not a known setting|'fields\.qps' is not a known field/)
  t.match(await startError({ ...base, fields: '{"qps":"x"}' }), /'fields\.qps' is not a known field \(status, rpm, errorRate/)
  t.match(await startError({ ...base, fields: { rpm: 'a..b' } }), /'fields\.rpm' is not a JSON path like data\.stats\[0\]\.rpm/)
  t.match(await startError({ ...base, fields: '{rpm' }), /'fields' \(GATEWAY_FIELDS\) must be a JSON object/)
  t.match(await startError({ ...base, fields: '[1]' }), /'fields' must map field names to JSON paths/)
  t.match(await startError({ ...base, fields: { rpm: 'rpm' }, thresholds: '{"status":{"down":1}}' }), /'thresholds\.status' is not a numeric field/)
  t.match(await startError({ ...base, fields: { rpm: 'rpm' }, thresholds: '{"rpm":{"down":"low"}}' }), /'thresholds\.rpm' must be \{ "degraded": number, "down": number \}/)
  t.match(await startError({ ...base, fields: { rpm: 'rpm' }, thresholds: '7' }), /'thresholds' must map field names/)
  t.equal(await startError({ ...base, fields: { rpm: 'rpm' }, thresholds: {} }), 'started', 'no thresholds at all is allowed')
})

t.test('nothing connects at start-up', async (t) => {
  t.equal(await startError({ type: 'kong', url: 'http://127.0.0.1:1' }), 'started')
  t.equal(await startError({ type: 'aws', apiName: 'a', stage: 'prod' }), 'started')
})

t.test('json paths: names, indexes, negative indexes, $ prefix', async (t) => {
  const doc = { data: { stats: [{ rpm: 1 }, { rpm: 2 }], 'x-y': 0, nil: null } }
  const at = (p: string) => { const s = parsePath(p); return s === undefined ? 'bad path' : resolvePath(doc, s) }
  t.same(at('data.stats[0].rpm'), { found: true, value: 1 })
  t.same(at('$.data.stats[-1].rpm'), { found: true, value: 2 })
  t.same(at('data.x-y'), { found: true, value: 0 })
  t.same(at('data.nil'), { found: true, value: null })
  t.same(at('data.stats[2].rpm'), { found: false })
  t.same(at('data.stats[-3]'), { found: false })
  t.same(at('data.stats.rpm'), { found: false })
  t.same(at('data[0]'), { found: false })
  t.same(at('data.stats[0].rpm.deeper'), { found: false })
  t.same(at('data.toString'), { found: false }, 'no inherited properties')
  t.same(parsePath('$[1].a'), [1, 'a'])
  t.equal(at(''), 'bad path')
  t.equal(at('a..b'), 'bad path')
  t.equal(at('a[x]'), 'bad path')
})
