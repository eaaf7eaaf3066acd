import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { parseForm } from './form.js'
import { OutboundSender } from './outbound.js'
import { createRateLimits } from './rate-limit.js'
import { smsSettings } from './settings.js'
import { SmsWebhook } from './webhook.js'
import { deliveryStatusHandler } from './status.js'

/**
 * The Twilio channel: `POST /sms`. Encapsulated, so its form parser (the only content type it takes), error handler,
 * and error handler stay its own. Settings are checked here, at start-up.
 */
async function smsChannelPlugin (app: FastifyInstance): Promise<void> {
  const core = app.operator
  const settings = smsSettings(core.env, core.rawEnv, core.configFile)
  const log = app.log.child({ part: 'sms' })
  for (const note of settings.notes) log[note.level](note.msg)

  // The daemon's one state: idempotency records here, pages in dispatch, rate limits on the same Redis connection and
  // breaker (core closes it after this channel has closed).
  const { idempotency: store, shared: state } = core.state
  const outbound = new OutboundSender(settings.outbound, log)
  const limits = createRateLimits({ perSender: settings.perSenderLimit, global: settings.globalLimit, windowMs: settings.windowMs, state })
  const webhook = new SmsWebhook({ settings, dispatcher: core.dispatcher, store, limits, outbound, log, state, history: core.history })

  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, parseForm)
  app.setErrorHandler(webhook.onError)
  app.post('/sms', webhook.handler)
  app.post('/sms/status', deliveryStatusHandler({ settings, paging: () => core.paging, store: () => core.store, log }))

  app.addHook('onClose', async () => {
    await webhook.close()
  })
}

export const smsChannel = fp(smsChannelPlugin, {
  name: '@operator/sms-channel',
  fastify: '5.x',
  dependencies: ['@operator/core'],
  encapsulate: true
})
