import type { CommandPhrase, EntityVocabulary } from '@operator/core'

/**
 * `slow queries`, `replication lag`, `how big is the db`: each subcommand in plain words. `db?` may be left out, and
 * `postgres`, `database`... read as `db`.
 */
export const DB_PHRASES: readonly CommandPhrase[] = [
  {
    say: [
      'db? slow queries', 'is db slow', 'what is slow in db', 'db? long running queries', 'db? running queries',
      'what is running on db', 'db? longest queries', 'which db? queries are slow'
    ],
    run: 'db slow'
  },
  {
    say: [
      'db? connections', 'how many db? connections', 'db? connection count', 'who is connected to db',
      'out of db? connections', 'connections to db'
    ],
    run: 'db connections'
  },
  {
    say: ['db? locks', 'db? blocked queries', 'what is blocking', 'db? lock waits', 'is anything locked in db', 'deadlocks in db?'],
    run: 'db locks'
  },
  {
    say: [
      'db? replication lag', 'db? replication', 'db? replica lag', 'is db? replica behind', 'db? standby lag',
      'how far behind is db? replica', 'is db? replication ok'
    ],
    run: 'db replication'
  },
  { say: ['db size', 'how big is db', 'how big are db', 'db? table sizes', 'disk used by db', 'db sizes'], run: 'db size' },
  {
    say: [
      'pgbouncer', 'pgbouncer pools', 'db? connection pool', 'db? pool stats', 'is db? pool full',
      'clients waiting for a connection', 'db? pool usage'
    ],
    run: 'db pool'
  },
  { say: ['db summary', 'db overview', 'tell me about db', 'what is going on with db'], run: 'db' }
]

export const DB_ENTITIES: EntityVocabulary = {
  system: { db: ['database', 'databases', 'postgres', 'postgresql', 'pg', 'psql', 'sql'] }
}
