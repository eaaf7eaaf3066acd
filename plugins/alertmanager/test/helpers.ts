// Shared pieces of the end-to-end tests: the daemon built with this plugin enabled the way a user enables it (its
// environment variables), the fake Twilio API, and a TCP relay in front of PostgreSQL that a test can cut.
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, connect, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Test } from 'tap'
import { buildApp } from '@operator/core'
import { fakeTwilioApi, freePort, type FakeTwilioApi } from '@operator/test-support'
import type { FastifyInstance } from 'fastify'

export const ALICE = '+14155550100'
export const BOB = '+14155550101'
export const ADMIN = '+14155550199'
export const ACCOUNT = 'AC0123456789abcdef0123456789abcdef'
export const TWILIO_TOKEN = 'alertmanager-e2e-twilio-token'
export const WEBHOOK_TOKEN = 'alertmanager-e2e-webhook-token-0123'

export interface Daemon {
  readonly app: FastifyInstance
  readonly url: string
  readonly twilio: FakeTwilioApi
  /** HTTP statuses the webhook answered, in order. */
  readonly answers: number[]
}

export async function startDaemon (t: Test, extraEnv: Record<string, string> = {}): Promise<Daemon> {
  const dir = mkdtempSync(join(tmpdir(), 'operator-am-e2e-'))
  const twilio = await fakeTwilioApi({ accountSid: ACCOUNT, authToken: TWILIO_TOKEN })
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const app = await buildApp({
    cwd: dir,
    env: {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: url,
      OPERATOR_DATA_DIR: join(dir, 'data'),
      TWILIO_ACCOUNT_SID: ACCOUNT,
      TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
      TWILIO_FROM_NUMBER: '+15005550006',
      TWILIO_API_BASE_URL: twilio.url,
      AUTHORIZED_NUMBERS: `${ALICE}:responder,${BOB}:responder,${ADMIN}:admin`,
      ONCALL_NUMBERS: `${ALICE},${BOB}`,
      ALERTMANAGER_WEBHOOK_TOKEN: WEBHOOK_TOKEN,
      ...extraEnv
    }
  })
  const answers: number[] = []
  app.addHook('onResponse', async (request, reply) => {
    if (request.url === '/alerts/alertmanager') answers.push(reply.statusCode)
  })
  await app.listen({ host: '127.0.0.1', port })
  t.teardown(async () => {
    await app.close()
    await twilio.close()
    rmSync(dir, { recursive: true, force: true })
  })
  return { app, url, twilio, answers }
}

/** Polls until `check` returns something other than undefined. */
export async function eventually<T> (what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** A TCP relay to `target` that can be cut (every connection dropped, new ones refused) and restored on the same port. */
export class Relay {
  #server: Server | undefined
  readonly #sockets = new Set<Socket>()
  constructor (readonly port: number, private readonly target: { host: string, port: number }) {}

  async open (): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host)
      for (const s of [client, upstream]) {
        this.#sockets.add(s)
        s.on('close', () => this.#sockets.delete(s))
        s.on('error', () => { client.destroy(); upstream.destroy() })
      }
      client.pipe(upstream).pipe(client)
    })
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve))
    this.#server = server
  }

  async cut (): Promise<void> {
    const server = this.#server
    this.#server = undefined
    for (const s of this.#sockets) s.destroy()
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}
