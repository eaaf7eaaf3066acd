// The SMS channel's public face inside core: the Fastify plugin for POST /sms and what the CLI reuses.
export { smsChannel } from './plugin.js'
export { OutboundSender, classifySendError, type OutboundSettings, type SendResult, type SendOptions } from './outbound.js'
export { normalizeNumber, maskNumber, isWhatsApp } from './numbers.js'
export { twilioSignature, verifyTwilioSignature } from './signature.js'
export { escapeXml, messageTwiml, EMPTY_TWIML } from './twiml.js'
export { parseAuthorizedNumbers } from './senders.js'
export { smsSettings, parseDuration, type SmsSettings } from './settings.js'
export { WORKING_TEXT, MAX_BODY_CHARS } from './webhook.js'
