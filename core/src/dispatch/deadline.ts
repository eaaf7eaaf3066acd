import { isThenable, type MaybePromise } from '../maybe-async.js'

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
 * What a run under a deadline gets: its signal, created only when first asked for. Building an AbortController per
 * webhook is measurable, and `help` never looks at it.
 */
export class DeadlineScope {
  #controller: AbortController | undefined
  #aborted = false
  #reason: unknown

  get signal (): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController()
      if (this.#aborted) this.#controller.abort(this.#reason)
    }
    return this.#controller.signal
  }

  get aborted (): boolean {
    return this.#aborted
  }

  abort (reason: unknown): void {
    if (this.#aborted) return
    this.#aborted = true
    this.#reason = reason
    this.#controller?.abort(reason)
  }
}

/**
 * Runs `fn` under a deadline and settles no later than that (or than `parent`'s abort): a plugin that ignores its
 * signal cannot hold the caller. The scope's AbortSignal fires at the deadline. A late rejection is swallowed
 * (reported).
 */
export async function runUnderDeadline<T> (fn: (scope: DeadlineScope) => MaybePromise<T>, ms: number,
  parent?: AbortSignal, onLateError?: (err: unknown) => void): Promise<T> {
  return await runBounded(fn, ms, parent, onLateError)
}

/**
 * `runUnderDeadline` without the promise when `fn` answers synchronously (help, more): then there is no timer, no
 * race and no listener, since a synchronous answer cannot overrun its deadline, and the caller can answer in the
 * same tick. A synchronous throw is thrown here.
 */
export function runBounded<T> (fn: (scope: DeadlineScope) => MaybePromise<T>, ms: number,
  parent?: AbortSignal, onLateError?: (err: unknown) => void, scope = new DeadlineScope()): MaybePromise<T> {
  if (parent?.aborted === true) throw parent.reason instanceof Error ? parent.reason : new Error('cancelled')
  const first = fn(scope)
  return isThenable(first) ? race(first, scope, ms, parent, onLateError) : first
}

async function race<T> (first: Promise<T>, scope: DeadlineScope, ms: number,
  parent: AbortSignal | undefined, onLateError: ((err: unknown) => void) | undefined): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  let onParentAbort: (() => void) | undefined
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const err = new DeadlineExceeded(ms)
      scope.abort(err)
      reject(err)
    }, ms)
    if (parent !== undefined) {
      onParentAbort = () => {
        scope.abort(parent.reason)
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
    work.catch((err: unknown) => { if (scope.aborted) onLateError?.(err) })
    expired.catch(() => {})
  }
}

/** `runUnderDeadline` for callers that want the AbortSignal itself up front. */
export async function runWithDeadline<T> (fn: (signal: AbortSignal) => Promise<T> | T, ms: number,
  parent?: AbortSignal, onLateError?: (err: unknown) => void): Promise<T> {
  return await runUnderDeadline((scope) => fn(scope.signal), ms, parent, onLateError)
}
