import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { pino } from 'pino'
import { readDotEnv } from '../app.js'
import { parseHistoryParams, type HistoryParams } from '../history/filters.js'
import { createHistoryView } from '../history/view.js'
import { openStore, storeLocation } from '../store/open.js'
import { storeSettings, SQLITE_FILE } from '../store/settings.js'
import { MIGRATIONS } from '../store/migrations.js'
import type { MessageQuery, Store } from '../store/types.js'
import { startupMessage, EXIT_CONFIG } from './boot.js'
import { asStored, historyJson, historyTable, masked } from './history-render.js'

export const HISTORY_USAGE = `usage: operator history [--since 1h] [--until <time>] [--from <number>] [--command db] [--outcome error]
                        [--direction in|out] [--text <words>] [--limit N] [--json] [--full-numbers]
  Newest first, from the store the daemon writes (OPERATOR_DATA_DIR or DATABASE_URL, .env read from here).
  --since/--until: a duration back from now (30m, 1h, 7d, 2w) or an ISO date (2026-11-25, 2026-11-25T10:00Z)
  --from: messages from or to this number, in any common writing
  --limit: 1 to 1000 (default 20); --json: one object per line
  Numbers are masked (+1415***0100) unless --full-numbers.`

const EXIT_USAGE = 2
const DEFAULT_LIMIT = '20'
// The store logs nothing a one-shot read needs: what goes wrong is the one line this command prints.
const QUIET_LOG = pino({ level: 'silent' })

/** Flags that take a value, and the query field each fills. */
const VALUE_FLAGS: Readonly<Record<string, keyof HistoryParams>> = {
  '--since': 'since',
  '--until': 'until',
  '--from': 'number',
  '--number': 'number',
  '--command': 'command',
  '--outcome': 'outcome',
  '--direction': 'direction',
  '--text': 'text',
  '--limit': 'limit'
}

export interface HistoryArgs {
  readonly params: HistoryParams
  readonly json: boolean
  readonly fullNumbers: boolean
  readonly help: boolean
}

/** The command line, or one line saying what is wrong with it. */
export function parseHistoryArgs (args: readonly string[]): HistoryArgs | string {
  const params: { -readonly [K in keyof HistoryParams]: string } = { limit: DEFAULT_LIMIT }
  let json = false
  let fullNumbers = false
  let help = false
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    const eq = arg.indexOf('=')
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg
    if (flag === '--json' || flag === '--full-numbers' || flag === '--help' || flag === '-h') {
      if (flag !== arg) return `${flag} takes no value`
      if (flag === '--json') json = true
      else if (flag === '--full-numbers') fullNumbers = true
      else help = true
      continue
    }
    const field = VALUE_FLAGS[flag]
    if (field === undefined) return `unknown option '${arg.slice(0, 30)}'`
    const value = flag !== arg ? arg.slice(eq + 1) : args[++i]
    if (value === undefined || value.trim() === '') return `${flag} needs a value`
    params[field] = value
  }
  return { params, json, fullNumbers, help }
}

/** How the query's fields are called on this command line. */
const flagName = (field: string): string => (field === 'number' ? '--from' : `--${field}`)

export interface HistoryCommandOptions {
  /** The environment (default process.env over .env in `cwd`). */
  readonly env?: Readonly<Record<string, string | undefined>>
  readonly cwd?: string
  readonly now?: number
  readonly stdout?: (line: string) => void
  readonly stderr?: (line: string) => void
}

/** The store to read, or why there is none (a line for stderr and the exit code). */
async function openForReading (env: Readonly<Record<string, string | undefined>>, cwd: string): Promise<Store | [string, number]> {
  let settings
  try {
    settings = storeSettings(env, cwd)
  } catch (err) {
    return [startupMessage(err), EXIT_CONFIG]
  }
  // Reading never creates a store: an empty one would hide a wrong OPERATOR_DATA_DIR or working directory.
  if (settings.engine === 'sqlite' && !existsSync(join(settings.dataDir, SQLITE_FILE))) {
    return [`operator history: no store at ${storeLocation(settings)}; the daemon creates it at its first start (OPERATOR_DATA_DIR names another directory)`, EXIT_CONFIG]
  }
  let store
  try {
    store = await openStore(settings, QUIET_LOG)
  } catch (err) {
    return [startupMessage(err), EXIT_CONFIG]
  }
  const check = await store.check()
  const problem = check.status === 'down'
    ? `the store at ${check.location} is down (${String(check.error)})`
    : check.pending.includes(MIGRATIONS[0]!.version)
      ? `the store at ${check.location} has no history yet: its migrations are pending (the daemon applies them at start)`
      : undefined
  if (problem === undefined) return store
  await store.close()
  return [`operator history: ${problem}`, EXIT_CONFIG]
}

/**
 * `operator history`: the newest messages matching the flags, read from the store while the daemon keeps writing it
 * (SQLite in WAL mode lets a reader in beside the writer; PostgreSQL is shared anyway). Exit 0 with what was found
 * (an empty history says so), 1 when there is no store to read, 2 for a bad command line.
 */
export async function historyCommand (args: readonly string[], options: HistoryCommandOptions = {}): Promise<number> {
  const out = options.stdout ?? ((line: string) => { process.stdout.write(`${line}\n`) })
  const err = options.stderr ?? ((line: string) => { process.stderr.write(`${line}\n`) })
  const parsed = parseHistoryArgs(args)
  if (typeof parsed === 'string') {
    err(`operator history: ${parsed} (operator history --help shows the options)`)
    return EXIT_USAGE
  }
  if (parsed.help) {
    out(HISTORY_USAGE)
    return 0
  }
  let query: MessageQuery
  try {
    query = parseHistoryParams(parsed.params, options.now ?? Date.now(), flagName)
  } catch (e) {
    err(`operator history: ${(e as Error).message}`)
    return EXIT_USAGE
  }
  const cwd = options.cwd ?? process.cwd()
  let store: Store | [string, number]
  try {
    store = await openForReading(options.env ?? { ...readDotEnv(cwd), ...process.env }, cwd)
  } catch (e) {
    store = [startupMessage(e), EXIT_CONFIG]
  }
  if (Array.isArray(store)) {
    err(store[0])
    return store[1]
  }
  const open = store
  const page = await createHistoryView(open).query(query).finally(async () => { await open.close() }).catch((e: unknown) => e as Error)
  if (page instanceof Error) {
    err(`operator history: ${page.message.split('\n')[0]!}`)
    return EXIT_CONFIG
  }
  const show = parsed.fullNumbers ? asStored : masked
  // The JSON form keeps stdout for records only: notes go to stderr.
  const note = parsed.json ? err : out
  if (page.items.length === 0) {
    note(Object.keys(query).some((k) => k !== 'limit') ? 'No messages match these filters.' : 'No messages in the history yet.')
    return 0
  }
  if (parsed.json) for (const record of page.items) out(historyJson(record, show))
  else out(historyTable(page.items, show))
  if (page.next !== undefined) note(`(the newest ${page.items.length} shown; older ones match too: raise --limit or narrow --since)`)
  return 0
}
