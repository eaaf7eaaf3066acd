import t from 'tap'
import { createRequire } from 'node:module'
import { buildApp, definePlugin } from '../src/index.js'

const require = createRequire(import.meta.url)
const loaded = (pkg: string): boolean => Object.keys(require.cache).some((k) => k.includes(`/node_modules/${pkg}/`))

// The daemon's own routes first: once a test has loaded the compilers they stay in this process's module cache.
t.test('the daemon\'s own routes need no schema compiler', async (t) => {
  const app = await buildApp({ env: {}, config: { plugins: [] } })
  t.teardown(() => app.close())
  await app.ready()
  const res = await app.inject({ method: 'POST', url: '/sms', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'From=%2B15550000000&Body=help', remoteAddress: '127.0.0.1' })
  t.equal(res.statusCode, 200)
  t.notOk(loaded('@fastify/ajv-compiler'))
  t.notOk(loaded('@fastify/fast-json-stringify-compiler'))
})

t.test('a plugin route with a schema is validated and serialized by Fastify\'s own compilers, loaded on first use', async (t) => {
  const withRoute = definePlugin({
    name: 'with-route',
    register (op) {
      op.fastify.post('/typed', {
        schema: {
          body: { type: 'object', required: ['n'], properties: { n: { type: 'integer' } } },
          response: { 200: { type: 'object', properties: { n: { type: 'integer' } } } }
        }
      }, async (request) => ({ n: (request.body as { n: number }).n, secret: 'not in the schema' }))
    }
  })
  const app = await buildApp({ env: {}, config: { plugins: [{ package: 'commands-builtin', enabled: false }] }, plugins: [{ plugin: withRoute }] })
  t.teardown(() => app.close())
  t.notOk(loaded('@fastify/ajv-compiler'), 'not loaded while the app is built')
  await app.ready()
  t.ok(loaded('@fastify/ajv-compiler'), 'loaded once a route needed it')
  const ok = await app.inject({ method: 'POST', url: '/typed', payload: { n: '7' } })
  t.equal(ok.statusCode, 200)
  t.same(ok.json(), { n: 7 }, 'coerced by the validator, trimmed to the schema by the serializer')
  const bad = await app.inject({ method: 'POST', url: '/typed', payload: {} })
  t.equal(bad.statusCode, 400)
  t.match(bad.json(), { code: 'FST_ERR_VALIDATION', message: "body must have required property 'n'" })
})
