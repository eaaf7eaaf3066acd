import { createHmac, randomBytes } from 'node:crypto';

/**
 * Twilio's `X-Twilio-Signature` for a form POST, written from its documentation: HMAC-SHA1 keyed by the auth token
 * over the full URL followed by each parameter's name and value, sorted by name, base64. Independent of core's
 * verifier, so a test signs as Twilio would.
 */
export function twilioSignature(authToken: string, url: string, params: Readonly<Record<string, string>>): string {
  const hmac = createHmac('sha1', authToken);
  hmac.update(url);
  for (const name of Object.keys(params).sort()) hmac.update(name + params[name]);
  return hmac.digest('base64');
}

/** A fresh MessageSid in Twilio's form: `SM` and 32 hex digits. */
export function messageSid(): string {
  return 'SM' + randomBytes(16).toString('hex');
}

export interface SignedSms {
  /** The form body to POST. */
  readonly payload: string;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * An inbound SMS as Twilio posts it to `url` (PUBLIC_URL + the webhook's path): the fields Twilio sends, a new
 * MessageSid, and the signature for them.
 */
export function signedSms(authToken: string, url: string, from: string, body: string, extra: Readonly<Record<string, string>> = {}): SignedSms {
  const sid = messageSid();
  const params: Record<string, string> = {
    AccountSid: 'AC' + '0'.repeat(32),
    MessageSid: sid,
    SmsMessageSid: sid,
    SmsSid: sid,
    From: from,
    To: '+14155559999',
    Body: body,
    NumMedia: '0',
    NumSegments: '1',
    ApiVersion: '2010-04-01',
    ...extra,
  };
  return {
    payload: new URLSearchParams(params).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(authToken, url, params) },
  };
}
