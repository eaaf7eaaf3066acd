import { OperatorError } from '@operator/core'

// The gateway plugin's errors, each created here once with a stable code. Messages are one plain line that may reach
// a phone: they name the backend and what to fix, never a URL's credentials or the admin key.

export type GatewayErrorCode =
  | 'OPR_ERR_GATEWAY_CONFIG'
  | 'OPR_ERR_GATEWAY_AUTH'
  | 'OPR_ERR_GATEWAY_UPSTREAM'
  | 'OPR_ERR_GATEWAY_UNREACHABLE'
  | 'OPR_ERR_GATEWAY_TIMEOUT'
  | 'OPR_ERR_GATEWAY_BODY'

export class GatewayError extends OperatorError<GatewayErrorCode> {}

/** A setting that cannot work (found at start-up or when the driver is first used). */
export function configError (message: string): GatewayError {
  return new GatewayError('OPR_ERR_GATEWAY_CONFIG', message)
}

/** 401/403: the credentials were refused. `hint` says which setting to check; the secret itself is never shown. */
export function authError (backend: string, status: number | string, hint: string): GatewayError {
  return new GatewayError('OPR_ERR_GATEWAY_AUTH', `${backend} refused the credentials (${status}): ${hint}`)
}

/** The backend answered, but with an error (5xx, 4xx other than auth). */
export function upstreamError (backend: string, what: string): GatewayError {
  return new GatewayError('OPR_ERR_GATEWAY_UPSTREAM', `${backend} answered ${what}`)
}

export function unreachableError (backend: string, reason: string): GatewayError {
  return new GatewayError('OPR_ERR_GATEWAY_UNREACHABLE', `${backend} unreachable (${reason})`)
}

export function timeoutError (backend: string, reason: string): GatewayError {
  return new GatewayError('OPR_ERR_GATEWAY_TIMEOUT', `${backend} timed out (${reason})`)
}

export function bodyError (backend: string, what: string): GatewayError {
  return new GatewayError('OPR_ERR_GATEWAY_BODY', `${backend} sent ${what}`)
}
