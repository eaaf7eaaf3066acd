import type { IdempotencyClaim, IdempotencyStore } from '../state/idempotency.js'
import type { PageStore } from '../state/pages.js'
import type { Db } from './db.js'

export type StoreEngine = 'sqlite' | 'postgres'

export interface StoreSettings {
  readonly engine: StoreEngine
  /** OPERATOR_DATA_DIR, already resolved: where `operator.db` lives (SQLite). */
  readonly dataDir: string
  /** DATABASE_URL (PostgreSQL). */
  readonly databaseUrl: string
  /** A PostgreSQL schema to work in instead of the connection's default (tests, several Operators in one database). */
  readonly schema?: string
  /** The clock: tests move it instead of sleeping. */
  readonly now?: () => number
}

export type Direction = 'in' | 'out'
export type Outcome =
  | 'answered' | 'error' | 'denied' | 'unknown-command' | 'rate-limited' | 'duplicate' | 'forged' | 'unknown-sender'
  | 'sent' | 'failed'

/** One message in or out, as written to the history. */
export interface NewMessage {
  /** Epoch milliseconds; the store's clock when left out. */
  readonly time?: number
  readonly direction: Direction
  readonly channel: string
  /** E.164: the sender of an inbound message, the recipient of an outbound one. */
  readonly number: string
  readonly role?: string | null
  /** Never given for unknown senders. */
  readonly text?: string | null
  readonly command?: string | null
  readonly plugin?: string | null
  readonly outcome: Outcome
  readonly segments?: number
  readonly durationMs?: number | null
  readonly messageSid?: string | null
  readonly providerSid?: string | null
  readonly deliveryStatus?: string | null
}

export interface MessageRecord {
  readonly id: number
  readonly time: number
  readonly direction: Direction
  readonly channel: string
  readonly number: string
  readonly role: string | null
  readonly text: string | null
  readonly command: string | null
  readonly plugin: string | null
  readonly outcome: Outcome
  readonly segments: number
  readonly durationMs: number | null
  readonly messageSid: string | null
  readonly providerSid: string | null
  readonly deliveryStatus: string | null
}

export interface MessageFilter {
  /** Inclusive lower bound, epoch ms. */
  readonly since?: number
  /** Exclusive upper bound, epoch ms. */
  readonly until?: number
  readonly number?: string
  readonly command?: string
  readonly outcome?: Outcome
  /** A case-insensitive substring of the text (ASCII case folding on SQLite). */
  readonly text?: string
  readonly direction?: Direction
}

export interface MessageQuery extends MessageFilter {
  /** From a previous page's `next`; opaque. */
  readonly cursor?: string
  /** 1..1000, default 50. */
  readonly limit?: number
}

export interface MessagePage {
  readonly items: readonly MessageRecord[]
  /** Give it back as `cursor` for the next (older) page; undefined on the last page. */
  readonly next: string | undefined
}

export interface Bucket {
  /** The bucket's start, epoch ms, UTC. */
  readonly start: number
  readonly count: number
}

export interface SegmentsDay {
  readonly start: number
  readonly inbound: number
  readonly outbound: number
}

export interface MessageRepository {
  /** Writes the batch in one transaction; returns the new ids in order. */
  insert(batch: readonly NewMessage[]): Promise<number[]>
  /** Newest first. */
  query(query?: MessageQuery): Promise<MessagePage>
  count(unit: 'hour' | 'day', filter?: MessageFilter): Promise<Bucket[]>
  segmentsPerDay(filter?: Pick<MessageFilter, 'since' | 'until'>): Promise<SegmentsDay[]>
  /** Deletes messages older than `days` days (in batches, so a writer is never held long); returns how many. */
  prune(days: number): Promise<number>
  /** Records a provider's delivery status (Twilio's status callback) on the outbound messages it sent; returns how many. */
  updateDeliveryStatus(providerSid: string, status: string): Promise<number>
}

export interface DurableIdempotencyStore extends IdempotencyStore {
  /** Deletes records whose lease or answer has lapsed; returns how many. */
  prune(): Promise<number>
  /**
   * `peek`, answered in the same tick where the engine can (SQLite reads synchronously): the webhook's fast path asks
   * it for every new MessageSid.
   */
  peekNow(key: string): IdempotencyClaim | undefined | Promise<IdempotencyClaim | undefined>
  /** How long until the last live record lapses, in ms (0 when there is none). */
  liveForMs(): Promise<number>
  /** Records many answers in one statement (the answers of a batch of messages). */
  completeMany(answers: ReadonlyArray<{ readonly key: string, readonly answer: string, readonly ttlMs: number }>): Promise<void>
}

/** Pagination remainders in the durable store (`more` after a restart, with no Redis). */
export interface DurablePageStore extends PageStore {
  /** Deletes pages whose time ran out; returns how many. */
  prune(): Promise<number>
}

/**
 * The writes made for callers that must not wait (history, idempotency answers) and the background prunes. On SQLite
 * they run in a worker thread with its own connection, so a commit never holds up the webhook's thread; on PostgreSQL
 * they are ordinary statements on the pool.
 */
export interface StoreWrites {
  insertMessages(rows: readonly NewMessage[]): Promise<void>
  completeMany(rows: ReadonlyArray<{ readonly key: string, readonly answer: string, readonly ttlMs: number }>): Promise<void>
  pruneMessages(days: number): Promise<number>
  pruneIdempotency(): Promise<number>
  prunePages(): Promise<number>
  close(): Promise<void>
}

export interface StoreCheck {
  readonly engine: StoreEngine
  readonly status: 'ok' | 'down'
  readonly latencyMs: number
  /** Versions not applied yet (empty when up to date; unknown when the store is down). */
  readonly pending: readonly string[]
  /** Where it is (file path or redacted URL), and why it is down. */
  readonly location: string
  readonly error?: string
}

export interface MigrationResult {
  readonly applied: readonly string[]
}

export interface Store {
  readonly engine: StoreEngine
  readonly messages: MessageRepository
  readonly idempotency: DurableIdempotencyStore
  /** The database itself, for core's own repositories (paging); plugins use the repositories above. */
  readonly db: Db
  readonly pages: DurablePageStore
  readonly writes: StoreWrites
  migrate(): Promise<MigrationResult>
  check(): Promise<StoreCheck>
  close(): Promise<void>
}
