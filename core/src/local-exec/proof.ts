import { createHmac, timingSafeEqual } from 'node:crypto'

/** The route `operator exec --url` posts to. */
export const EXEC_PATH = '/operator/exec'
export const TIMESTAMP_HEADER = 'x-operator-timestamp'
export const PROOF_HEADER = 'x-operator-proof'
/** How far a proof's timestamp may be from the daemon's clock; caller and daemon share a machine. */
export const PROOF_WINDOW_MS = 60_000

// A key of its own, derived from the auth token, so this HMAC never shares a key with Twilio's signatures.
function proofKey (authToken: string): Buffer {
  return createHmac('sha256', authToken).update('operator exec v1').digest()
}

/**
 * The proof a caller sends when the daemon has TWILIO_AUTH_TOKEN: hex HMAC-SHA256 over the timestamp, the route
 * and the exact body, so it proves the caller knows the token without sending it, and fits only this request.
 */
export function execProof (authToken: string, timestamp: string, body: string): string {
  return createHmac('sha256', proofKey(authToken)).update(`${timestamp}\nPOST ${EXEC_PATH}\n${body}`).digest('hex')
}

/** Why a request's proof is not acceptable, or undefined when it is. Compares in constant time. */
export function proofProblem (authToken: string, timestamp: string | undefined, proof: string | undefined, body: string, now: number): string | undefined {
  if (timestamp === undefined || proof === undefined) return `the request carries no proof (${PROOF_HEADER}, ${TIMESTAMP_HEADER}); run exec with the same TWILIO_AUTH_TOKEN as the daemon (environment or .env)`
  const at = /^\d{1,16}$/.test(timestamp) ? Number(timestamp) : Number.NaN
  if (!(Math.abs(now - at) <= PROOF_WINDOW_MS)) return `${TIMESTAMP_HEADER} is missing, malformed or more than ${PROOF_WINDOW_MS / 1000} s from the daemon's clock`
  const expected = Buffer.from(execProof(authToken, timestamp, body), 'hex')
  const given = /^[0-9a-f]{64}$/.test(proof) ? Buffer.from(proof, 'hex') : Buffer.alloc(0)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return 'the proof does not match; run exec with the same TWILIO_AUTH_TOKEN as the daemon (environment or .env)'
  }
  return undefined
}
