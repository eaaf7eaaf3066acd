import type { JsonSchema } from '@operator/core'

// A type alias (not an interface) so it is assignable to the Record<string, unknown> that core's harness expects.
export type DbConfig = {
  /** Only `postgres` for now (the original guide's `DB_TYPE`). */
  readonly type: 'postgres'
  /** A PostgreSQL connection string; the role needs only `pg_monitor`. */
  readonly url?: string
  /** PgBouncer's admin console (`postgres://user@host:6432/pgbouncer`) or an http(s) JSON stats URL. */
  readonly statsUrl?: string
  /** `statement_timeout` set on every connection, in ms. */
  readonly statementTimeoutMs: number
  /** How long to wait for a connection (TCP + authentication), in ms. */
  readonly connectTimeoutMs: number
  /** Connections Operator keeps to PostgreSQL at most. */
  readonly poolSize: number
  /** An unused pooled connection is closed after this many ms. */
  readonly idleTimeoutMs: number
}

export const configSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  anyOf: [{ required: ['url'] }, { required: ['statsUrl'] }],
  properties: {
    type: { type: 'string', enum: ['postgres'], default: 'postgres' },
    url: { type: 'string', pattern: '^postgres(ql)?://[^\\s]+$', expected: 'a postgres:// URL' },
    statsUrl: { type: 'string', pattern: '^(postgres(ql)?|https?)://[^\\s]+$', expected: 'a postgres:// or http(s) URL' },
    statementTimeoutMs: { type: 'integer', minimum: 10, maximum: 60_000, default: 3000 },
    connectTimeoutMs: { type: 'integer', minimum: 10, maximum: 60_000, default: 3000 },
    poolSize: { type: 'integer', minimum: 1, maximum: 10, default: 2 },
    idleTimeoutMs: { type: 'integer', minimum: 100, maximum: 3_600_000, default: 30_000 }
  }
}

/** The original guide's environment variables, plus the new ones. */
export const configEnv: Readonly<Record<string, string>> = {
  DB_TYPE: 'type',
  DB_URL: 'url',
  DB_STATS_URL: 'statsUrl',
  DB_STATEMENT_TIMEOUT_MS: 'statementTimeoutMs',
  DB_CONNECT_TIMEOUT_MS: 'connectTimeoutMs',
  DB_POOL_SIZE: 'poolSize'
}

/** What Operator calls itself in `pg_stat_activity`, so its own queries can be left out of `db slow`. */
export const APPLICATION_NAME = 'operator'
