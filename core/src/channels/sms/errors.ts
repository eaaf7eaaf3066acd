import createError from '@fastify/error'

// The SMS channel's errors, created once with stable codes (core/src/errors.ts holds the daemon-wide ones).
// A 4xx here is what a caller that is not Twilio, or a broken request, gets back: one line saying what was wrong.

export const ERR_SMS_BAD_REQUEST = createError<'OPR_ERR_SMS_BAD_REQUEST', [string]>(
  'OPR_ERR_SMS_BAD_REQUEST', '%s', 400)
export const ERR_SMS_MEDIA_TYPE = createError<'OPR_ERR_SMS_MEDIA_TYPE', [string]>(
  'OPR_ERR_SMS_MEDIA_TYPE', '%s', 415)
export const ERR_SMS_FORBIDDEN = createError<'OPR_ERR_SMS_FORBIDDEN', [string]>(
  'OPR_ERR_SMS_FORBIDDEN', '%s', 403)
export const ERR_SMS_SEND = createError<'OPR_ERR_SMS_SEND', [string]>(
  'OPR_ERR_SMS_SEND', 'SMS not sent: %s', 502)
