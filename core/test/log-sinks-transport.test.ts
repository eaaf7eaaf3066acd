// Issue 14 item 5: any pino transport named in `logging.transports` gets the daemon's lines (or only the audit ones),
// redacted exactly as stdout's; a target that is not installed is a start-up error naming it.
import t from 'tap'
import { mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildApp } from '../src/app.js'
import { loggerOptions, StdoutLog } from '../src/logging.js'
import { CURRENT_LINK, DaemonLogs, isAuditLine, resolveTransports } from '../src/log-sinks/index.js'
import { twilioSignature } from '../src/channels/sms/signature.js'
import { tcpLines } from './fixtures/tcp-lines.js'

const CORE_DIR = fileURLToPath(new URL('..', import.meta.url))
const TOKEN = 'sinks-test-token-42'
const ADMIN = '+14155550100'
const FIELDS = { AccountSid: 'AC' + '0'.repeat(32), MessageSid: 'SM' + 'a'.repeat(32), From: ADMIN, To: '+14155559999', Body: 'help' }

t.test('isAuditLine takes only a top-level "audit": true', async (t) => {
  t.ok(isAuditLine('{"level":30,"part":"sms","audit":true,"sender":"+1415***0100","msg":"sms"}\n'))
  t.notOk(isAuditLine('{"level":30,"msg":"incoming request"}\n'))
  t.notOk(isAuditLine('{"level":30,"nested":{"audit":true},"msg":"x"}\n'), 'a nested field is not the tag')
  t.notOk(isAuditLine('{"level":30,"msg":"Route GET:/\\"audit\\":true not found"}\n'), 'nor text that spells it')
  t.notOk(isAuditLine('{"audit":true,'), 'nor a broken line')
})

t.test('a target that is not installed is an error naming the entry and what to install; options take ${VAR}', async (t) => {
  const entry = { options: {}, level: undefined, only: undefined }
  t.throws(() => resolveTransports({ transports: [{ ...entry, target: 'pino-lokki' }] }, [CORE_DIR], {}), {
    code: 'OPR_ERR_LOG_TRANSPORT_MISSING',
    message: "logging.transports[0].target 'pino-lokki' is not installed: npm install pino-lokki"
  })
  t.throws(() => resolveTransports({ transports: [{ ...entry, target: 'pino-socket' }, { ...entry, target: '@acme/pino-x/sub' }] }, [CORE_DIR], {}),
    { message: "logging.transports[1].target '@acme/pino-x/sub' is not installed: npm install @acme/pino-x" })
  const [socket] = resolveTransports({ transports: [{ ...entry, target: 'pino-socket', options: { port: '${SINK_PORT}', address: '${SINK_HOST:-127.0.0.1}' }, only: 'audit' }] },
    ['/nonexistent', CORE_DIR], { SINK_PORT: '5170' })
  t.match(socket, { name: 'logging.transports[0]', target: 'pino-socket', options: { port: '5170', address: '127.0.0.1' }, only: 'audit' })
  t.match(socket!.path, /pino-socket/)
  t.throws(() => resolveTransports({ transports: [{ ...entry, target: 'pino-socket', options: { apiKey: '${DD_KEY}' } }] }, [CORE_DIR], {}),
    { code: 'OPR_ERR_CONFIG_ENV_REF', message: /logging\.transports\[0\]\.options config key apiKey uses \$\{DD_KEY\}/ })
})

t.test('the file and each transport get the same redacted lines: no token, auth header or full number in any sink', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'operator-sinks-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const everything = await tcpLines()
  const auditOnly = await tcpLines()
  t.teardown(async () => { await everything.close(); await auditOnly.close() })
  const stdoutFile = join(dir, 'stdout.jsonl')
  const logs = new DaemonLogs(new StdoutLog(openSync(stdoutFile, 'w')))
  const options = { address: '127.0.0.1', mode: 'tcp' }
  const transports = resolveTransports({
    transports: [
      { target: 'pino-socket', options: { ...options, port: '${ALL_PORT}' }, level: undefined, only: undefined },
      { target: 'pino-socket', options: { ...options, port: '${AUDIT_PORT}' }, level: 'info', only: 'audit' }
    ]
  }, [CORE_DIR], { ALL_PORT: String(everything.port), AUDIT_PORT: String(auditOnly.port) })
  await logs.open({ file: { file: join(dir, 'logs', 'operator.log'), size: '10m', keep: 2 }, transports }, 'info', false)

  const app = await buildApp({
    env: { TWILIO_AUTH_TOKEN: TOKEN, PUBLIC_URL: 'https://ops.example.com', AUTHORIZED_NUMBERS: `${ADMIN}:admin` },
    config: { plugins: [] },
    logger: loggerOptions({ format: 'json', level: 'info', stream: logs.stream })
  })
  logs.reportDropsTo(app.log)
  await app.ready()
  const url = '/sms?token=s3cr3t-query'
  const res = await app.inject({
    method: 'POST', url,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(TOKEN, `https://ops.example.com${url}`, FIELDS) },
    payload: new URLSearchParams(FIELDS).toString()
  })
  t.equal(res.statusCode, 200)
  app.log.info({
    req: { url, headers: { authorization: 'Bearer s3cr3t-bearer', 'x-twilio-signature': 's3cr3t-signature' } },
    authToken: 's3cr3t-token', config: { apiKey: 's3cr3t-key' }
  }, 'probe')
  await everything.waitFor(/"msg":"probe"/)
  await auditOnly.waitFor(/"audit":true/)
  await app.close()
  await logs.close()

  const file = readFileSync(join(dir, 'logs', CURRENT_LINK), 'utf8')
  const sinks = { stdout: readFileSync(stdoutFile, 'utf8'), file, transport: everything.lines.join('\n'), 'audit transport': auditOnly.lines.join('\n') }
  for (const [name, text] of Object.entries(sinks)) {
    t.notMatch(text, /s3cr3t/, `${name}: no secret, query value or header`)
    t.notOk(text.includes(ADMIN), `${name}: no full number`)
    t.match(text, /"sender":"\+1415\*\*\*0100"/, `${name}: the audit line with the masked number`)
  }
  for (const name of ['stdout', 'file', 'transport'] as const) {
    const probe = JSON.parse(sinks[name].split('\n').find((l) => l.includes('"msg":"probe"'))!) as Record<string, any>
    t.same(probe.req.headers, { authorization: '[redacted]', 'x-twilio-signature': '[redacted]' }, `${name}: auth headers redacted`)
    t.equal(probe.authToken, '[redacted]')
    t.equal(probe.config.apiKey, '[redacted]')
    t.equal(probe.req.url, '/sms')
  }
  t.same(readdirSync(join(dir, 'logs')).filter((f) => f !== CURRENT_LINK).length, 1, 'one file, not rotated')
  t.ok(auditOnly.lines.length >= 1 && auditOnly.lines.every(isAuditLine), 'the audit-only transport got audit lines and nothing else')
  t.ok(everything.lines.some((l) => l.includes('"msg":"incoming request"')), 'the other got every line')
  t.same(sinks.transport.split('\n'), sinks.file.trim().split('\n'), 'the transport got exactly the file\'s lines')
})
