// The only SQL this plugin runs: fixed, read-only queries over PostgreSQL's statistics views. Nothing from a message
// is ever put into them, and none takes parameters (so each runs as one simple query).

// Operator's own sessions: its pool's connections carry application_name 'operator' (APPLICATION_NAME) under the
// configured user. They hold slots, so they count in `used`, but they are not the database's load.
const OURS = `(a.application_name = 'operator' AND a.usename = current_user)`
const THEIRS = `a.backend_type = 'client backend' AND NOT coalesce(${OURS}, false)`

/**
 * Connections against max_connections (Operator's own counted apart, its states left out), lock waits, and
 * deadlocks/rollbacks since the stats reset.
 */
export const OVERVIEW = `
SELECT
  current_setting('max_connections')::int AS max_connections,
  current_setting('superuser_reserved_connections')::int AS reserved,
  count(*) FILTER (WHERE a.backend_type = 'client backend')::int AS used,
  count(*) FILTER (WHERE a.backend_type = 'client backend' AND coalesce(${OURS}, false))::int AS ours,
  count(*) FILTER (WHERE ${THEIRS} AND a.state = 'active')::int AS active,
  count(*) FILTER (WHERE ${THEIRS} AND a.state = 'idle')::int AS idle,
  count(*) FILTER (WHERE ${THEIRS} AND a.state LIKE 'idle in transaction%')::int AS idle_in_tx,
  count(*) FILTER (WHERE ${THEIRS} AND a.state IS NULL)::int AS hidden,
  count(*) FILTER (WHERE a.wait_event_type = 'Lock')::int AS lock_waiting,
  d.deadlocks, d.rollbacks, d.reset_age_s
FROM pg_stat_activity a
CROSS JOIN (
  SELECT coalesce(sum(deadlocks), 0)::float8 AS deadlocks,
    coalesce(sum(xact_rollback), 0)::float8 AS rollbacks,
    extract(epoch FROM clock_timestamp() - min(stats_reset))::float8 AS reset_age_s
  FROM pg_stat_database
) d
GROUP BY d.deadlocks, d.rollbacks, d.reset_age_s`

/** Client connections grouped by database, user, application and state: who holds them (Operator's own left out). */
export const CONNECTION_GROUPS = `
SELECT coalesce(datname, '') AS database, coalesce(usename, '') AS "user", coalesce(application_name, '') AS app,
  coalesce(state, 'hidden') AS state, count(*)::int AS n
FROM pg_stat_activity a
WHERE ${THEIRS}
GROUP BY 1, 2, 3, 4
ORDER BY n DESC, 1, 2, 3, 4
LIMIT 20`

/** Running statements, longest first, leaving out Operator's own sessions. */
export const RUNNING = `
SELECT pid, coalesce(usename, '') AS "user", coalesce(datname, '') AS database, coalesce(application_name, '') AS app,
  coalesce(wait_event_type, '') AS wait_event_type,
  extract(epoch FROM clock_timestamp() - query_start)::float8 AS seconds,
  left(regexp_replace(query, '\\s+', ' ', 'g'), 160) AS query
FROM pg_stat_activity
WHERE backend_type = 'client backend' AND state = 'active' AND pid <> pg_backend_pid()
  AND application_name <> 'operator' AND query_start IS NOT NULL
ORDER BY query_start ASC, pid
LIMIT 10`

/** Sessions waiting on a lock, each with a session blocking it. */
export const LOCKS = `
SELECT w.pid AS blocked_pid, coalesce(w.usename, '') AS blocked_user,
  extract(epoch FROM clock_timestamp() - w.query_start)::float8 AS waiting_s,
  left(regexp_replace(w.query, '\\s+', ' ', 'g'), 80) AS blocked_query,
  b.pid AS blocking_pid, coalesce(b.usename, '') AS blocking_user, coalesce(b.state, '') AS blocking_state,
  extract(epoch FROM clock_timestamp() - coalesce(b.xact_start, b.query_start))::float8 AS blocking_s,
  l.locktype, l.mode, l.relation
FROM pg_stat_activity w
CROSS JOIN LATERAL unnest(pg_blocking_pids(w.pid)) AS x(pid)
JOIN pg_stat_activity b ON b.pid = x.pid
LEFT JOIN LATERAL (
  SELECT locktype, mode,
    CASE WHEN database = (SELECT oid FROM pg_database WHERE datname = current_database())
      THEN relation::regclass::text END AS relation
  FROM pg_locks WHERE pid = w.pid AND NOT granted LIMIT 1
) l ON true
WHERE w.wait_event_type = 'Lock'
ORDER BY waiting_s DESC NULLS LAST, w.pid, b.pid
LIMIT 20`

/** Whether this server is a standby (and its replay lag), and each replica streaming from it. */
export const REPLICATION = `
SELECT s.standby, s.standby_lag_s, r.name, r.addr, r.state, r.sync_state, r.lag_s, r.lag_bytes
FROM (
  SELECT pg_is_in_recovery() AS standby,
    CASE WHEN pg_is_in_recovery()
      THEN extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp())::float8 END AS standby_lag_s
) s
LEFT JOIN LATERAL (
  SELECT coalesce(application_name, '') AS name, coalesce(client_addr::text, '') AS addr, coalesce(state, '') AS state,
    coalesce(sync_state, '') AS sync_state,
    extract(epoch FROM replay_lag)::float8 AS lag_s,
    CASE WHEN pg_is_in_recovery() THEN NULL
      ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::float8 END AS lag_bytes
  FROM pg_stat_replication
  ORDER BY application_name, pid
) r ON true`

/** The largest databases (sizes the role may read; pg_monitor may read them all). */
export const SIZES = `
SELECT datname AS name,
  (CASE WHEN has_database_privilege(oid, 'CONNECT') OR pg_has_role('pg_read_all_stats', 'MEMBER')
    THEN pg_database_size(oid) END)::float8 AS bytes
FROM pg_database
WHERE datallowconn AND NOT datistemplate
ORDER BY bytes DESC NULLS LAST, datname
LIMIT 10`

export const PING = 'SELECT 1'
