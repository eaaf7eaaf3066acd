// Shared by the tests: where the real PostgreSQL is, sessions opened on it, and an Operator with the db plugin.
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { createTestOperator, type TestOperator } from '@operator/core/testing'
import db from '../../src/index.js'

export const PG = {
  host: process.env.PGHOST ?? '127.0.0.1',
  port: Number(process.env.PGPORT ?? 5432),
  user: process.env.PGUSER ?? 'postgres',
  database: process.env.PGDATABASE ?? 'test'
}

export interface UrlParts { user?: string, password?: string, host?: string, port?: number, database?: string }

export function pgUrl (p: UrlParts = {}): string {
  const user = encodeURIComponent(p.user ?? PG.user)
  const password = p.password !== undefined ? `:${encodeURIComponent(p.password)}` : ''
  return `postgres://${user}${password}@${p.host ?? PG.host}:${p.port ?? PG.port}/${p.database ?? PG.database}`
}

/** A name no other run uses: lower case, usable as a role, table or application_name. */
export function unique (prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`
}

export interface Teardown { teardown(fn: () => unknown): void }

/** A session of its own (not Operator's), closed when the test ends. */
export async function session (t: Teardown, options: { applicationName?: string, database?: string, user?: string } = {}): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: pgUrl({ ...(options.database !== undefined ? { database: options.database } : {}), ...(options.user !== undefined ? { user: options.user } : {}) }),
    application_name: options.applicationName ?? 'operator-db-test'
  })
  client.on('error', () => {})
  await client.connect()
  t.teardown(async () => { await client.end().catch(() => {}) })
  return client
}

/** The server process id behind a session (pg has it; its typings do not). */
export function pidOf (client: pg.Client): number {
  return (client as unknown as { processID: number }).processID
}

/** False when PostgreSQL answers; otherwise a skip message (and under CI=true, a failure). */
export async function requirePostgres (): Promise<string | false> {
  const client = new pg.Client({ connectionString: pgUrl(), connectionTimeoutMillis: 2000 })
  client.on('error', () => {})
  try {
    await client.connect()
    return false
  } catch (err) {
    const message = `PostgreSQL is not reachable at ${PG.host}:${PG.port} as ${PG.user}/${PG.database} (${(err as Error).message}); set PGHOST/PGPORT/PGUSER/PGDATABASE`
    if (process.env.CI === 'true') throw new Error(message)
    return message
  } finally {
    await client.end().catch(() => {})
  }
}

/** An Operator with only the db plugin (and the built-ins), closed when the test ends. */
export async function operatorWith (t: Teardown, config: Record<string, unknown>, env: Record<string, string> = {}): Promise<TestOperator> {
  const op = await createTestOperator({ plugins: [{ plugin: db, config }], env })
  t.teardown(() => op.close())
  return op
}

/** Polls until `check` returns something truthy, or fails after `timeoutMs`. */
export async function until<T> (what: string, check: () => Promise<T | undefined | false | null>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined && value !== false && value !== null) return value
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

