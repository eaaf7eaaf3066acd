// The Fastify hello-world the start-up benchmark measures Operator against: one route, pino at the daemon's level,
// listening on HOST:PORT like `operator start`. Nothing else: the floor a Fastify daemon cannot go below.
import Fastify from 'fastify'

const app = Fastify({ logger: { level: process.env.LOG_LEVEL ?? 'info' } })
app.get('/readyz', async () => ({ status: 'ready' }))
await app.listen({ host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT) })
process.once('SIGTERM', () => { app.close().then(() => process.exit(0), () => process.exit(1)) })
