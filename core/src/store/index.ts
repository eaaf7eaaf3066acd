export { openStore, storeLocation, type StoreLog } from './open.js'
export { storeSettings, DEFAULT_DATA_DIR, SQLITE_FILE } from './settings.js'
export type {
  Store, StoreSettings, StoreEngine, StoreCheck, MigrationResult, MessageRepository, DurableIdempotencyStore,
  NewMessage, MessageRecord, MessageFilter, MessageQuery, MessagePage, Bucket, SegmentsDay, Direction, Outcome
} from './types.js'
