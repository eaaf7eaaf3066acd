// Bare Node for the start-up benchmark: node:http answering /readyz on HOST:PORT, no framework, no logger.
import { createServer } from 'node:http'

const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' })
  res.end('{"status":"ready"}')
})
server.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1')
process.once('SIGTERM', () => { server.close(() => process.exit(0)) })
