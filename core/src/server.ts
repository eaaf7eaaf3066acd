import type { FastifyInstance } from 'fastify'

export interface ListenAddress {
  readonly host: string
  readonly port: number
}

/**
 * Where the daemon listens: HOST if set; otherwise loopback only while there is no TWILIO_AUTH_TOKEN (the embedded
 * default accepts unsigned webhooks, so it must not be reachable from outside), else every interface.
 */
export function listenAddress (env: { HOST: string; PORT: number; TWILIO_AUTH_TOKEN: string }): ListenAddress {
  const host = env.HOST !== '' ? env.HOST : env.TWILIO_AUTH_TOKEN === '' ? '127.0.0.1' : '0.0.0.0'
  return { host, port: env.PORT }
}

/**
 * Stops on SIGTERM/SIGINT: stop accepting, close the connections that owe no answer (idle, or a request still
 * arriving: buildApp's preClose hook), let requests received whole finish within the grace period, then exit 0
 * (or 1 if the grace period ran out).
 */
export function handleSignals (app: FastifyInstance, graceMs: number, exit: (code: number) => void = (c) => process.exit(c)): void {
  let stopping = false
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return
    stopping = true
    app.log.info({ signal, graceMs }, 'shutting down: no new requests, finishing in-flight ones')
    const timer = setTimeout(() => {
      app.log.error({ graceMs }, 'grace period over, exiting with requests still in flight')
      exit(1)
    }, graceMs)
    timer.unref()
    app.close().then(() => {
      clearTimeout(timer)
      app.log.info('stopped')
      exit(0)
    }, (err: unknown) => {
      app.log.error({ err }, 'error while stopping')
      exit(1)
    })
  }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
}
