import { join, raw, sql } from './sql.js'
import type { Db } from './db.js'
import type { DurablePageStore } from './types.js'

/**
 * The rest of long replies in the durable store, one row per page: with no Redis, `more` after a restart still sends
 * the next page. Taking a page is one DELETE … RETURNING, so two `more`s never get the same page.
 */
export class SqlPageStore implements DurablePageStore {
  constructor (private readonly db: Db, private readonly now: () => number) {}

  async save (key: string, pages: readonly string[], ttlMs: number): Promise<void> {
    const expires = this.now() + ttlMs
    await this.db.transaction(async (tx) => {
      await tx.run(sql`delete from pages where key = ${key}`)
      if (pages.length === 0) return
      const rows = pages.map((page, seq) => sql`(${key}, ${seq}, ${page}, ${expires})`)
      await tx.run(sql`insert into pages (key, seq, page, expires_at) values ${join(rows, ', ')}`)
    })
  }

  async next (key: string): Promise<string | undefined> {
    // PostgreSQL: two `more`s at once would both pick the lowest page and one would find it gone; SKIP LOCKED gives the
    // second the next one. SQLite runs one writer at a time and has no FOR UPDATE.
    const lock = raw(this.db.engine === 'postgres' ? ' for update skip locked' : '')
    const [row] = await this.db.all<{ page: string }>(sql`delete from pages where key = ${key}
      and seq = (select seq from pages where key = ${key} and expires_at > ${this.now()} order by seq limit 1${lock}) returning page`)
    return row?.page
  }

  async prune (): Promise<number> {
    return await this.db.run(sql`delete from pages where expires_at <= ${this.now()}`)
  }
}
