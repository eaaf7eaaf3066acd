import type { FastifyBaseLogger } from 'fastify'
import type { Redis } from 'ioredis'
import { oneLine } from '../dispatch/one-line.js'

/**
 * One ioredis client for all the state stores, imported only when Redis is configured (the memory default never
 * loads ioredis). It connects on first use, never at start-up. Outages are logged by the breaker (SharedState), once
 * when one starts and once when it ends; the client's own errors go to debug (without a listener ioredis prints every
 * reconnect attempt to stderr).
 */
export async function createRedisClient (url: string, log: Pick<FastifyBaseLogger, 'debug'>): Promise<Redis> {
  const { Redis } = await import('ioredis')
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2000,
    // Callers give up after their budget (STATE_BUDGET_MS); this only clears commands Redis never answered.
    commandTimeout: 2000,
    maxRetriesPerRequest: 1,
    enableAutoPipelining: true
  })
  client.on('error', (err: Error) => { log.debug({ err: oneLine(err) }, 'redis client error') })
  return client
}

export async function quitRedis (client: Redis): Promise<void> {
  if (client.status === 'wait' || client.status === 'end') {
    client.disconnect()
    return
  }
  try {
    await Promise.race([client.quit(), new Promise((resolve) => setTimeout(resolve, 500).unref())])
  } catch {}
  client.disconnect()
}
