import type { FastifyBaseLogger } from 'fastify'
import { Redis } from 'ioredis'

/**
 * One ioredis client for the state stores. It connects on first use (never at start-up) and fails a command quickly
 * when Redis is away instead of queueing it for ever: a lost idempotency record degrades one reply, not the daemon.
 * Connection errors go to `log` once per outage (without a listener ioredis prints every reconnect attempt to stderr).
 */
export function createRedisClient (url: string, log: Pick<FastifyBaseLogger, 'warn' | 'info'>): Redis {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2000,
    commandTimeout: 2000,
    maxRetriesPerRequest: 1,
    enableAutoPipelining: true
  })
  let down = false
  client.on('error', (err: Error) => {
    if (down) return
    down = true
    log.warn({ err: err.message }, 'redis: unreachable; state falls back per message until it is back')
  })
  client.on('ready', () => {
    if (!down) return
    down = false
    log.info('redis: connected again')
  })
  return client
}

export async function quitRedis (client: Redis): Promise<void> {
  if (client.status === 'wait' || client.status === 'end') {
    client.disconnect()
    return
  }
  try {
    await client.quit()
  } catch {
    client.disconnect()
  }
}
