import { definePlugin, webhookAuth, type IngestResult, type JsonSchema } from '@operator/core'
import { parseGeneric } from './payload.js'

export { parseGeneric } from './payload.js'

export type AlertWebhookConfig = {
  /** `Authorization: Bearer <token>` every post must carry. */
  readonly token?: string
  /** NODE_ENV: without a token, posts from loopback are taken only in `development`. */
  readonly nodeEnv: string
}

const configSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    token: { type: 'string', minLength: 16, expected: 'a token of at least 16 characters' },
    nodeEnv: { type: 'string', default: 'development' }
  }
}

/** `POST /alerts/webhook`: alerts from anything that can post JSON, in the small shape of README.md. */
export default definePlugin<AlertWebhookConfig>({
  name: 'alert-webhook',
  version: '0.1.0',
  description: 'Alerts from anything that can post JSON (POST /alerts/webhook)',
  configSchema,
  env: { ALERT_WEBHOOK_TOKEN: 'token', NODE_ENV: 'nodeEnv' },
  register (op, config) {
    const ingest = op.alertSource({ name: 'webhook' })
    const authorised = webhookAuth({ token: config.token, allowLoopback: config.nodeEnv === 'development' })
    op.fastify.post('/alerts/webhook', { bodyLimit: 1024 * 1024 }, async (request, reply) => {
      const refused = authorised(request)
      if (refused !== undefined) return await reply.code(401).header('www-authenticate', 'Bearer').send({ error: refused })
      try {
        const results: IngestResult[] = []
        for (const batch of parseGeneric(request.body, Date.now())) results.push(await ingest(batch))
        return {
          alerts: results.reduce((n, r) => n + r.alerts, 0),
          duplicates: results.filter((r) => r.duplicate).length,
          opened: results.reduce((n, r) => n + r.opened, 0),
          closed: results.reduce((n, r) => n + r.closed, 0)
        }
      } catch (err) {
        // A group stored before a failure is recognised when the sender posts again: nothing pages twice.
        const e = err as { statusCode?: number, code?: string, message: string }
        return await reply.code(e.statusCode === 400 ? 400 : 503).send({ error: e.message, code: e.code })
      }
    })
  }
})
