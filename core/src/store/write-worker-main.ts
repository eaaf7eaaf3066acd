// The write worker's thread (see write-worker.ts): its own connection to the SQLite file; jobs that arrive while it is
// busy are written together in one transaction.
import { parentPort, workerData } from 'node:worker_threads'
import { openSqlite } from './open.js'
import { insertOne, messageValues, SqlMessageRepository } from './messages.js'
import { completeOne, SqlIdempotencyStore } from './idempotency.js'
import { SqlPageStore } from './pages.js'
import { compile, type SqlValue } from './sql.js'
import type { WorkerJob, WorkerReply } from './write-worker.js'
import { oneLine } from '../dispatch/one-line.js'

type WriteJob = Extract<WorkerJob, { kind: 'messages' | 'answers' }>

const port = parentPort!
const db = await openSqlite({ engine: 'sqlite', dataDir: (workerData as { dataDir: string }).dataDir, databaseUrl: '' })
const messages = new SqlMessageRepository(db, Date.now)
const idempotency = new SqlIdempotencyStore(db, Date.now)
const pages = new SqlPageStore(db, Date.now)
let queue: WriteJob[] = []
let scheduled = false

function reply (r: WorkerReply): void {
  port.postMessage(r)
}

// Compiled once: each row then only binds its values to the prepared statement.
const INSERT_MESSAGE = compile(insertOne({ direction: 'in', channel: '', number: '', outcome: 'answered' }, 0), 'sqlite').text
const COMPLETE_ANSWER = compile(completeOne('', '', 0), 'sqlite').text

function batch (job: WriteJob, now: number): { text: string, rows: SqlValue[][] } {
  if (job.kind === 'messages') return { text: INSERT_MESSAGE, rows: job.rows.map((m) => messageValues(m, now)) }
  return { text: COMPLETE_ANSWER, rows: job.rows.map((a) => [a.key, a.answer, now + a.ttlMs]) }
}

/** Everything queued in one transaction; if that fails, each job on its own, so one bad job fails only itself. */
function writeQueued (): void {
  scheduled = false
  const jobs = queue
  queue = []
  const now = Date.now()
  try {
    db.runPreparedNow(jobs.map((job) => batch(job, now)))
    for (const job of jobs) reply({ id: job.id, ok: true, count: job.rows.length })
    return
  } catch {}
  for (const job of jobs) {
    try {
      db.runPreparedNow([batch(job, now)])
      reply({ id: job.id, ok: true, count: job.rows.length })
    } catch (err) {
      reply({ id: job.id, ok: false, error: oneLine(err) })
    }
  }
}

async function prune (job: Extract<WorkerJob, { kind: 'prune' }>): Promise<void> {
  try {
    const count = job.what === 'messages' ? await messages.prune(job.days) : job.what === 'idempotency' ? await idempotency.prune() : await pages.prune()
    reply({ id: job.id, ok: true, count })
  } catch (err) {
    reply({ id: job.id, ok: false, error: oneLine(err) })
  }
}

port.on('message', (job: WorkerJob) => {
  if (job.kind === 'prune') {
    void prune(job)
  } else if (job.kind === 'close') {
    if (queue.length > 0) writeQueued()
    void db.close().then(() => { port.close() })
  } else {
    queue.push(job)
    if (!scheduled) {
      scheduled = true
      setImmediate(writeQueued)
    }
  }
})
