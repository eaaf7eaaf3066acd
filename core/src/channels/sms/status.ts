import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify'
import { isLoopbackAddress } from '../../http/loopback.js'
import type { PagingEngine } from '../../paging/engine.js'
import type { Store } from '../../store/types.js'
import type { FormFields } from './form.js'
import type { SmsSettings } from './settings.js'
import { TwilioSignatureVerifier } from './signature.js'
import { TEXT_TYPE } from './admission.js'

const SID = /^(SM|MM)[0-9a-f]{32}$/i
const STATUS = /^[a-z-]{2,20}$/

export interface DeliveryStatusParts {
  readonly settings: SmsSettings
  readonly paging: () => PagingEngine | undefined
  readonly store: () => Store | undefined
  readonly log: FastifyBaseLogger
}

function field (body: FormFields, ...names: string[]): string | undefined {
  for (const name of names) {
    const v = body[name]
    if (typeof v === 'string' && v !== '') return v
  }
  return undefined
}

/**
 * `POST /sms/status`: Twilio's status callback for the texts Operator sent, signed like the inbound webhook (or, with
 * signatures off, from loopback only). The status goes on the outbox row and the history row; a page that was not
 * delivered escalates at once. 503 while the store is unavailable.
 */
export function deliveryStatusHandler (parts: DeliveryStatusParts): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  const { settings, log } = parts
  const verifier = settings.verify === 'signed' ? new TwilioSignatureVerifier(settings.authToken) : undefined
  return async (request, reply) => {
    const body = (request.body ?? {}) as FormFields
    if (verifier !== undefined) {
      const url = settings.publicUrl !== '' ? settings.publicUrl + request.url : `${request.protocol}://${request.host}${request.url}`
      const signature = request.headers['x-twilio-signature']
      if (typeof signature !== 'string' || !verifier.verify(url, body, signature)) {
        log.warn({ audit: true, outcome: 'forged', route: 'status' }, 'sms: a status callback with a missing or wrong signature was refused')
        await reply.code(403).send()
        return
      }
    } else if (!isLoopbackAddress(request.socket.remoteAddress)) {
      await reply.code(403).type(TEXT_TYPE).send('unsigned status callbacks are accepted only directly from this machine')
      return
    }
    const sid = field(body, 'MessageSid', 'SmsSid')
    const status = field(body, 'MessageStatus', 'SmsStatus')
    if (sid === undefined || !SID.test(sid) || status === undefined || !STATUS.test(status)) {
      await reply.code(400).type(TEXT_TYPE).send('expected Twilio\'s status callback fields MessageSid and MessageStatus')
      return
    }
    const code = field(body, 'ErrorCode')
    const errorCode = code !== undefined && /^\d{1,6}$/.test(code) ? Number(code) : null
    try {
      const paging = parts.paging()
      if (paging !== undefined) await paging.onDeliveryStatus(sid, status.toLowerCase(), errorCode)
      else await parts.store()?.messages.updateDeliveryStatus(sid, status.toLowerCase())
    } catch (err) {
      log.warn({ sid, status, err: (err as Error).message.split('\n')[0] }, 'sms: a status callback could not be recorded')
      await reply.code(503).type(TEXT_TYPE).send('the store is unavailable; try again')
      return
    }
    log.info({ sid, status, errorCode }, 'sms: delivery status')
    await reply.code(204).send()
  }
}
