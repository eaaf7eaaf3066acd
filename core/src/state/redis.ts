import { Redis } from 'ioredis'

/**
 * One ioredis client for the state stores. It connects on first use (never at start-up) and fails a command quickly
 * when Redis is away instead of queueing it for ever: a lost idempotency record degrades one reply, not the daemon.
 */
export function createRedisClient (url: string): Redis {
  return new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2000,
    commandTimeout: 2000,
    maxRetriesPerRequest: 1,
    enableAutoPipelining: true
  })
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
