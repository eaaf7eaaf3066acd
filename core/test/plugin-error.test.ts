import t from 'tap'
import { OperatorError, definePlugin } from '../src/index.js'
import { createTestOperator } from '../src/testing/index.js'

class ExampleError extends OperatorError<'OPR_ERR_EXAMPLE_DOWN'> {}

t.test('a plugin error carries its code and class name, and reaches the phone as one line', async (t) => {
  const err = new ExampleError('OPR_ERR_EXAMPLE_DOWN', 'example unreachable (connection refused)')
  t.equal(err.code, 'OPR_ERR_EXAMPLE_DOWN')
  t.equal(err.name, 'ExampleError')
  t.ok(err instanceof Error)
  const op = await createTestOperator({
    plugins: [{ plugin: definePlugin({ name: 'example', register (o) { o.command({ name: 'probe', summary: 'fails', run: () => { throw err } }) } }) }]
  })
  t.teardown(() => op.close())
  t.match(await op.dispatch('probe'), { reply: 'probe: example unreachable (connection refused)', outcome: 'failed', code: 'OPR_ERR_EXAMPLE_DOWN' })
})
