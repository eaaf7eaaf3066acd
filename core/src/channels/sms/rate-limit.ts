import type { FastifyInstance, FastifyRequest } from 'fastify'
import rateLimit from '@fastify/rate-limit'
import type { Redis } from 'ioredis'

export type Limiter = ReturnType<FastifyInstance['createRateLimit']>

export interface RateLimits {
  readonly perSender: Limiter
  readonly global: Limiter
}

/**
 * Per-sender and global limits with @fastify/rate-limit. Twilio's requests all come from Twilio's addresses, so the
 * key is the sender's normalised number (read from the verified form's From by `senderKey`), not the IP. `ban: 1`
 * tells the first request over the limit (a notice is sent) from the later ones (answered with nothing).
 * A store failure lets the message through: a Redis outage must not silence the on-call phone.
 */
export async function registerRateLimits (app: FastifyInstance, options: {
  perSender: number
  global: number
  windowMs: number
  senderKey: (request: FastifyRequest) => string
  redis: Redis | undefined
}): Promise<RateLimits> {
  await app.register(rateLimit, {
    global: false,
    skipOnError: true,
    ...(options.redis !== undefined ? { redis: options.redis, nameSpace: 'operator:sms:rl:' } : {})
  })
  return {
    perSender: app.createRateLimit({ max: options.perSender, timeWindow: options.windowMs, ban: 1, keyGenerator: options.senderKey }),
    global: app.createRateLimit({ max: options.global, timeWindow: options.windowMs, ban: 1, keyGenerator: globalKey })
  }
}

function globalKey (): string {
  return 'global'
}
