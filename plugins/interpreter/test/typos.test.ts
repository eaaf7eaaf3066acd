import t from 'tap'
import { allowedTypos, typoDistance, Vocabulary } from '../src/typos.js'

t.test('distance counts a swap of neighbours as one typo and gives up past the limit', async (t) => {
  t.equal(typoDistance('status', 'status', 2), 0)
  t.equal(typoDistance('stauts', 'status', 2), 1)
  t.equal(typoDistance('helth', 'health', 2), 1)
  t.equal(typoDistance('replicaton', 'replication', 2), 1)
  t.equal(typoDistance('abc', 'xyz', 1), 2, 'max + 1 once every path is worse')
  t.equal(typoDistance('a', 'abcdef', 2), 3, 'lengths too far apart')
  t.same([allowedTypos(3), allowedTypos(5), allowedTypos(6)], [0, 1, 2])
})

t.test('a mistyped word becomes the one known word it is closest to', async (t) => {
  const v = new Vocabulary(['replication', 'queries', 'error', 'err', 'slow', 'show', 'locks', 'looks', 'upstreams', 'health', 'health'])
  t.equal(v.correct('slow'), 'slow', 'known')
  t.ok(v.has('health'))
  t.equal(v.correct('replicaton'), 'replication')
  t.equal(v.correct('querys'), 'queries')
  t.equal(v.correct('eror'), 'error', 'equally close to err and error: the longer word')
  t.equal(v.correct('lokcs'), 'locks')
  t.equal(v.correct('loks'), undefined, 'locks and looks: too close to call')
  t.equal(v.correct('slw'), undefined, 'three letters are too short to correct')
  t.equal(v.correct('ups1reams'), undefined, 'a word with a digit is a name or a number')
  t.equal(v.correct('xlow'), undefined, 'a short word keeps its first letter')
  t.equal(v.correct('pustreams'), 'upstreams', 'a long one may not')
  t.equal(v.correct('zzzzzz'), undefined)
  t.equal(v.correct('zzzzzz'), undefined, 'remembered')
  t.equal(v.correct('replicaton'), 'replication', 'remembered')
})

t.test('the memory of corrections is bounded', async (t) => {
  const v = new Vocabulary(['health'])
  for (let i = 0; i < 5001; i++) v.correct(`unknown${i}x`)
  t.equal(v.correct('helth'), 'health')
})
