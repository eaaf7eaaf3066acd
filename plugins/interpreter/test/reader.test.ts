import t from 'tap'
import type { CommandInfo, CommandPhrase, EntityVocabulary } from '@operator/core'
import { Reader } from '../src/reader.js'

function command (name: string, phrases: CommandPhrase[], entities: EntityVocabulary[] = [], aliases: string[] = []): CommandInfo {
  return { name, aliases, summary: name, usage: undefined, examples: [], role: 'viewer', shared: false, sources: ['test'], changes: false, phrases, entities }
}

const reader = new Reader({
  commands: [
    command('flux', [{ say: ['flux report'], run: 'flux' }]),
    command('flax', [
      // `{duration}` outside brackets: only with a duration; an unknown slot type or a say of no words never matches.
      { say: ['flax window'], run: 'flax {duration}' },
      { say: ['{colour} flax', '...'], run: 'flax {colour}' },
      { say: ['flax for {system}'], run: 'flax {system} {metric}' }
    ], [{ system: { ghost: ['phantom'], db: ['postgres'] } }]),
    command('db', [{ say: ['{system} summary'], run: 'db' }], [], ['database-cmd'])
  ],
  systems: ['db']
}, () => 0)

t.test('a mistyped first word close to two commands is no command', async (t) => {
  t.same(reader.interpret('flox report', 0), { kind: 'unclear', closest: ['flux'] }, 'not run: only offered, from the word report')
  t.same(reader.interpret('fluz thing', 0), { kind: 'run', command: 'flux thing', why: "'fluz' is a typo of the command 'flux'" })
})

t.test('a run that needs a value the text does not give is no reading', async (t) => {
  t.same(reader.interpret('flax window last hour', 0), { kind: 'run', command: 'flax 1h', why: "'flax window' of flax, 1.00" })
  t.equal(reader.explain('flax window', 0).candidates.find((c) => c.line.startsWith('flax ')), undefined, 'no duration: flax {duration} cannot run')
  t.notOk(reader.explain('red flax', 0).candidates.some((c) => c.line === 'flax red'), 'an unknown slot type never matches')
  t.equal(reader.explain('flax for postgres', 0).candidates.some((c) => c.line.startsWith('flax ')), false, 'a slot the say does not fill')
})

t.test('synonyms of a system nobody registered are left out', async (t) => {
  t.same(reader.interpret('postgres summary', 0), { kind: 'run', command: 'db', why: "'{system} summary' of db (system=db), 1.00" })
  t.equal(reader.explain('phantom summary', 0).interpretation?.kind, 'unclear')
})

t.test('a shared command taught the same words by two providers reads as one command, never a choice', async (t) => {
  // Core's paging `alerts` and Prometheus's both teach `what is firing`: host.commands() joins their phrases.
  const firing: CommandPhrase = { say: ['what is firing', 'any alerts'], run: 'alerts' }
  const shared = new Reader({
    commands: [{ ...command('alerts', [firing, firing, { say: ['open incidents'], run: 'alerts' }, { say: ['prometheus alerts'], run: 'alerts prometheus' }]), shared: true, sources: ['paging', 'prometheus'] }],
    systems: ['prometheus']
  }, () => 0)
  t.same(shared.interpret('whats firing', 0), { kind: 'run', command: 'alerts', why: "'what is firing' of alerts, 1.00" })
  t.same(shared.explain('whats firing', 0).candidates.map((c) => c.line), ['alerts'], 'one candidate per command line')
  t.same(shared.interpret('any open incidents', 0)?.kind, 'run')
  t.same(shared.interpret('prometheus alerts', 0), { kind: 'run', command: 'alerts prometheus', why: "'prometheus alerts' of alerts, 1.00" })
})
