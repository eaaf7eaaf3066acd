import { OperatorError } from '@operator/core'

// Errors this plugin throws, each with a stable code; the message is what reaches the phone (one line, no secrets).

export type PrometheusErrorCode =
  | 'OPR_ERR_PROMETHEUS_QUERY'
  | 'OPR_ERR_PROMETHEUS_ANSWER'
  | 'OPR_ERR_PROMETHEUS_AUTH'

export class PrometheusError extends OperatorError<PrometheusErrorCode> {}

function create (code: PrometheusErrorCode, message: string): PrometheusError {
  return new PrometheusError(code, message)
}

/** Prometheus refused the query (`bad_data`, `execution`): its own reason, which is what the person needs. */
export function queryError (reason: string): PrometheusError {
  return create('OPR_ERR_PROMETHEUS_QUERY', reason)
}

/** Prometheus answered, but not with what its API documents. */
export function answerError (what: string): PrometheusError {
  return create('OPR_ERR_PROMETHEUS_ANSWER', `prometheus sent ${what}`)
}

/** 401/403: the credentials are wrong or missing (never quoted). */
export function authError (status: number): PrometheusError {
  return create('OPR_ERR_PROMETHEUS_AUTH', `prometheus refused the credentials (HTTP ${status})`)
}
