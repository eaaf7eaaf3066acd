// The environment the benchmarked daemon runs with: signed webhooks from PUBLIC_URL, eight authorised numbers, and
// rate limits high enough that the limiter counts every message without refusing any.
import { AUTH_TOKEN, PUBLIC_URL, SENDERS } from './lib.js'

export function operatorEnv (extra = {}) {
  return {
    NODE_ENV: 'production',
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    PUBLIC_URL,
    AUTHORIZED_NUMBERS: SENDERS.map((n) => `${n}:viewer`).join(','),
    SMS_RATE_LIMIT_PER_SENDER: '100000000',
    SMS_RATE_LIMIT_GLOBAL: '1000000000',
    SMS_RATE_LIMIT_WINDOW: '1h',
    STATE_STORE: 'memory',
    LOG_LEVEL: 'silent',
    ...extra
  }
}
