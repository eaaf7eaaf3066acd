/**
 * Values that are there at once on the fast path (the in-memory stores, a synchronous command) and promised on the
 * slow one (Redis, a backend call). Chaining them with these helpers keeps the fast path free of promise turns,
 * which are most of a webhook's cost when nothing has to wait.
 */
export type MaybePromise<T> = T | Promise<T>

export function isThenable<T> (value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function'
}

/** `value.then(next)`, called at once when `value` is already there. */
export function andThen<T, U> (value: MaybePromise<T>, next: (value: T) => MaybePromise<U>): MaybePromise<U> {
  return isThenable(value) ? value.then(next) : next(value)
}
