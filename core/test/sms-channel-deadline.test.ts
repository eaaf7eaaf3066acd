import t from 'tap'
import { ReplyRunner, remainingMs, WORKING_TWIML, type Message } from '../src/channels/sms/reply-runner.js'
import type { OutboundSender } from '../src/channels/sms/outbound.js'
import { messageTwiml } from '../src/channels/sms/twiml.js'
import { Dispatcher, type DispatchResult } from '../src/dispatch/dispatcher.js'
import { Registry } from '../src/registry/index.js'
import type { PageStore } from '../src/state/pages.js'
import { StateBudget } from '../src/state/budget.js'
import { captureLog } from './fixtures/log.js'
import { SmsHistory } from '../src/channels/sms/history.js'
import { NO_HISTORY } from '../src/history/writer.js'

const sender = { id: '+14155550100', role: 'admin' as const, channel: 'sms' as const }
const message = (startedAt: number): Message => ({ text: 'slow', sender, whatsapp: false, startedAt, budget: undefined, receivedAt: Date.now(), sid: undefined, segments: 1 })

function runnerWith (answer: () => Promise<DispatchResult>, deadlineMs: number) {
  const sent: string[] = []
  const outbound = { send: async (_to: string, body: string) => { sent.push(body); return { ok: true, sid: 'SM1', attempts: 1 } } } as unknown as OutboundSender
  const dispatcher = { answer } as unknown as Dispatcher
  return { runner: new ReplyRunner({ dispatcher, outbound, log: captureLog().log, replyDeadlineMs: deadlineMs, history: new SmsHistory(NO_HISTORY) }), sent }
}

const result = (reply: string): DispatchResult => ({ reply, pages: 1, segments: 1, outcome: 'answered', command: 'slow', plugin: 'p', code: undefined })

t.test('the reply deadline counts the time already spent on the message', async (t) => {
  t.equal(remainingMs(8000, 1000, 1300), 7700, '300 ms spent (limits, state) leave 7.7 s of 8')
  t.equal(remainingMs(8000, 1000, 10_000), 0, 'never negative')

  let release: () => void = () => {}
  const gate = new Promise<void>((resolve) => { release = resolve })
  const { runner, sent } = runnerWith(async () => { await gate; return result('late but right') }, 60_000)
  let deferred: Promise<void> | undefined
  // The message arrived a minute ago (a long wait on another replica, say): nothing of the deadline is left.
  const answer = await runner.run(message(performance.now() - 60_000), (d) => { deferred = d })
  t.equal(answer, WORKING_TWIML, 'answered "working on it" at once, not after another full deadline')
  t.ok(deferred, 'and told the caller the answer follows')
  release()
  await deferred
  t.same(sent, ['late but right'], 'the result followed by SMS')

  const fresh = runnerWith(async () => result('in time'), 60_000)
  t.equal(await fresh.runner.run(message(performance.now())), messageTwiml('in time'), 'a fresh message has the whole deadline')
})

t.test('deliver() runs a message with no reply deadline and sends its answer', async (t) => {
  const { runner, sent } = runnerWith(async () => result('the answer'), 1)
  await runner.deliver(message(performance.now() - 60_000))
  t.same(sent, ['the answer'])
  await runner.sendRecorded(message(0), 'recorded elsewhere')
  t.same(sent, ['the answer', 'recorded elsewhere'])
  await runner.close()
})

t.test('`more` when the page store fails: one plain line, the library\'s text only at debug', async (t) => {
  const registry = new Registry()
  const { log, records } = captureLog('debug')
  let dispatcher: Dispatcher | undefined
  registry.addCommand('builtin', { name: 'more', summary: 'next page', run: async (ctx) => (await dispatcher!.nextPage(ctx.sender)) ?? 'Nothing more to show.' })
  registry.addCommand('builtin', { name: 'long', summary: 'long', run: () => Array.from({ length: 40 }, (_, i) => `row ${i + 1} ${'y'.repeat(25)}`).join('\n') })
  registry.freeze()
  const library = new Error('Reached the max retries per request limit (which is 1). Refer to "maxRetriesPerRequest" option for details.')
  const budgets: Array<StateBudget | undefined> = []
  const pages: PageStore = {
    save: async (_k, _p, _ttl, budget) => { budgets.push(budget); throw library },
    next: async (_k, budget) => { budgets.push(budget); throw library }
  }
  dispatcher = new Dispatcher({ registry, pages, log, commandDeadlineMs: 1000, maxSegments: 3 })
  const budget = new StateBudget(300)
  const more = await dispatcher.answer('more', sender, undefined, budget)
  t.equal(more.reply, 'Pages are unavailable right now; try again in a minute.')
  t.equal(more.code, 'OPR_ERR_PAGES_UNAVAILABLE')
  const long = await dispatcher.answer('long', sender, undefined, budget)
  t.match(long.reply, /^row 1 /, 'a failed save still sends the first page')
  t.same(budgets, [budget, budget], 'both calls spent the message\'s own state budget')
  t.same(records().filter((l) => (l.level as number) >= 40), [], 'no warning per message')
  t.ok(records().some((l) => l.level === 20 && String(l.err).includes('maxRetriesPerRequest')), 'the library\'s text is in a debug line')
})
