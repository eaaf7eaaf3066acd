import { bootOrExit, startupMessage, EXIT_CONFIG } from './boot.js'
import { handleSignals, listenAddress } from '../server.js'
import { StdoutLog } from '../logging.js'
import { DaemonLogs } from '../log-sinks/index.js'

/** `operator start`: validate everything, listen, and stop gracefully on SIGTERM/SIGINT. */
export async function startCommand (): Promise<number> {
  // JSON logs go through a bounded buffer: a stdout nobody reads, or one that was closed, costs log lines, not the daemon.
  // LOG_FILE and the config file's transports join it in boot; each is flushed, bounded, on the way out.
  const logs = new DaemonLogs(new StdoutLog())
  const app = await bootOrExit({ logs })
  if (typeof app === 'number') {
    await logs.close()
    return app
  }
  // Every rule on the configuration ran while the app was built, exactly as for `operator config check`.
  const env = app.operator.env
  const { host, port } = listenAddress(env)
  try {
    await app.listen({ host, port })
  } catch (err) {
    process.stderr.write(`${startupMessage(err)}\n`)
    await app.close()
    await logs.close()
    return EXIT_CONFIG
  }
  if (env.TWILIO_AUTH_TOKEN === '' && env.HOST === '') {
    app.log.warn('no TWILIO_AUTH_TOKEN: embedded default, listening on 127.0.0.1 only')
  }
  // Keep a plugin's stray rejection from taking the daemon down; it is logged with what we know.
  process.on('unhandledRejection', (reason) => {
    app.log.error({ err: reason instanceof Error ? reason.message : String(reason) }, 'unhandled rejection (daemon keeps running)')
  })
  // The last lines ('stopped') get a bounded moment to reach stdout, the file and the transports; a stuck reader or a
  // log service that is gone cannot hold the exit.
  handleSignals(app, env.SHUTDOWN_GRACE_MS, (code) => { void logs.close().then(() => process.exit(code)) })
  return await new Promise<number>(() => {}) // runs until a signal exits the process
}
