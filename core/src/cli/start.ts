import { bootOrExit, startupMessage, EXIT_CONFIG } from './boot.js'
import { handleSignals, listenAddress, productionProblem } from '../server.js'

/** `operator start`: validate everything, listen, and stop gracefully on SIGTERM/SIGINT. */
export async function startCommand (): Promise<number> {
  const app = await bootOrExit()
  if (typeof app === 'number') return app
  const env = app.operator.env
  const problem = productionProblem(env)
  if (problem !== undefined) {
    process.stderr.write(`operator: refusing to start: ${problem} [OPR_ERR_CONFIG_INVALID]\n`)
    await app.close()
    return EXIT_CONFIG
  }
  const { host, port } = listenAddress(env)
  try {
    await app.listen({ host, port })
  } catch (err) {
    process.stderr.write(`${startupMessage(err)}\n`)
    await app.close()
    return EXIT_CONFIG
  }
  if (env.TWILIO_AUTH_TOKEN === '' && env.HOST === '') {
    app.log.warn('no TWILIO_AUTH_TOKEN: embedded default, listening on 127.0.0.1 only')
  }
  // Keep a plugin's stray rejection from taking the daemon down; it is logged with what we know.
  process.on('unhandledRejection', (reason) => {
    app.log.error({ err: reason instanceof Error ? reason.message : String(reason) }, 'unhandled rejection (daemon keeps running)')
  })
  handleSignals(app, env.SHUTDOWN_GRACE_MS)
  return await new Promise<number>(() => {}) // runs until a signal exits the process
}
