import t from 'tap'
import { waitUntil } from '@operator/test-support'
import { AnswerOnce, textOfTwiml, type Work } from '../src/channels/sms/retries.js'
import { WORKING_TWIML, type Message } from '../src/channels/sms/reply-runner.js'
import { messageTwiml } from '../src/channels/sms/twiml.js'
import { captureLog } from './fixtures/log.js'
import { MemoryIdempotencyStore, PENDING, type IdempotencyClaim, type IdempotencyStore } from '../src/state/idempotency.js'

const message = (startedAt = performance.now()): Message => ({
  text: 'slow', sender: { id: '+14155550100', role: 'admin', channel: 'sms' }, whatsapp: false, startedAt, budget: undefined, receivedAt: Date.now(), sid: undefined, segments: 1
})

/** A stand-in for the ReplyRunner: what it ran and what it sent by SMS. */
function fakeRunner (deadlineMs = 300, answer = '<ran here/>') {
  const runs: string[] = []
  const sent: string[] = []
  return {
    runs,
    sent,
    deadlineMs,
    run: () => { runs.push('run'); return answer },
    deliver: async () => { runs.push('deliver'); sent.push('delivered result') },
    sendRecorded: async (_m: Message, text: string) => { sent.push(text) }
  }
}

function once (store: IdempotencyStore, runner = fakeRunner(), log = captureLog().log) {
  return new AnswerOnce({ store, runner, log, answerTtlMs: 60_000, leaseMs: 90, pollMs: 10, watchPollMs: 10, watchMaxMs: 2000 })
}

const plain = (f: () => string | Promise<string>): Work => () => f()

t.test('with the in-memory store a first answer comes back in the same tick and a retry gets it without running', async (t) => {
  const store = new MemoryIdempotencyStore()
  const answers = once(store)
  let runs = 0
  let retries = 0
  const first = answers.answer('SM1', message(), plain(() => `<a>${++runs}</a>`), () => { retries++ })
  t.equal(first, '<a>1</a>', 'a plain value, not a promise: nothing had to wait')
  t.equal(answers.answer('SM1', message(), plain(() => `<a>${++runs}</a>`), () => { retries++ }), '<a>1</a>')
  t.equal(runs, 1)
  t.equal(retries, 1)
  t.same(await store.peek('SM1'), { state: 'done', answer: '<a>1</a>' })
})

t.test('a retry while an asynchronous first run is in flight waits for it; the lease is renewed meanwhile', async (t) => {
  const store = new MemoryIdempotencyStore()
  const answers = once(store)
  let release: (v: string) => void = () => {}
  let runs = 0
  let retries = 0
  const first = answers.answer('SM2', message(), () => { runs++; return new Promise<string>((resolve) => { release = resolve }) }, () => { retries++ })
  const second = answers.answer('SM2', message(), plain(() => { runs++; return 'second run' }), () => { retries++ })
  t.ok(first instanceof Promise && second instanceof Promise)
  await new Promise((resolve) => setTimeout(resolve, 300))
  t.same(store.peek('SM2'), PENDING, 'still pending after three leases: its owner renews it')
  release('<slow/>')
  t.same(await Promise.all([first, second]), ['<slow/>', '<slow/>'])
  t.equal(runs, 1)
  t.equal(retries, 1)
  t.equal(answers.answer('SM2', message(), plain(() => 'third run'), () => {}), '<slow/>', 'recorded once the run ended')
})

t.test('an answer that follows by SMS keeps its claim until it is sent, then records "working on it"', async (t) => {
  const store = new MemoryIdempotencyStore()
  const answers = once(store)
  let sent: () => void = () => {}
  const delivered = new Promise<void>((resolve) => { sent = resolve })
  const first = await answers.answer('SM10', message(), async (onDeferred) => { onDeferred(delivered); return WORKING_TWIML }, () => {})
  t.equal(first, WORKING_TWIML)
  let retried = 0
  t.equal(answers.answer('SM10', message(), plain(() => t.fail('not again') as never), () => { retried++ }), WORKING_TWIML, 'a retry meanwhile repeats the promise at once')
  t.equal(retried, 1)
  await new Promise((resolve) => setTimeout(resolve, 200))
  t.same(store.peek('SM10'), PENDING, 'the lease is held while the result is on its way')
  sent()
  await new Promise((resolve) => setTimeout(resolve, 20))
  t.same(store.peek('SM10'), { state: 'done', answer: WORKING_TWIML })
})

/** A store whose every method fails the way a lost Redis does: synchronously or by rejecting. */
function brokenStore (how: 'throws' | 'rejects'): IdempotencyStore {
  const fail = (): never => { throw new Error('connection refused') }
  const failing = how === 'throws' ? fail : async (): Promise<never> => fail()
  return { claim: failing, renew: failing, complete: failing, peek: async () => fail() }
}

for (const how of ['throws', 'rejects'] as const) {
  t.test(`a store that ${how} on claim: the message is answered without retry protection, logged at debug only`, async (t) => {
    const { log, records } = captureLog('debug')
    const answers = once(brokenStore(how), fakeRunner(), log)
    t.equal(await answers.answer('SM3', message(), plain(() => '<ok/>'), () => t.fail('not a retry')), '<ok/>')
    t.equal(await answers.answer('SM3', message(), plain(() => '<ran again/>'), () => t.fail('not a retry')), '<ran again/>', 'nothing was recorded')
    t.same(records().map((l) => [l.level, l.msg]), Array(2).fill([20, 'sms: idempotency store unavailable; answering without retry protection']))
  })

  t.test(`a store that ${how} on complete: the answer still goes out`, async (t) => {
    const { log, records } = captureLog('debug')
    const store: IdempotencyStore = { ...brokenStore(how), claim: () => ({ state: 'claimed' }) }
    t.equal(await once(store, fakeRunner(), log).answer('SM4', message(), plain(() => '<ok/>'), () => {}), '<ok/>')
    t.same(records().map((l) => [l.level, l.msg]), [[20, 'sms: could not record the answer for retries']])
  })
}

t.test('another replica holds the claim: wait for its answer, or take the message over when its lease lapses', async (t) => {
  const seen: Array<IdempotencyClaim | undefined> = [PENDING, { state: 'done', answer: '<theirs/>' }]
  const store: IdempotencyStore = { claim: () => PENDING, renew: () => {}, complete: () => {}, peek: async () => seen.shift() }
  let retries = 0
  t.equal(await once(store).answer('SM5', message(), plain(() => t.fail('another replica runs it') as never), () => { retries++ }), '<theirs/>')
  t.equal(retries, 1)

  // The replica holding the claim stopped: its lease lapses, and this one claims the message and runs it.
  const claims: IdempotencyClaim[] = [PENDING, { state: 'claimed' }]
  const recorded: string[] = []
  const gone: IdempotencyStore = { claim: () => claims.shift()!, renew: () => {}, complete: (_k, answer) => { recorded.push(answer) }, peek: async () => undefined }
  const runner = fakeRunner()
  t.equal(await once(gone, runner).answer('SM6', message(), plain(() => t.fail('the limits were counted already') as never), () => {}), '<ran here/>',
    'a lapsed claim is taken over, not left unanswered')
  t.same(runner.runs, ['run'], 'run as a retry: straight to the runner, no limits')
  t.same(recorded, ['<ran here/>'], 'and its answer recorded for later retries')

  let calls = 0
  const lost: IdempotencyStore = {
    claim: () => { if (calls++ === 0) return PENDING; throw new Error('connection refused') },
    renew: () => {},
    complete: () => {},
    peek: async () => undefined
  }
  t.equal(await once(lost).answer('SM9', message(), plain(() => '<unused/>'), () => {}), '<ran here/>', 'the store went away too: answered anyway')
})

t.test('a retry that promised "working on it" keeps the promise: it sends the answer recorded later by SMS', async (t) => {
  const answers: Array<IdempotencyClaim | undefined> = [PENDING, PENDING, PENDING]
  const store: IdempotencyStore = {
    claim: () => PENDING,
    renew: () => {},
    complete: () => {},
    peek: async () => answers.length > 0 ? answers.shift() : { state: 'done', answer: messageTwiml('disk 91% & rising <fast>') }
  }
  const runner = fakeRunner(20)
  const answering = once(store, runner)
  t.equal(await answering.answer('SM7', message(), plain(() => t.fail('another replica runs it') as never), () => {}), WORKING_TWIML)
  t.same(runner.sent, [], 'nothing sent yet: the other replica has not answered')
  let retried = 0
  t.equal(answering.answer('SM7', message(), plain(() => t.fail('another replica runs it') as never), () => { retried++ }), WORKING_TWIML,
    'a further retry repeats the promise at once, without a second watch')
  t.equal(retried, 1)
  await waitUntil(async () => runner.sent.length > 0, { timeoutMs: 5000, what: 'the promised answer' })
  await answering.close()
  t.same(runner.sent, ['disk 91% & rising <fast>'], 'the recorded answer, as plain text, exactly')
  t.same(runner.runs, [], 'and nothing ran here')
})

t.test('a retry that promised "working on it" takes the message over when the lease lapses, runs it and sends it', async (t) => {
  let lapsed = false
  const recorded: string[] = []
  const store: IdempotencyStore = {
    claim: () => lapsed ? { state: 'claimed' } : PENDING,
    renew: () => {},
    complete: (_k, answer) => { recorded.push(answer) },
    peek: async () => lapsed ? undefined : PENDING
  }
  const runner = fakeRunner(20)
  const answering = once(store, runner)
  t.equal(await answering.answer('SM8', message(), plain(() => t.fail('not the first run') as never), () => {}), WORKING_TWIML)
  lapsed = true
  await waitUntil(async () => recorded.length > 0, { timeoutMs: 5000, what: 'the promised answer' })
  await answering.close()
  t.same(runner.runs, ['deliver'], 'ran here, to be sent by SMS')
  t.same(runner.sent, ['delivered result'])
  t.same(recorded, [WORKING_TWIML], 'what this webhook answered is recorded for later retries')

  const answered: IdempotencyStore = { claim: () => PENDING, renew: () => {}, complete: () => {}, peek: async () => ({ state: 'done', answer: WORKING_TWIML }) }
  const other = fakeRunner(0)
  const keeping = once(answered, other)
  t.equal(await keeping.answer('SM11', message(performance.now() - 1000), plain(() => '<unused/>'), () => {}), WORKING_TWIML,
    'no time left: the promise is made at once')
  await new Promise((resolve) => setTimeout(resolve, 100))
  await keeping.close()
  t.same(other.sent, [], '"working on it" recorded: whoever recorded it sent the answer already')
})

t.test('the wait for another replica counts the time the message has already taken', async (t) => {
  let peeks = 0
  const store: IdempotencyStore = { claim: () => PENDING, renew: () => {}, complete: () => {}, peek: async () => { peeks++; return PENDING } }
  const answering = once(store, fakeRunner(60_000))
  t.equal(await answering.answer('SM12', message(performance.now() - 60_000), plain(() => '<never/>'), () => {}), WORKING_TWIML)
  t.equal(peeks, 0, 'the reply deadline was spent before the wait began: no wait at all')
  await answering.close()
})

t.test('the text of a recorded answer is what the command said', async (t) => {
  for (const text of ['plain', 'a & b <c> "d" \'e\'', 'line 1\nline 2', '']) t.equal(textOfTwiml(messageTwiml(text)), text)
  t.equal(textOfTwiml('not twiml'), '')
})
