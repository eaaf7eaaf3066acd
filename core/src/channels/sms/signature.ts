import { createHmac, timingSafeEqual } from 'node:crypto'
import type { FormFields } from './form.js'

/**
 * Twilio's request signature: base64(HMAC-SHA1(auth token, the URL Twilio was configured with, followed by every
 * POST parameter's name and value, sorted by name)). One HMAC per request; `twilio.validateRequest` (which tries
 * several URL variants) is only the oracle in tests.
 */
export function twilioSignature (authToken: string, url: string, params: FormFields): string {
  return signatureDigest(authToken, url, params).toString('base64')
}

function signatureDigest (authToken: string, url: string, params: FormFields): Buffer {
  const hmac = createHmac('sha1', authToken)
  hmac.update(url)
  const names = Object.keys(params).sort()
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!
    const value = params[name]!
    if (typeof value === 'string') {
      hmac.update(name)
      hmac.update(value)
    } else {
      // A repeated field: Twilio signs each value, sorted, after the name.
      for (const v of [...value].sort()) {
        hmac.update(name)
        hmac.update(v)
      }
    }
  }
  return hmac.digest()
}

const SHA1_BYTES = 20

/** Whether `signature` (the X-Twilio-Signature header) signs `url` and `params`; compared in constant time. */
export function verifyTwilioSignature (authToken: string, url: string, params: FormFields, signature: string | undefined): boolean {
  if (signature === undefined || signature.length === 0 || signature.length > 64) return false
  const given = Buffer.from(signature, 'base64')
  if (given.length !== SHA1_BYTES) return false
  return timingSafeEqual(given, signatureDigest(authToken, url, params))
}
