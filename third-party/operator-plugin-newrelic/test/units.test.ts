import t from 'tap'
import { OperatorError } from '@operator/core'
import { withoutSourceName } from '../src/errors.js'
import { issueLine, issuesFormatter } from '../src/render.js'

t.test('withoutSourceName drops a leading newrelic only from this plugin\'s and the HTTP client\'s errors', async (t) => {
  t.equal(withoutSourceName(undefined), undefined)
  const usage = new OperatorError('OPR_ERR_COMMAND_USAGE', 'newrelic q <name> runs a named query')
  t.equal(withoutSourceName(usage), usage)
  const unreachable = new OperatorError('OPR_ERR_HTTP_UNREACHABLE', 'newrelic unreachable (connection refused)')
  t.match(withoutSourceName(unreachable), { code: 'OPR_ERR_HTTP_UNREACHABLE', message: 'unreachable (connection refused)', cause: unreachable })
  const plain = new Error('newrelic broke')
  t.equal(withoutSourceName(plain), plain)
})

t.test('a priority New Relic adds later sorts after the known ones', async (t) => {
  const now = Date.now()
  const issues = [
    { issueId: 'a', title: ['new kind'], priority: 'URGENT', state: 'ACTIVATED' },
    { issueId: 'b', title: ['known'], priority: 'LOW', state: 'ACTIVATED', createdAt: now - 3_600_000 }
  ]
  t.equal(issuesFormatter.format({ issues, more: false, windowHours: 24 }, { channel: 'sms', budget: 300 }), '2 open issues:\nLOW known 1h\nURGENT new kind')
  t.equal(issueLine({ issueId: 'c', title: ['x'.repeat(200)], priority: 'HIGH', state: 'ACTIVATED', entityNames: ['e'.repeat(100)] }, now).length, 120)
})
