import { definePlugin, webhookAuth, type HttpClient } from '@operator/core'
import { configEnv, configSchema, type AlertmanagerConfig } from './config.js'
import { parseWebhook } from './payload.js'
import { silenceActions } from './silences.js'

export type { AlertmanagerConfig } from './config.js'
export { parseWebhook } from './payload.js'

// Alertmanager sends every alert of a group in one post; max_alerts unset means thousands are possible.
const BODY_LIMIT = 8 * 1024 * 1024

/**
 * `POST /alerts/alertmanager`: Alertmanager's webhook receiver. 2xx only once the alerts are stored; 400 for a
 * malformed body (not retried); 503 while the store is unavailable (retried by Alertmanager); 401 without the
 * configured bearer token or basic credentials (loopback is exempt in development only).
 */
export default definePlugin<AlertmanagerConfig>({
  name: 'alertmanager',
  version: '0.1.0',
  description: 'Alerts from Alertmanager (webhook v4) become pages; silences go back through its API',
  configSchema,
  env: configEnv,
  register (op, config) {
    let http: HttpClient | undefined
    const client = (): HttpClient => {
      http ??= op.http(config.url!, { name: 'alertmanager', headersTimeoutMs: config.timeoutMs, bodyTimeoutMs: config.timeoutMs })
      return http
    }
    const ingest = op.alertSource(config.url === undefined ? {} : { actions: silenceActions(client, config.timeoutMs) })
    const authorised = webhookAuth({ token: config.token, username: config.username, password: config.password, allowLoopback: config.nodeEnv === 'development' })
    if (config.token === undefined && config.username === undefined) {
      op.log.warn('alertmanager: no ALERTMANAGER_WEBHOOK_TOKEN or credentials: POST /alerts/alertmanager takes posts from loopback in development only')
    }

    op.fastify.post('/alerts/alertmanager', { bodyLimit: BODY_LIMIT }, async (request, reply) => {
      const refused = authorised(request)
      if (refused !== undefined) {
        op.log.warn({ audit: true, outcome: 'unauthorised' }, `alertmanager: webhook refused: ${refused}`)
        return await reply.code(401).header('www-authenticate', 'Bearer').send({ error: refused })
      }
      try {
        const result = await ingest(parseWebhook(request.body))
        return await reply.code(200).send(result)
      } catch (err) {
        // 400: the body is wrong and retrying cannot help; anything else was a failure to store: 503, retry later.
        const e = err as { statusCode?: number, code?: string, message: string }
        return await reply.code(e.statusCode === 400 ? 400 : 503).send({ error: e.message, code: e.code })
      }
    })
  }
})
