import type pg from 'pg'

// pg is imported on the first query, not at start-up: loading it costs time and memory a daemon that never runs
// `db` should not pay, and the plugin must have no side effects on import.
let loading: Promise<typeof pg> | undefined

export async function loadPg (): Promise<typeof pg> {
  loading ??= import('pg').then((m) => m.default)
  return await loading
}
