import type { FormFields } from './form.js'

/** Twilio's SID of an SMS (`SM`) or MMS (`MM`) message: the key a retried webhook is recognised by. */
export const MESSAGE_SID = /^(SM|MM)[0-9a-f]{32}$/

/**
 * Why a signed form is not one Twilio sent, or undefined when it is. Twilio signs names and values run together, so
 * the signed bytes of a captured request can be split again into other fields under the same signature: renaming
 * `MessageSid` + its value + `NumMedia` into one field with the value `0` drops the MessageSid, and the copy would run
 * again as a new message. Requiring the MessageSid (and the SIDs Twilio sends equal to it, and the account) pins a
 * replay to the first answer for that MessageSid.
 */
export function signedFormProblem (body: FormFields, accountSid: string): string | undefined {
  const sid = body.MessageSid
  if (sid === undefined) return 'a signed webhook must carry Twilio\'s MessageSid'
  if (typeof sid !== 'string') return 'MessageSid given more than once'
  if (!MESSAGE_SID.test(sid)) return 'MessageSid is not a Twilio message SID (SM or MM and 32 lower-case hex digits)'
  // Documented by Twilio as the same value as MessageSid, kept for older integrations.
  if (body.SmsSid !== undefined && body.SmsSid !== sid) return 'SmsSid differs from MessageSid'
  if (body.SmsMessageSid !== undefined && body.SmsMessageSid !== sid) return 'SmsMessageSid differs from MessageSid'
  if (accountSid !== '' && body.AccountSid !== accountSid) return 'AccountSid is not TWILIO_ACCOUNT_SID'
  return undefined
}
