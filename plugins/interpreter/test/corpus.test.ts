import t, { type Test } from 'tap'
import type { Sender } from '@operator/core'
import { corpusOperator, PAGING_FILE, readExamples, readNegatives, type Example } from './fixtures/corpus-support.js'
import type { TestOperator } from '@operator/core/testing'

// The corpus figure, through dispatch itself (the JSON channel: no pages): a text whose first word is a command runs
// as typed unless the command cannot take its words; any other text goes to the interpreter. The backends are dead
// loopback ports, so a command that runs fails at once; what counts is which command line ran. The figure is taken
// with paging configured (someone on call), as most teams run; the rows that do not need paging are read again
// without it, where `alerts` is Prometheus's alone.
const paged = await corpusOperator({ paging: true })
t.teardown(paged.close)
const unpaged = await corpusOperator()
t.teardown(unpaged.close)
const sender: Sender = { id: '+15550000000', role: 'admin', channel: 'json' }

/** The command line the text ran, `choose: <question>` when it asked, or undefined when nothing ran. */
async function ran (op: TestOperator, text: string): Promise<string | undefined> {
  const r = await op.dispatch(text, sender)
  if (r.interpreted !== undefined) return r.interpreted
  if (r.command !== undefined) return text.trim().split(/\s+/u).join(' ')
  if (r.code === 'OPR_ERR_COMMAND_UNCLEAR') return `choose: ${r.reply}`
  return undefined
}

/** Reads every example on one daemon: the share read exactly, with a comment per miss. */
async function exactShare (t: Test, op: TestOperator, examples: readonly Example[], label: string): Promise<number> {
  const misses: string[] = []
  for (const e of examples) {
    const got = await ran(op, e.text)
    if (got !== e.expected) misses.push(`${e.file}: '${e.text}' ran ${got === undefined ? 'nothing' : `'${got}'`}, expected '${e.expected}'`)
  }
  const exact = (examples.length - misses.length) / examples.length
  t.comment(`${label}: ${examples.length - misses.length} of ${examples.length} exact (${(exact * 100).toFixed(1)}%)`)
  for (const m of misses) t.comment(`miss: ${m}`)
  return exact
}

t.test('at least 300 phrasings, every first-party command among them, at least 95% read exactly', async (t) => {
  const examples = readExamples()
  t.ok(examples.length >= 300, `${examples.length} phrasings`)
  const registry = paged.op.app.operator.registry
  const commands = new Set(examples.map((e) => registry.commands.resolve(e.expected.split(' ')[0]!)?.name))
  for (const c of registry.commands.list()) t.ok(commands.has(c.name), `the corpus covers ${c.name}`)
  t.ok(registry.commands.resolve('oncall') !== undefined, 'paging is configured: core registers oncall')
  const exact = await exactShare(t, paged.op, examples, 'corpus')
  t.ok(exact >= 0.95, `${(exact * 100).toFixed(1)}% exact`)
})

t.test('without paging the same rows (but paging.tsv) still read at least 95% exactly', async (t) => {
  t.equal(unpaged.op.app.operator.registry.commands.resolve('oncall'), undefined, 'no one on call: no oncall')
  const exact = await exactShare(t, unpaged.op, readExamples().filter((e) => e.file !== PAGING_FILE), 'corpus without paging')
  t.ok(exact >= 0.95, `${(exact * 100).toFixed(1)}% exact`)
})

for (const [label, op] of [['with paging', paged.op], ['without paging', unpaged.op]] as const) {
  t.test(`at least 98% of 100 negatives run nothing, through dispatch itself (${label})`, async (t) => {
    const negatives = readNegatives()
    t.equal(negatives.length, 100)
    const running: string[] = []
    for (const text of negatives) {
      const r = await op.dispatch(text, { id: sender.id, role: 'admin', channel: 'sms' })
      if (r.command !== undefined) running.push(`'${text}' ran '${r.interpreted ?? text}'`)
    }
    const nothing = (negatives.length - running.length) / negatives.length
    t.comment(`negatives ${label}: ${negatives.length - running.length} of ${negatives.length} ran nothing (${(nothing * 100).toFixed(1)}%)`)
    for (const r of running) t.comment(`ran: ${r}`)
    t.ok(nothing >= 0.98, `${(nothing * 100).toFixed(1)}% ran nothing`)
  })
}

t.test('texts for commands still to come (ack, silence, resolve, oncall take) run nothing, paging or not', async (t) => {
  for (const e of readExamples(['pending.tsv'])) {
    t.equal(await ran(paged.op, e.text), undefined, `'${e.text}' waits for '${e.expected}' (with paging)`)
    t.equal(await ran(unpaged.op, e.text), undefined, `'${e.text}' waits for '${e.expected}' (without paging)`)
  }
})
