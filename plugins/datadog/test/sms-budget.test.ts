import t from 'tap'
import { countSegments } from '@operator/core'
import { points, setup } from './fixtures/setup.js'

const Q = 'avg:system.cpu.user{*}by{host}'

t.test('a hundred series fit a first reply of at most 3 SMS segments, highest first, then +N more that more sends', async (t) => {
  const series = Array.from({ length: 100 }, (_, i) => ({
    metric: 'system.cpu.user', scope: `host:web-${String(i).padStart(3, '0')}.prod.example.com,env:prod`, pointlist: points(i, i + 0.123)
  }))
  const { op } = await setup(t, {}, (f) => f.seedQuery(Q, series))
  const result = await op.dispatch(`metrics ${Q}`, { channel: 'sms' })
  t.equal(result.outcome, 'answered')
  t.ok(result.pages > 1, 'the rest waits for more')
  t.ok(countSegments(result.reply).segments <= 3, `within 3 segments (${countSegments(result.reply).segments})`)
  const lines = result.reply.split('\n')
  t.equal(lines[0], 'web-099.prod.example.com 99.1')
  t.equal(lines[1], 'web-098.prod.example.com 98.1')
  t.match(lines[lines.length - 1], /^\+\d+ more: text MORE$/)
  const shown = lines.length - 1
  t.equal(lines[lines.length - 1], `+${100 - shown} more: text MORE`, 'the count of what was left out')
  const next = await op.exec('more', { channel: 'sms' })
  t.match(next, new RegExp(`^web-${String(99 - shown).padStart(3, '0')}\\.prod\\.example\\.com `), 'more starts with the first series left out')
})

t.test('the named query list stays within 3 segments though queries are full of braces', async (t) => {
  const queries = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`q${i}`, `avg:app.metric${i}{env:prod,service:checkout}by{host,az}`]))
  const { op } = await setup(t, { queries })
  const result = await op.dispatch('metrics', { channel: 'sms' })
  t.ok(countSegments(result.reply).segments <= 3)
  t.match(result.reply, /^Named queries: cpu, disk, .*, q9, up\. Text metrics <name> \[over 1h\], or MORE for their queries\.$/)
  t.match(await op.exec('more', { channel: 'sms' }), /\nq0: avg:app\.metric0\{env:prod,service:checkout\}by\{host,az\}\n/)
})
