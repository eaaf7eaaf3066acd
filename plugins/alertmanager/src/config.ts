import type { JsonSchema } from '@operator/core'

export type AlertmanagerConfig = {
  /** Bearer token Alertmanager's `http_config.authorization` sends. */
  readonly token?: string
  /** Basic credentials, for `http_config.basic_auth`. */
  readonly username?: string
  readonly password?: string
  /** Alertmanager's base URL, for silences (the reply side). */
  readonly url?: string
  /** NODE_ENV: unauthenticated posts from loopback are let in only in `development`. */
  readonly nodeEnv: string
  /** Cap on each request to Alertmanager's API, in ms. */
  readonly timeoutMs: number
}

export const configSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    token: { type: 'string', minLength: 16, expected: 'a token of at least 16 characters' },
    username: { type: 'string', minLength: 1 },
    password: { type: 'string', minLength: 8, expected: 'a password of at least 8 characters' },
    url: { type: 'string', pattern: '^https?://[^\\s]+$', expected: 'an http(s) URL' },
    nodeEnv: { type: 'string', default: 'development' },
    timeoutMs: { type: 'integer', minimum: 100, maximum: 60000, default: 5000 }
  },
  dependentRequired: { username: ['password'], password: ['username'] }
}

export const configEnv: Readonly<Record<string, string>> = {
  ALERTMANAGER_WEBHOOK_TOKEN: 'token',
  ALERTMANAGER_WEBHOOK_USERNAME: 'username',
  ALERTMANAGER_WEBHOOK_PASSWORD: 'password',
  ALERTMANAGER_URL: 'url',
  NODE_ENV: 'nodeEnv'
}
