/** Why a run ended early: its own deadline, or the caller's signal (shutdown, an outer deadline). */
export class DeadlineExceeded extends Error {
  override readonly name = 'DeadlineExceeded'
  readonly code = 'OPR_ERR_DEADLINE'
  constructor (readonly ms: number) {
    super(`no answer within ${formatDuration(ms)}`)
  }
}

export function formatDuration (ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(ms < 10_000 ? 1 : 0))}s`
  return `${Math.round(ms / 60_000)}m`
}

/**
 * Runs `fn` with an AbortSignal that fires at the deadline (or when `parent` aborts) and settles no later than
 * that: a plugin that ignores its signal cannot hold the caller. A late rejection is swallowed (and reported).
 */
export async function runWithDeadline<T> (fn: (signal: AbortSignal) => Promise<T> | T, ms: number,
  parent?: AbortSignal, onLateError?: (err: unknown) => void): Promise<T> {
  const controller = new AbortController()
  let timer: NodeJS.Timeout | undefined
  let onParentAbort: (() => void) | undefined
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const err = new DeadlineExceeded(ms)
      controller.abort(err)
      reject(err)
    }, ms)
    if (parent !== undefined) {
      onParentAbort = () => {
        controller.abort(parent.reason)
        reject(parent.reason instanceof Error ? parent.reason : new Error('cancelled'))
      }
      if (parent.aborted) onParentAbort()
      else parent.addEventListener('abort', onParentAbort, { once: true })
    }
  })
  const work = (async () => await fn(controller.signal))()
  try {
    return await Promise.race([work, expired])
  } finally {
    clearTimeout(timer)
    if (onParentAbort !== undefined) parent?.removeEventListener('abort', onParentAbort)
    // Whatever the work does after we stopped waiting must not become an unhandled rejection.
    work.catch((err: unknown) => { if (controller.signal.aborted) onLateError?.(err) })
    expired.catch(() => {})
  }
}
