import t from 'tap';
import { createHmac } from 'node:crypto';
import { messageSid, signedSms, twilioSignature } from '../src/index.js';

t.test('twilioSignature matches the example in Twilio\'s webhook security documentation', async (t) => {
  const params = { CallSid: 'CA1234567890ABCDE', Caller: '+12349013030', Digits: '1234', From: '+12349013030', To: '+18005551212' };
  t.equal(twilioSignature('12345', 'https://mycompany.com/myapp.php?foo=1&bar=2', params), '0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
});

t.test('signedSms posts an inbound SMS as Twilio does, signed over the URL and every field', async (t) => {
  const sms = signedSms('token', 'https://ops.example.com/sms', '+14155550100', 'history 3', { AccountSid: 'AC' + '1'.repeat(32) });
  const fields = Object.fromEntries(new URLSearchParams(sms.payload));
  t.match(fields, { From: '+14155550100', Body: 'history 3', AccountSid: 'AC' + '1'.repeat(32) });
  t.match(fields.MessageSid, /^SM[0-9a-f]{32}$/);
  t.equal(fields.SmsSid, fields.MessageSid);
  const data = 'https://ops.example.com/sms' + Object.keys(fields).sort().map((k) => k + fields[k]).join('');
  t.equal(sms.headers['x-twilio-signature'], createHmac('sha1', 'token').update(data).digest('base64'));
  t.not(messageSid(), messageSid(), 'each message gets its own SID');
});
