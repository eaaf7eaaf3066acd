import t from 'tap'
import type { NewRelicIssueSeed } from '@operator/test-support'
import { setup } from './fixtures/setup.js'

// Ages in whole hours: the seconds that pass while a test runs do not show in `12h`.
const HOUR = 3_600_000

function issue (n: number, overrides: Partial<NewRelicIssueSeed> = {}): NewRelicIssueSeed {
  const createdAt = Date.now() - n * HOUR
  return { issueId: `i-${n}`, title: [`Problem ${n}`], priority: 'MEDIUM', state: 'ACTIVATED', createdAt, activatedAt: createdAt, ...overrides }
}

t.test('newrelic issues lists open (ACTIVATED) issues, worst priority first, with entities and age', async (t) => {
  const { fake, op } = await setup(t, {}, (f) => f.seedIssues([
    issue(3, { title: ['Error rate > 5% on checkout', 'second incident'], entityNames: ['checkout'] }),
    issue(12, { priority: 'CRITICAL', title: ['Signal lost on payments'], entityNames: ['payments', 'payments-worker', 'ledger'] }),
    issue(5, { state: 'CLOSED', title: ['Resolved earlier'] }),
    issue(7, { priority: 'LOW', title: [], activatedAt: undefined, issueId: 'no-title' })
  ]))
  t.equal(await op.exec('newrelic issues'), [
    '3 open issues:',
    'CRITICAL payments, payments-worker +1: Signal lost on payments 12h',
    'MEDIUM checkout: Error rate > 5% on checkout 3h',
    'LOW no-title 7h'
  ].join('\n'))
  const body = fake.requestsTo('/graphql')[0]!.json as { query: string; variables: { window: { startTime: number; endTime: number } } }
  t.match(body.query, /states: \[ACTIVATED\]/)
  t.equal(body.variables.window.endTime - body.variables.window.startTime, 168 * 3_600_000, 'a week back by default')
})

t.test('no open issues; one issue; an issue older than the default 24 hours is found through the time window', async (t) => {
  const { fake, op } = await setup(t, { issuesWindowHours: 72 })
  t.equal(await op.exec('newrelic issues'), 'No open New Relic issues (last 3d).')
  fake.seedIssues([issue(48, { priority: 'HIGH', title: ['Disk almost full'] })])
  t.equal(await op.exec('newrelic issues'), '1 open issue:\nHIGH Disk almost full 2d')
})

t.test('a page of issues with more behind it fits one SMS and says there are more', async (t) => {
  const { op } = await setup(t, {}, (f) => f.seedIssues(Array.from({ length: 40 }, (_, i) => issue(i + 1, { title: [`Latency above threshold on service number ${i + 1}`] }))))
  const reply = await op.exec('newrelic issues', { channel: 'sms' })
  t.match(reply, /^25\+ open issues:\nMEDIUM Latency above threshold on service number 1 1h\n/)
  t.match(reply, /\n\+\d+ more$/)
  t.ok(reply.length <= 480, `within the SMS budget (${reply.length} characters)`)
})
