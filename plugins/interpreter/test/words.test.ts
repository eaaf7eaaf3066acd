import t from 'tap'
import { wordsOf } from '../src/words.js'

t.test('words are lower case without punctuation, as typed alongside, and shorthand is spelled out', async (t) => {
  t.same(wordsOf("Who's on call?? "), [{ text: 'who', raw: 'who' }, { text: 'is', raw: 'is' }, { text: 'on', raw: 'on' }, { text: 'call', raw: 'call' }])
  t.same(wordsOf('is the DB ok...').map((w) => w.text), ['is', 'the', 'db', 'ok'])
  t.same(wordsOf('search “OOMKilled” since 2:30pm').map((w) => w.raw), ['search', 'OOMKilled', 'since', '2:30pm'])
  t.same(wordsOf('whats up w/ the api-gateway, u there').map((w) => w.text), ['what', 'is', 'up', 'with', 'the', 'api-gateway', 'you', 'there'])
  t.same(wordsOf('r u ok rn').map((w) => w.text), ['are', 'you', 'ok', 'right', 'now'])
  // `oncall` and `on-call` are the phrases' `on call`, so one phrase reads all three spellings.
  t.same(wordsOf('whos oncall, who is On-Call').map((w) => w.text), ['who', 'is', 'on', 'call', 'who', 'is', 'on', 'call'])
  t.same(wordsOf('--- ... ???'), [])
})
