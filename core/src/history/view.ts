import { ERR_HISTORY_OFF, ERR_STORE_QUERY } from '../errors.js'
import type { HistoryView } from '../plugins/contract.js'
import type { Store } from '../store/types.js'
import { decodeCursor } from '../store/cursor.js'
import { checkHistoryFilter, checkHistoryQuery } from './filters.js'

/** Why a process built without a store (`store: 'off'`, or a test's env naming neither setting) has no history. */
export const NO_STORE_REASON = 'no store is open here (set OPERATOR_DATA_DIR or DATABASE_URL)'

/**
 * Ends the wait when `signal` aborts. The statement itself is bounded by the store (PostgreSQL's statement_timeout;
 * SQLite runs in-process and cannot be interrupted), so only the caller stops waiting.
 */
async function abortable<T> (work: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return await work()
  signal.throwIfAborted()
  let onAbort: (() => void) | undefined
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => { reject(signal.reason) }
    signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    return await Promise.race([work(), aborted])
  } finally {
    signal.removeEventListener('abort', onAbort!)
  }
}

/** The read-only history plugins get as `op.host.history`: every input checked, records as stored. */
export function createHistoryView (store: Store | undefined, offReason = NO_STORE_REASON): HistoryView {
  const messages = (): Store['messages'] => {
    if (store === undefined) throw new ERR_HISTORY_OFF(offReason)
    return store.messages
  }
  return {
    off: store === undefined ? offReason : undefined,
    query: async (query = {}, signal) => {
      const checked = checkHistoryQuery(query)
      // A bad cursor is refused before the store is asked, whichever engine it is.
      if (checked.cursor !== undefined) decodeCursor(checked.cursor)
      return await abortable(async () => await messages().query(checked), signal)
    },
    count: async (unit, filter = {}, signal) => {
      if (unit !== 'hour' && unit !== 'day') throw new ERR_STORE_QUERY('unit must be hour or day')
      const checked = checkHistoryFilter(filter)
      return await abortable(async () => await messages().count(unit, checked), signal)
    },
    segmentsPerDay: async (filter = {}, signal) => {
      const { since, until } = checkHistoryFilter(filter)
      return await abortable(async () => await messages().segmentsPerDay({
        ...(since !== undefined ? { since } : {}), ...(until !== undefined ? { until } : {})
      }), signal)
    }
  }
}
