import { oneLine, type StatusLine } from '@operator/core'
import type { LogDriver, TimeWindow } from './drivers/types.js'

/**
 * `logs ok green, 3 nodes, 12 errors in 15m`: the backend's health plus the error count over the window. When the
 * backend answers its health check but the count fails, the line says so and is DEGRADED: `logs` searches would
 * fail the same way, and an `ok` would hide it.
 */
export async function logsStatusLine (driver: LogDriver, window: TimeWindow, signal: AbortSignal, scanUntil?: number): Promise<StatusLine> {
  const [health, errors] = await Promise.all([
    driver.health(signal),
    driver.countErrors(window, signal, scanUntil).then((counts) => ({ counts }), (err: unknown) => ({ failed: oneLine(err, 80) }))
  ])
  if ('counts' in errors) {
    const { total, atLeast } = errors.counts
    return { status: health.status, text: `${health.summary}, ${total}${atLeast ? '+' : ''} errors in ${window.label}` }
  }
  // A backend that is already down says why in its health summary; the failed count adds nothing.
  if (health.status === 'down') return { status: 'down', text: health.summary }
  return { status: 'degraded', text: `${health.summary}, errors unknown (${errors.failed})` }
}
