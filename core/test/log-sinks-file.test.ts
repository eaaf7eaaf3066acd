// Issue 14 item 5: LOG_FILE writes the daemon's JSON lines to a file that rotates by size and at midnight, keeping
// LOG_FILE_KEEP old files; bad settings are start-up errors naming the variable.
import t from 'tap'
import { mock } from 'node:test'
import { existsSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { setImmediate as turn, setTimeout as sleep } from 'node:timers/promises'
import { pino } from 'pino'
import { loggerOptions, StdoutLog } from '../src/logging.js'
import { CURRENT_LINK, DaemonLogs, logFileSettings, openLogFile, pinoRollOptions } from '../src/log-sinks/index.js'

/** pino-roll itself, run in this thread with the daemon's options, for the test that moves the clock. */
const pinoRoll = createRequire(import.meta.url)('pino-roll') as (options: Record<string, unknown>) => Promise<{ write (s: string): boolean, end (): void, once (e: string, f: () => void): void }>

function tempDir (): string {
  const dir = mkdtempSync(join(tmpdir(), 'operator-log-file-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** The log files in `dir` (not the symlink), oldest number first. */
function logFiles (dir: string): string[] {
  return readdirSync(dir).filter((f) => f !== CURRENT_LINK && f.endsWith('.log')).sort((a, b) =>
    Number(a.split('.').at(-2)) - Number(b.split('.').at(-2)))
}

t.test('LOG_FILE settings: defaults, sizes, and a clear error for each bad value', async (t) => {
  t.equal(logFileSettings({}), undefined, 'no LOG_FILE: no file')
  t.equal(logFileSettings({ LOG_FILE: '' }), undefined)
  t.same(logFileSettings({ LOG_FILE: '/var/log/operator/operator.log' }), { file: '/var/log/operator/operator.log', size: '10m', keep: 7 })
  t.same(logFileSettings({ LOG_FILE: 'x.log', LOG_FILE_SIZE: '500K', LOG_FILE_KEEP: '30' }), { file: 'x.log', size: '500k', keep: 30 })
  t.throws(() => logFileSettings({ LOG_FILE: 'x.log', LOG_FILE_SIZE: '10 MB' }),
    { code: 'OPR_ERR_CONFIG_ENV_VALUE', message: /LOG_FILE_SIZE=10 MB: must be a size like 500k, 10m or 1g/ })
  t.throws(() => logFileSettings({ LOG_FILE: 'x.log', LOG_FILE_SIZE: '10' }), { message: /LOG_FILE_SIZE=10:/ }, 'a unit is required')
  t.throws(() => logFileSettings({ LOG_FILE: 'x.log', LOG_FILE_KEEP: '0' }), { message: /LOG_FILE_KEEP=0: must be a whole number/ })
  t.throws(() => logFileSettings({ LOG_FILE: 'x.log', LOG_FILE_KEEP: 'all' }), { message: /LOG_FILE_KEEP=all:/ })
})

t.test('a LOG_FILE that cannot be written is a start-up error naming it', async (t) => {
  const dir = tempDir()
  writeFileSync(join(dir, 'plain'), '')
  const file = join(dir, 'plain', 'operator.log')
  t.throws(() => openLogFile({ file, size: '1m', keep: 1 }),
    { code: 'OPR_ERR_CONFIG_ENV_VALUE', message: new RegExp(`LOG_FILE=${file}: cannot be written \\(`) })
})

t.test('rotation by size: numbered files of JSON lines, the oldest beyond LOG_FILE_KEEP removed, current.log on the newest', async (t) => {
  const dir = tempDir()
  const logs = new DaemonLogs(new StdoutLog(openSync('/dev/null', 'w')))
  await logs.open({ file: { file: join(dir, 'operator.log'), size: '1k', keep: 2 }, transports: [] }, 'info', false)
  const log = pino(loggerOptions({ format: 'json', level: 'info', stream: logs.stream }) as pino.LoggerOptions, logs.stream)
  // Written in rounds with turns between, as a daemon writes: pino-roll rotates once a write has landed past the limit.
  for (let round = 0; round < 20; round++) {
    for (let i = 0; i < 10; i++) log.info({ round, i, filler: 'x'.repeat(40) }, 'line')
    // The file is written by pino-roll in a worker: give it a moment between rounds (nothing here asserts a time).
    await sleep(20)
  }
  await logs.close()

  const files = logFiles(dir)
  t.ok(files.length >= 2, `several files after rotation: ${files.join(', ')}`)
  t.ok(files.length <= 3, 'at most LOG_FILE_KEEP old files plus the current one')
  const day = /^operator\.\d{4}-\d{2}-\d{2}\.\d+\.log$/
  for (const f of files) t.match(f, day, `${f} is named operator.<date>.<n>.log`)
  const lines = files.flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter((l) => l !== ''))
  t.ok(lines.length > 0)
  for (const line of lines) {
    const record = JSON.parse(line) as { msg?: string; level?: number }
    if (record.msg !== 'line' || record.level !== 30) t.fail(`not one of our JSON lines: ${line}`)
  }
  const rotated = files.slice(0, -1)
  // pino-roll counts what lands while it rolls toward the next file, so a file ends near the limit, not at it.
  t.ok(rotated.every((f) => statSync(join(dir, f)).size > 0), 'no rotated file is empty')
  const order = lines.map((l) => { const r = JSON.parse(l) as { round: number; i: number }; return r.round * 10 + r.i })
  t.same(order, [...order].sort((a, b) => a - b), 'lines stay in order across the files')
  t.equal(order.at(-1), 199, 'the last line written is in the newest file')
  t.equal(readlinkSync(join(dir, CURRENT_LINK)), files.at(-1), 'current.log points at the newest file')
  t.notOk(lines.some((l) => JSON.parse(l).round === 0), 'the oldest lines went with the files beyond LOG_FILE_KEEP')
})

t.test('rotation by day: at local midnight a new file with the new date, driven by a mocked clock', async (t) => {
  // The daemon runs pino-roll in a worker, where this test cannot move the clock: the same options, in this thread.
  const dir = tempDir()
  const file = join(dir, 'operator.log')
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: new Date(2026, 10, 25, 23, 59, 58).getTime() })
  t.teardown(() => mock.timers.reset())
  const log = await pinoRoll({ ...pinoRollOptions({ file, size: '10m', keep: 3 }), sync: false })
  log.write('{"msg":"before midnight"}\n')
  const first = join(dir, 'operator.2026-11-25.1.log')
  // sonic-boom writes on real file system callbacks: wait (in turns, not time) until the line has landed.
  for (let w = 0; w < 1000 && (!existsSync(first) || statSync(first).size === 0); w++) await turn()
  mock.timers.tick(3000)
  const second = join(dir, 'operator.2026-11-26.1.log')
  for (let w = 0; w < 1000 && readlinkSync(join(dir, CURRENT_LINK)) !== 'operator.2026-11-26.1.log'; w++) await turn()
  log.write('{"msg":"after midnight"}\n')
  for (let w = 0; w < 1000 && (!existsSync(second) || statSync(second).size === 0); w++) await turn()
  log.end()

  t.same(logFiles(dir), ['operator.2026-11-25.1.log', 'operator.2026-11-26.1.log'])
  t.equal(readFileSync(first, 'utf8'), '{"msg":"before midnight"}\n')
  t.equal(readFileSync(second, 'utf8'), '{"msg":"after midnight"}\n')
})
