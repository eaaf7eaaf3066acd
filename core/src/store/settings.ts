import { resolve } from 'node:path'
import { ERR_STORE_SETTINGS } from '../errors.js'
import type { StoreSettings } from './types.js'

export const DEFAULT_DATA_DIR = './data'
export const SQLITE_FILE = 'operator.db'

/**
 * OPERATOR_DATA_DIR (default ./data, relative to `cwd`) holds the embedded SQLite store; DATABASE_URL=postgres://…
 * chooses PostgreSQL instead, for several replicas.
 */
export function storeSettings (env: { OPERATOR_DATA_DIR?: string, DATABASE_URL?: string }, cwd: string): StoreSettings {
  const url = env.DATABASE_URL ?? ''
  const dataDir = resolve(cwd, env.OPERATOR_DATA_DIR !== undefined && env.OPERATOR_DATA_DIR !== '' ? env.OPERATOR_DATA_DIR : DEFAULT_DATA_DIR)
  if (url === '') return { engine: 'sqlite', dataDir, databaseUrl: '' }
  if (!/^postgres(ql)?:\/\//i.test(url)) {
    throw new ERR_STORE_SETTINGS('DATABASE_URL must be a postgres:// or postgresql:// URL (leave it unset for the embedded SQLite store in OPERATOR_DATA_DIR)')
  }
  return { engine: 'postgres', dataDir, databaseUrl: url }
}
