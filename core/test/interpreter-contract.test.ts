import t from 'tap'
import { Registry } from '../src/registry/registry.js'
import { MemoryChoiceStore } from '../src/state/choices.js'
import { createTestOperator } from '../src/testing/index.js'
import { definePlugin, type CommandSpec } from '../src/index.js'

const run = (): string => 'ok'

t.test('one interpreter per daemon: a second one, a malformed one or a late one is refused with a code', async (t) => {
  const registry = new Registry()
  t.throws(() => registry.setInterpreter('bad', {} as never), { code: 'OPR_ERR_REGISTRY_INVALID', message: /Plugin 'bad' registered an invalid entry: an interpreter needs an interpret\(\) function/ })
  const spec = { interpret: () => undefined }
  registry.setInterpreter('first', spec)
  t.equal(registry.interpreter, spec)
  t.throws(() => registry.setInterpreter('second', spec), { code: 'OPR_ERR_REGISTRY_CONFLICT', message: "the interpreter is registered by both plugin 'first' and plugin 'second'" })
  registry.freeze()
  t.throws(() => registry.setInterpreter('late', spec), { code: 'OPR_ERR_REGISTRY_FROZEN' })
})

t.test('a phrase must say something and run its own command', async (t) => {
  const registry = new Registry()
  const add = (phrases: unknown): void => registry.addCommand('p', { name: 'db', aliases: ['database'], summary: 's', run, phrases } as CommandSpec)
  t.throws(() => add('slow queries'), { code: 'OPR_ERR_REGISTRY_INVALID', message: /phrases of 'db' must be a list/ })
  t.throws(() => add([{ say: [], run: 'db' }]), { message: /a phrase of 'db' needs say: \['...'\]/ })
  t.throws(() => add([{ say: ['  '], run: 'db' }]), { message: /a phrase of 'db' needs say/ })
  t.throws(() => add([null]), { message: /a phrase of 'db' needs say/ })
  t.throws(() => add([{ say: ['is {system} ok'], run: 'health {system}' }]), { message: /phrase 'is \{system\} ok' of 'db' must run 'db \.\.\.', not 'health \{system\}'/ })
  t.throws(() => add([{ say: ['slow'] }]), { message: /must run 'db \.\.\.', not 'undefined'/ })
  add([{ say: ['slow queries'], run: 'db slow' }, { say: ['big'], run: 'DATABASE size' }])
  t.equal(registry.commands.resolve('db')?.providers[0]?.spec.phrases?.length, 2, 'its name or an alias, in any case')
})

t.test('help and the host show phrases, entities and whether a command changes state, from every provider', async (t) => {
  const a = definePlugin({
    name: 'a',
    register (op) {
      op.command({ name: 'metrics', shared: true, summary: 'm', run, phrases: [{ say: ['{metric}'], run: 'metrics {metric}' }], entities: { metric: { cpu: ['processor'] } } })
      op.command({ name: 'silence', summary: 's', changes: true, run })
    }
  })
  const b = definePlugin({ name: 'b', register (op) { op.command({ name: 'metrics', shared: true, summary: 'm', run, entities: { metric: { load: [] } } }) } })
  const op = await createTestOperator({ plugins: [{ plugin: a }, { plugin: b }] })
  t.teardown(() => op.close())
  const host = op.app.operator.host
  t.same(host.command('metrics'), {
    name: 'metrics', aliases: [], summary: 'm', usage: undefined, examples: [], role: 'viewer', shared: true, sources: ['a', 'b'],
    changes: false, phrases: [{ say: ['{metric}'], run: 'metrics {metric}' }], entities: [{ metric: { cpu: ['processor'] } }, { metric: { load: [] } }]
  })
  t.equal(host.command('silence')?.changes, true)
  t.same(host.command('help')?.phrases.length, 1, 'the built-ins teach their own phrases')
})

t.test('the memory choice store keeps one question per sender, forgets it once taken or expired, and is bounded', async (t) => {
  let now = 1000
  const store = new MemoryChoiceStore(2, () => now)
  await store.save('a', ['health db', 'db slow'], 100)
  await store.save('a', ['status', 'health'], 100)
  t.same(await store.take('a'), ['status', 'health'], 'a new question replaces the old')
  t.equal(await store.take('a'), undefined, 'taken once')
  await store.save('b', ['x', 'y'], 100)
  now += 100
  t.equal(await store.take('b'), undefined, 'expired')
  await store.save('c', ['1', '2'], 100)
  await store.save('d', ['1', '2'], 100)
  await store.save('e', ['1', '2'], 100)
  t.equal(await store.take('c'), undefined, 'the oldest goes when full')
  t.same(await store.take('e'), ['1', '2'])
})
