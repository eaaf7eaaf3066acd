import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { isLoopbackAddress } from '../http/loopback.js'

/** How an alert source's webhook proves who is posting (what Alertmanager's and Grafana's `http_config` can send). */
export interface WebhookAuthSettings {
  /** `Authorization: Bearer <token>`. */
  readonly token?: string | undefined
  /** `Authorization: Basic …` with these credentials. */
  readonly username?: string | undefined
  readonly password?: string | undefined
  /** Unauthenticated requests straight from this machine (no proxy headers) are let in: development only. */
  readonly allowLoopback: boolean
}

/** Why a request was refused (401), or undefined when it may post. */
export type WebhookAuthCheck = (request: FastifyRequest) => string | undefined

const FORWARDED = ['x-forwarded-for', 'forwarded', 'x-real-ip', 'x-forwarded-host']

// Hashing both sides first makes the comparison constant-time whatever the lengths.
function same (a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest())
}

/**
 * A check for an alert webhook: a bearer token or basic credentials when configured; without any, only loopback in
 * development. Secrets are compared in constant time and never echoed.
 */
export function webhookAuth (settings: WebhookAuthSettings): WebhookAuthCheck {
  const token = settings.token ?? ''
  const basic = (settings.username ?? '') !== '' ? `${settings.username!}:${settings.password ?? ''}` : ''
  return (request) => {
    const header = request.headers.authorization
    if (typeof header === 'string') {
      const space = header.indexOf(' ')
      const scheme = header.slice(0, space === -1 ? header.length : space).toLowerCase()
      const value = space === -1 ? '' : header.slice(space + 1).trim()
      if (scheme === 'bearer' && token !== '' && same(value, token)) return undefined
      if (scheme === 'basic' && basic !== '' && same(Buffer.from(value, 'base64').toString('utf8'), basic)) return undefined
      return 'the credentials do not match'
    }
    const direct = isLoopbackAddress(request.socket.remoteAddress) && FORWARDED.every((h) => request.headers[h] === undefined)
    if (settings.allowLoopback && direct) return undefined
    if (token === '' && basic === '') return 'no webhook token or credentials are configured, so only loopback in development may post'
    return 'credentials required (Authorization: Bearer or Basic)'
  }
}
