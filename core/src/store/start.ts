import { openStore, type StoreLog } from './open.js'
import { storeSettings } from './settings.js'
import { ERR_STORE_MIGRATE } from '../errors.js'
import type { Store } from './types.js'

/**
 * What buildApp does with the durable store: `migrate` opens it and applies pending migrations (the daemon), `open`
 * only opens it (`operator config check` reports what is pending), `off` leaves it closed.
 */
export type StoreMode = 'migrate' | 'open' | 'off'

/**
 * The default: the daemon's own environment opens the store; a test or an embedder that passes `env` gets one only
 * when it names OPERATOR_DATA_DIR or DATABASE_URL, so tests never leave a ./data behind.
 */
export function defaultStoreMode (givenEnv: Readonly<Record<string, string | undefined>> | undefined): StoreMode {
  if (givenEnv === undefined) return 'migrate'
  return (givenEnv.OPERATOR_DATA_DIR ?? '') !== '' || (givenEnv.DATABASE_URL ?? '') !== '' ? 'migrate' : 'off'
}

export async function startStore (
  mode: StoreMode, env: { OPERATOR_DATA_DIR?: string, DATABASE_URL?: string }, cwd: string, log: StoreLog
): Promise<Store | undefined> {
  if (mode === 'off') return undefined
  const started = performance.now()
  const store = await openStore(storeSettings(env, cwd), log)
  if (mode === 'migrate') {
    try {
      await store.migrate()
    } catch (err) {
      await store.close().catch(() => {})
      throw new ERR_STORE_MIGRATE(store.engine, (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '')
    }
  }
  log.debug({ engine: store.engine, ms: Math.round((performance.now() - started) * 10) / 10 }, 'store: open')
  return store
}
