import t from 'tap'
import { Writable } from 'node:stream'
import { pino } from 'pino'
import { loggerOptions } from '../src/logging.js'

function capture (): { stream: Writable; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = []
  const stream = new Writable({ write (chunk, _enc, done) { chunks.push(String(chunk)); done() } })
  return { stream, lines: () => chunks.join('').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) }
}

t.test('JSON logs blank out auth headers, signatures and secret-named fields', async (t) => {
  const { stream, lines } = capture()
  const options = loggerOptions({ format: 'json', level: 'info' }) as Parameters<typeof pino>[0]
  const log = pino(options, stream)
  log.info({ req: { headers: { authorization: 'Basic b3BzOnMzY3JldA==', 'x-twilio-signature': 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', 'dd-api-key': 'dd-secret', host: 'ops' } } }, 'request')
  log.info({ config: { authToken: 'tw-secret', password: 'pg-secret', apiKey: 'k1', token: 't1', url: 'http://x' } }, 'config')
  const [request, config] = lines()
  const headers = (request!.req as { headers: Record<string, string> }).headers
  t.equal(headers.authorization, '[redacted]')
  t.equal(headers['x-twilio-signature'], '[redacted]')
  t.equal(headers['dd-api-key'], '[redacted]')
  t.equal(headers.host, 'ops', 'other headers stay')
  t.same(config!.config, { authToken: '[redacted]', password: '[redacted]', apiKey: '[redacted]', token: '[redacted]', url: 'http://x' })
  t.notMatch(JSON.stringify(lines()), /secret|b3BzOnMzY3JldA|RSOYDt4T/)
})

t.test('readable in a terminal outside production, JSON in production or when asked', async (t) => {
  const pretty = loggerOptions({ nodeEnv: 'development', isTTY: true }) as { transport?: { target: string } }
  t.equal(pretty.transport?.target, 'pino-pretty')
  t.equal((loggerOptions({ nodeEnv: 'production', isTTY: true }) as { transport?: unknown }).transport, undefined)
  t.equal((loggerOptions({ nodeEnv: 'development', isTTY: false }) as { transport?: unknown }).transport, undefined, 'piped output is JSON')
  t.equal((loggerOptions({ format: 'json', isTTY: true }) as { transport?: unknown }).transport, undefined)
  t.equal((loggerOptions({ format: 'pretty', nodeEnv: 'production' }) as { transport?: { target: string } }).transport?.target, 'pino-pretty')
  t.equal((loggerOptions({}) as { level: string }).level, 'info')
})
