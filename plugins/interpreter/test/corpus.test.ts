import t from 'tap'
import type { Sender } from '@operator/core'
import { corpusOperator, readExamples, readNegatives } from './fixtures/corpus-support.js'

// The corpus figure, through dispatch itself (the JSON channel: no pages): a text whose first word is a command runs
// as typed unless the command cannot take its words; any other text goes to the interpreter. The backends are dead
// loopback ports, so a command that runs fails at once; what counts is which command line ran.
const { op, close } = await corpusOperator()
t.teardown(close)
const registry = op.app.operator.registry
const sender: Sender = { id: '+15550000000', role: 'admin', channel: 'json' }

/** The command line the text ran, `choose: <question>` when it asked, or undefined when nothing ran. */
async function ran (text: string): Promise<string | undefined> {
  const r = await op.dispatch(text, sender)
  if (r.interpreted !== undefined) return r.interpreted
  if (r.command !== undefined) return text.trim().split(/\s+/u).join(' ')
  if (r.code === 'OPR_ERR_COMMAND_UNCLEAR') return `choose: ${r.reply}`
  return undefined
}

t.test('at least 300 phrasings, every first-party command among them, at least 95% read exactly', async (t) => {
  const examples = readExamples()
  t.ok(examples.length >= 300, `${examples.length} phrasings`)
  const commands = new Set(examples.map((e) => registry.commands.resolve(e.expected.split(' ')[0]!)?.name))
  for (const c of registry.commands.list()) t.ok(commands.has(c.name), `the corpus covers ${c.name}`)
  const misses: string[] = []
  for (const e of examples) {
    const got = await ran(e.text)
    if (got !== e.expected) misses.push(`${e.file}: '${e.text}' ran ${got === undefined ? 'nothing' : `'${got}'`}, expected '${e.expected}'`)
  }
  const exact = (examples.length - misses.length) / examples.length
  t.comment(`corpus: ${examples.length - misses.length} of ${examples.length} exact (${(exact * 100).toFixed(1)}%)`)
  for (const m of misses) t.comment(`miss: ${m}`)
  t.ok(exact >= 0.95, `${(exact * 100).toFixed(1)}% exact`)
})

t.test('at least 98% of 100 negatives run nothing, through dispatch itself', async (t) => {
  const negatives = readNegatives()
  t.equal(negatives.length, 100)
  const running: string[] = []
  for (const text of negatives) {
    const r = await op.dispatch(text, { id: sender.id, role: 'admin', channel: 'sms' })
    if (r.command !== undefined) running.push(`'${text}' ran '${r.interpreted ?? text}'`)
  }
  const nothing = (negatives.length - running.length) / negatives.length
  t.comment(`negatives: ${negatives.length - running.length} of ${negatives.length} ran nothing (${(nothing * 100).toFixed(1)}%)`)
  for (const r of running) t.comment(`ran: ${r}`)
  t.ok(nothing >= 0.98, `${(nothing * 100).toFixed(1)}% ran nothing`)
})

t.test('texts for commands still to come (oncall, ack, silence) run nothing today', async (t) => {
  for (const e of readExamples(['pending.tsv'])) {
    if (registry.commands.resolve(e.expected.split(' ')[0]!) !== undefined) continue
    t.equal(await ran(e.text), undefined, `'${e.text}' waits for '${e.expected}'`)
  }
})
