import t from 'tap'
import { AnswerOnce } from '../src/channels/sms/retries.js'
import { WORKING_TWIML } from '../src/channels/sms/reply-runner.js'
import { captureLog } from './fixtures/log.js'
import { MemoryIdempotencyStore, PENDING, type IdempotencyClaim, type IdempotencyStore } from '../src/state/idempotency.js'

function capture () {
  const { log, records } = captureLog()
  return { log, warnings: () => records().filter((l) => l.level === 40).map((l) => `${String(l.msg)}: ${String(l.err)}`) }
}

function once (store: IdempotencyStore, log = captureLog().log) {
  return new AnswerOnce({ store, log, answerTtlMs: 60_000, replyDeadlineMs: 300 })
}

t.test('with the in-memory store a first answer comes back in the same tick and a retry gets it without running', async (t) => {
  const store = new MemoryIdempotencyStore()
  const answers = once(store)
  let runs = 0
  let retries = 0
  const first = answers.answer('SM1', () => `<a>${++runs}</a>`, () => { retries++ })
  t.equal(first, '<a>1</a>', 'a plain value, not a promise: nothing had to wait')
  t.equal(answers.answer('SM1', () => `<a>${++runs}</a>`, () => { retries++ }), '<a>1</a>')
  t.equal(runs, 1)
  t.equal(retries, 1)
  t.same(await store.peek('SM1'), { state: 'done', answer: '<a>1</a>' })
})

t.test('a retry while an asynchronous first run is in flight waits for it', async (t) => {
  const answers = once(new MemoryIdempotencyStore())
  let release: (v: string) => void = () => {}
  let runs = 0
  let retries = 0
  const first = answers.answer('SM2', () => { runs++; return new Promise<string>((resolve) => { release = resolve }) }, () => { retries++ })
  const second = answers.answer('SM2', () => { runs++; return 'second run' }, () => { retries++ })
  t.ok(first instanceof Promise && second instanceof Promise)
  release('<slow/>')
  t.same(await Promise.all([first, second]), ['<slow/>', '<slow/>'])
  t.equal(runs, 1)
  t.equal(retries, 1)
  t.equal(answers.answer('SM2', () => 'third run', () => {}), '<slow/>', 'recorded once the run ended')
})

/** A store whose every method fails the way a lost Redis does: synchronously or by rejecting. */
function brokenStore (how: 'throws' | 'rejects'): IdempotencyStore {
  const fail = (): never => { throw new Error('connection refused') }
  const failing = how === 'throws' ? fail : async (): Promise<never> => fail()
  return { claim: failing, complete: failing, peek: async () => fail() }
}

for (const how of ['throws', 'rejects'] as const) {
  t.test(`a store that ${how} on claim: the message is answered without retry protection, and said so`, async (t) => {
    const { log, warnings } = capture()
    const answers = once(brokenStore(how), log)
    t.equal(await answers.answer('SM3', () => '<ok/>', () => t.fail('not a retry')), '<ok/>')
    t.equal(await answers.answer('SM3', () => '<ran again/>', () => t.fail('not a retry')), '<ran again/>', 'nothing was recorded')
    t.same(warnings(), Array(2).fill('sms: idempotency store unavailable; answering without retry protection: connection refused'))
  })

  t.test(`a store that ${how} on complete: the answer still goes out, and the lost record is logged`, async (t) => {
    const { log, warnings } = capture()
    const store: IdempotencyStore = { ...brokenStore(how), claim: () => ({ state: 'claimed' }) }
    const answers = once(store, log)
    t.equal(await answers.answer('SM4', () => '<ok/>', () => {}), '<ok/>')
    t.same(warnings(), ['sms: could not record the answer for retries: connection refused'])
  })
}

t.test('another replica holds the claim: wait for its answer through peek, or give up when the claim disappears', async (t) => {
  const seen: Array<IdempotencyClaim | undefined> = [PENDING, { state: 'done', answer: '<theirs/>' }]
  const store: IdempotencyStore = { claim: () => PENDING, complete: () => {}, peek: async () => seen.shift() }
  let retries = 0
  const answers = once(store)
  t.equal(await answers.answer('SM5', () => t.fail('another replica runs it') as never, () => { retries++ }), '<theirs/>')
  t.equal(retries, 1)

  // The replica holding the claim stopped: its pending claim disappears, and this one claims the message and runs it.
  const claims: IdempotencyClaim[] = [PENDING, { state: 'claimed' }]
  const recorded: string[] = []
  const gone: IdempotencyStore = { claim: () => claims.shift()!, complete: (_k, answer) => { recorded.push(answer) }, peek: async () => undefined }
  t.equal(await once(gone).answer('SM6', () => '<ran here/>', () => {}), '<ran here/>', 'a vanished claim is taken over, not left unanswered')
  t.same(recorded, ['<ran here/>'], 'and its answer recorded for later retries')

  const raced: IdempotencyStore = { claim: () => PENDING, complete: () => {}, peek: async () => undefined }
  t.equal(await once(raced).answer('SM8', () => t.fail('another replica took it over') as never, () => {}), WORKING_TWIML,
    'another replica took it over first: its answer will follow')

  let calls = 0
  const lost: IdempotencyStore = {
    claim: () => { if (calls++ === 0) return PENDING; throw new Error('connection refused') },
    complete: () => {},
    peek: async () => undefined
  }
  t.equal(await once(lost).answer('SM9', () => '<unprotected/>', () => {}), '<unprotected/>', 'the store went away too: answered anyway')
})

t.test('another replica that never answers: the wait ends after the reply deadline with "working on it"', async (t) => {
  let peeks = 0
  const store: IdempotencyStore = { claim: () => PENDING, complete: () => {}, peek: async () => { peeks++; return PENDING } }
  t.equal(await once(store).answer('SM7', () => '<never/>', () => {}), WORKING_TWIML)
  t.ok(peeks >= 1, `polled the store (${peeks} times)`)
})
