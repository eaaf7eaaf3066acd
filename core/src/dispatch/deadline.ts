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

/** What a run under a deadline gets: its signal, created only when first asked for (most commands never do). */
export interface DeadlineScope {
  readonly signal: AbortSignal
}

/**
 * Runs `fn` under a deadline and settles no later than that (or than `parent`'s abort): a plugin that ignores its
 * signal cannot hold the caller. The scope's AbortSignal fires at the deadline; it is made lazily because building an
 * AbortController per webhook is measurable and `help` never looks at it. A late rejection is swallowed (reported).
 */
export async function runUnderDeadline<T> (fn: (scope: DeadlineScope) => Promise<T> | T, ms: number,
  parent?: AbortSignal, onLateError?: (err: unknown) => void): Promise<T> {
  if (parent?.aborted === true) throw parent.reason instanceof Error ? parent.reason : new Error('cancelled')
  let controller: AbortController | undefined
  let aborted = false
  let abortReason: unknown
  const abort = (reason: unknown): void => {
    aborted = true
    abortReason = reason
    controller?.abort(reason)
  }
  const scope: DeadlineScope = {
    get signal () {
      if (controller === undefined) {
        controller = new AbortController()
        if (aborted) controller.abort(abortReason)
      }
      return controller.signal
    }
  }
  // A synchronous answer (help, more) needs no timer, no race and no listener: it cannot overrun its deadline.
  const first = fn(scope)
  if (!isThenable(first)) return first
  let timer: NodeJS.Timeout | undefined
  let onParentAbort: (() => void) | undefined
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const err = new DeadlineExceeded(ms)
      abort(err)
      reject(err)
    }, ms)
    if (parent !== undefined) {
      onParentAbort = () => {
        abort(parent.reason)
        reject(parent.reason instanceof Error ? parent.reason : new Error('cancelled'))
      }
      if (parent.aborted) onParentAbort()
      else parent.addEventListener('abort', onParentAbort, { once: true })
    }
  })
  const work = Promise.resolve(first)
  try {
    return await Promise.race([work, expired])
  } finally {
    clearTimeout(timer)
    if (onParentAbort !== undefined) parent?.removeEventListener('abort', onParentAbort)
    // Whatever the work does after we stopped waiting must not become an unhandled rejection.
    work.catch((err: unknown) => { if (aborted) onLateError?.(err) })
    expired.catch(() => {})
  }
}

function isThenable<T> (value: Promise<T> | T): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function'
}

/** `runUnderDeadline` for callers that want the AbortSignal itself up front. */
export async function runWithDeadline<T> (fn: (signal: AbortSignal) => Promise<T> | T, ms: number,
  parent?: AbortSignal, onLateError?: (err: unknown) => void): Promise<T> {
  return await runUnderDeadline((scope) => fn(scope.signal), ms, parent, onLateError)
}
