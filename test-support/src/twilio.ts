import { createHmac, randomBytes } from 'node:crypto';
import { basicCredentials } from './auth.js';
import { FakeHttpServer, type FakeReply, type RecordedRequest } from './fake-server.js';

export interface FakeTwilioOptions {
  /** Must start with `AC`. */
  accountSid: string;
  authToken: string;
}

/** A message the fake accepted (201), as the test wants to see it. */
export interface SentMessage {
  sid: string;
  accountSid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  statusCallback: string | null;
  numSegments: number;
}

/** Error answers a test can script for the next N sends. */
export type TwilioErrorKind = 'invalid-to' | 'not-mobile' | 'opted-out' | 'region' | 'auth' | 'rate-limit' | 'server';

const MESSAGES_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;
const MAX_BODY = 1600;
const E164 = /^(whatsapp:)?\+[1-9]\d{6,14}$/;
// GSM 03.38 basic set and the extension characters that cost two septets.
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENDED = '^{}\\[~]|€\f';

function twilioError(status: number, code: number, message: string): FakeReply {
  return {
    status,
    body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
  };
}

/** Segments as Twilio counts them: GSM-7 160/153 septets, else UCS-2 70/67 code units. */
export function countSegments(text: string): number {
  let septets = 0;
  let gsm = true;
  for (const ch of text) {
    if (GSM_BASIC.includes(ch)) septets += 1;
    else if (GSM_EXTENDED.includes(ch)) septets += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (gsm) return septets <= 160 ? 1 : Math.ceil(septets / 153);
  const units = text.length; // UTF-16 code units: characters outside the BMP take two
  return units <= 70 ? 1 : Math.ceil(units / 67);
}

function rfc2822(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

/**
 * The Twilio Messages API: `POST /2010-04-01/Accounts/{AccountSid}/Messages.json` with basic auth AccountSid:AuthToken.
 */
export class FakeTwilioApi extends FakeHttpServer {
  /** Messages accepted with 201, in order. */
  readonly messages: SentMessage[] = [];
  readonly #accountSid: string;
  readonly #authToken: string;

  constructor(options: FakeTwilioOptions) {
    super();
    if (!options.accountSid.startsWith('AC')) throw new Error('fakeTwilioApi: accountSid must start with AC');
    this.#accountSid = options.accountSid;
    this.#authToken = options.authToken;
  }

  /**
   * Posts Twilio's status callback for a message the fake accepted, to the `StatusCallback` URL it was sent with,
   * signed with the auth token as Twilio signs it (HMAC-SHA1 over the URL and the sorted fields). `url` overrides
   * where it is posted (the daemon's local address when StatusCallback names its public URL). Returns the HTTP status.
   */
  async deliverStatus(sid: string, status: string, options: { errorCode?: number; url?: string } = {}): Promise<number> {
    const message = this.messages.find((m) => m.sid === sid);
    if (message === undefined) throw new Error(`fakeTwilioApi: no message ${sid}`);
    if (message.statusCallback === null) throw new Error(`fakeTwilioApi: message ${sid} was sent without a StatusCallback`);
    const fields: Record<string, string> = {
      AccountSid: this.#accountSid, ApiVersion: '2010-04-01', From: message.from ?? '', MessageSid: sid, MessageStatus: status,
      SmsSid: sid, SmsStatus: status, To: message.to,
    };
    if (message.messagingServiceSid !== null) fields.MessagingServiceSid = message.messagingServiceSid;
    if (options.errorCode !== undefined) fields.ErrorCode = String(options.errorCode);
    const signed = message.statusCallback + Object.keys(fields).sort().map((k) => k + fields[k]).join('');
    const signature = createHmac('sha1', this.#authToken).update(signed).digest('base64');
    const response = await fetch(options.url ?? message.statusCallback, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: new URLSearchParams(fields).toString(),
      signal: AbortSignal.timeout(10_000),
    });
    await response.arrayBuffer();
    return response.status;
  }

  /** The next `times` sends (default 1) get the documented error answer of that kind. */
  failNext(kind: TwilioErrorKind, times = 1, to = '+1555'): this {
    const reply = this.#errorReply(kind, to);
    return this.fault((r) => r.method === 'POST' && MESSAGES_PATH.test(r.path), reply, { times });
  }

  #errorReply(kind: TwilioErrorKind, to: string): FakeReply {
    switch (kind) {
      case 'invalid-to':
        return twilioError(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
      case 'not-mobile':
        return twilioError(400, 21614, `'To' number ${to} is not a valid mobile number`);
      case 'opted-out':
        return twilioError(400, 21610, 'Attempt to send to unsubscribed recipient');
      case 'region':
        return twilioError(400, 21408, `Permission to send an SMS has not been enabled for the region indicated by the 'To' number: ${to}.`);
      case 'auth':
        return twilioError(401, 20003, 'Authenticate');
      case 'rate-limit':
        return twilioError(429, 20429, 'Too Many Requests');
      case 'server':
        return twilioError(500, 20500, 'Internal Server Error');
    }
  }

  protected handle(request: RecordedRequest): FakeReply {
    const match = MESSAGES_PATH.exec(request.path);
    if (match === null) {
      return twilioError(404, 20404, `The requested resource ${request.path} was not found`);
    }
    const creds = basicCredentials(request.headers);
    if (creds === undefined || creds.user !== this.#accountSid || creds.password !== this.#authToken || match[1] !== this.#accountSid) {
      return twilioError(401, 20003, 'Authenticate');
    }
    if (request.method !== 'POST') return twilioError(405, 20004, 'Method not allowed');
    return this.#create(request.form ?? new URLSearchParams(request.body));
  }

  #create(form: URLSearchParams): FakeReply {
    const to = form.get('To');
    const from = form.get('From');
    const service = form.get('MessagingServiceSid');
    const body = form.get('Body') ?? '';
    if (to === null || to === '') return twilioError(400, 21604, "A 'To' phone number is required.");
    if ((from === null || from === '') && (service === null || service === '')) {
      return twilioError(400, 21603, "A 'From' phone number is required.");
    }
    if (body === '' && form.get('MediaUrl') === null) return twilioError(400, 21602, 'Message body is required.');
    if (body.length > MAX_BODY) {
      return twilioError(400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
    }
    if (!E164.test(to)) return twilioError(400, 21211, `The 'To' number ${to} is not a valid phone number.`);

    const sid = `SM${randomBytes(16).toString('hex')}`;
    const numSegments = countSegments(body);
    const now = rfc2822(new Date());
    const message: SentMessage = {
      sid,
      accountSid: this.#accountSid,
      to,
      from: from === '' ? null : from,
      messagingServiceSid: service === '' ? null : service,
      body,
      statusCallback: form.get('StatusCallback'),
      numSegments,
    };
    this.messages.push(message);
    const uri = `/2010-04-01/Accounts/${this.#accountSid}/Messages/${sid}.json`;
    return {
      status: 201,
      body: {
        account_sid: this.#accountSid,
        api_version: '2010-04-01',
        body,
        date_created: now,
        date_sent: null,
        date_updated: now,
        direction: 'outbound-api',
        error_code: null,
        error_message: null,
        from: message.from,
        messaging_service_sid: message.messagingServiceSid,
        num_media: '0',
        num_segments: String(numSegments),
        price: null,
        price_unit: 'USD',
        sid,
        status: 'queued', // as documented; a real send through a Messaging Service alone may answer 'accepted'
        subresource_uris: { media: uri.replace(/\.json$/, '/Media.json') },
        to,
        uri,
      },
    };
  }
}

export async function fakeTwilioApi(options: FakeTwilioOptions): Promise<FakeTwilioApi> {
  return new FakeTwilioApi(options).start();
}
