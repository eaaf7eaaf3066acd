// The floor for any Twilio webhook that checks signatures: the bare Fastify route plus one HMAC-SHA1 check of
// X-Twilio-Signature per request, written from Twilio's documentation (bench/lib.js), then the same constant TwiML.
// Operator cannot be faster than this and still verify what it answers; the gap to it is Operator's own work.
import Fastify from 'fastify'
import formbody from '@fastify/formbody'
import { timingSafeEqual } from 'node:crypto'
import { AUTH_TOKEN, PUBLIC_URL, serveBench, twilioSignature } from '../lib.js'

const TWIML = process.env.BENCH_TWIML
const app = Fastify({ logger: false })
await app.register(formbody)
app.post('/sms', async (request, reply) => {
  if (typeof request.body?.Body !== 'string') return reply.code(400).send()
  const given = Buffer.from(String(request.headers['x-twilio-signature'] ?? ''))
  const expected = Buffer.from(twilioSignature(AUTH_TOKEN, PUBLIC_URL + request.url, request.body))
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return reply.code(403).send()
  return reply.type('text/xml').send(TWIML)
})
await app.listen({ host: '127.0.0.1', port: 0 })
serveBench(app.server.address().port, () => app.close())
