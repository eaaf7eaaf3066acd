import { isHttpStatusError } from '@operator/core'
import { authError, upstreamError } from '../errors.js'

/** A short reason from an error body (`{"message": "..."}`), never more than a few words. */
function reasonOf (body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { message?: unknown }
    if (typeof parsed.message === 'string' && parsed.message.trim() !== '') {
      const m = parsed.message.trim().split('\n')[0]!
      return m.length > 60 ? `${m.slice(0, 57)}...` : m
    }
  } catch {}
  return undefined
}

/**
 * Turns core's OPR_ERR_HTTP_STATUS into one line a person can act on: 401/403 say which setting to check (the secret
 * is never quoted), other statuses quote the backend's short reason. Transport errors from core already read well
 * (`kong admin unreachable (connection refused)`) and pass through.
 */
export function explainHttpError (err: unknown, backend: string, authHint: string): unknown {
  if (!isHttpStatusError(err)) return err
  if (err.status === 401 || err.status === 403) return authError(backend, `HTTP ${err.status}`, authHint)
  const reason = reasonOf(err.body)
  return upstreamError(backend, reason === undefined ? `HTTP ${err.status}` : `HTTP ${err.status} (${reason})`)
}
