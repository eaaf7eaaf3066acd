// The framework's own ceiling: a bare Fastify route that parses the same form body and returns a constant TwiML.
import Fastify from 'fastify'
import formbody from '@fastify/formbody'
import { serveBench } from '../lib.js'

const TWIML = process.env.BENCH_TWIML
const app = Fastify({ logger: false })
await app.register(formbody)
app.post('/sms', async (request, reply) => {
  if (typeof request.body?.Body !== 'string') return reply.code(400).send()
  return reply.type('text/xml').send(TWIML)
})
await app.listen({ host: '127.0.0.1', port: 0 })
serveBench(app.server.address().port, () => app.close())
