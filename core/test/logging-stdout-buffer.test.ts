// StdoutLog in this process, on a FIFO standing in for the daemon's stdout: what it keeps, drops, counts and reports.
import t, { type Test } from 'tap'
import { execFileSync } from 'node:child_process'
import { closeSync, constants, fstatSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { StdoutLog, loggerOptions } from '../src/logging.js'

/** A FIFO opened non-blocking at both ends, as a pipe or socket on a daemon's fd 1 is; the test closes its log. */
function fifo (t: Test, logClosesWriter = true): { readFd: number; writeFd: number; read: () => string; closeReader: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'operator-log-fifo-'))
  const path = join(dir, 'stdout')
  execFileSync('mkfifo', [path])
  const readFd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK)
  const writeFd = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK)
  let readerOpen = true
  const closeReader = (): void => { if (readerOpen) { readerOpen = false; closeSync(readFd) } }
  t.teardown(async () => {
    // StdoutLog.close() closes the write end itself, asynchronously: wait for that before the next test opens files
    // (which could otherwise be given this number and be closed in its stead).
    for (let i = 0; logClosesWriter && i < 250; i++) {
      try { fstatSync(writeFd) } catch { break }
      await tick()
    }
    if (!logClosesWriter) closeSync(writeFd)
    closeReader()

    rmSync(dir, { recursive: true, force: true })
  })
  const buf = Buffer.alloc(65536)
  return {
    readFd,
    writeFd,
    closeReader,
    read () {
      let out = ''
      for (;;) {
        try {
          const n = readSync(readFd, buf)
          if (n === 0) return out
          out += buf.toString('utf8', 0, n)
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'EAGAIN') return out
          throw err
        }
      }
    }
  }
}

const line = (i: number): string => `${JSON.stringify({ i, pad: 'x'.repeat(1000) })}\n`
const tick = async (ms = 20): Promise<void> => await new Promise((resolve) => setTimeout(resolve, ms))

/** Settles with `what` resolved, or with `timed out` after 10 s, so a regression fails instead of hanging. */
async function within<T> (what: Promise<T>): Promise<T | 'timed out'> {
  let timer: NodeJS.Timeout | undefined
  const out = await Promise.race([what, new Promise<'timed out'>((resolve) => { timer = setTimeout(() => resolve('timed out'), 10_000) })])
  clearTimeout(timer)
  return out
}

t.test('a stuck reader: lines past the buffer are dropped and counted, and one warning gives the count once it drains', async (t) => {
  const pipe = fifo(t)
  const log = new StdoutLog(pipe.writeFd, 64 * 1024)
  const reports: Array<{ obj: Record<string, unknown>; msg: string }> = []
  log.reportDropsTo({ warn: (obj, msg) => { reports.push({ obj: obj as Record<string, unknown>, msg }) } })
  for (let i = 0; i < 1000; i++) log.stream.write(line(i))
  const dropped = log.dropped
  t.ok(dropped > 0 && dropped < 1000, `some lines were dropped (${dropped}), the ones that fit were kept`)

  let out = ''
  for (let i = 0; i < 500 && reports.length === 0; i++) {
    out += pipe.read()
    await tick()
  }
  out += pipe.read()
  t.equal(reports.length, 1, 'one report once the buffer drained')
  t.equal(reports[0]?.obj.droppedLines, dropped, 'with the number of lines dropped')
  t.equal(reports[0]?.obj.bufferBytes, 64 * 1024)
  t.match(reports[0]?.msg, /log lines dropped/)
  t.equal(log.dropped, 0, 'the count starts again after a report')
  const kept = out.trim().split('\n').map((l) => JSON.parse(l) as { i: number })
  t.equal(kept.length, 1000 - dropped, 'every line not dropped arrived whole')
  t.same(kept.slice(0, 3).map((k) => k.i), [0, 1, 2], 'the oldest lines are the ones kept, in order')
  t.equal(await within(log.close(1000)), undefined)
})

t.test('close() waits for buffered lines while the reader keeps up, then stops writing', async (t) => {
  const pipe = fifo(t)
  const log = new StdoutLog(pipe.writeFd, 1024 * 1024)
  let out = ''
  const reader = setInterval(() => { out += pipe.read() }, 5)
  t.teardown(() => clearInterval(reader))
  for (let i = 0; i < 300; i++) log.stream.write(line(i))
  t.equal(await within(log.close(5000)), undefined, 'close() resolves')
  clearInterval(reader)
  out += pipe.read()
  t.equal(out.trim().split('\n').length, 300, 'every buffered line was written before close() resolved')
  log.stream.write(line(301))
  await tick()
  t.equal(pipe.read(), '', 'lines after close() go nowhere (and do not throw)')
})

t.test('close() gives up on a reader that never reads: it resolves after its timeout', async (t) => {
  const pipe = fifo(t)
  const log = new StdoutLog(pipe.writeFd, 256 * 1024)
  for (let i = 0; i < 1000; i++) log.stream.write(line(i))
  t.equal(await within(log.close(200)), undefined, 'close() resolves although the pipe is full')
  t.equal(await within(log.close(200)), undefined, 'and again, at once')
  t.doesNotThrow(() => log.stream.write(line(0)))
})

t.test('a reader that went away (EPIPE): logging stops without an error reaching the caller, close() resolves', async (t) => {
  const pipe = fifo(t, false) // pino's EPIPE handling turns the destination's destroy() into a no-op
  const log = new StdoutLog(pipe.writeFd, 256 * 1024)
  pipe.closeReader()
  log.stream.write(line(0))
  await tick(100) // the asynchronous write meets EPIPE
  t.doesNotThrow(() => { for (let i = 0; i < 100; i++) log.stream.write(line(i)) }, 'writing on is harmless')
  t.equal(await within(log.close(5000)), undefined, 'close() resolves')
})

t.test('as the daemon uses it: JSON lines, secrets redacted, and the drop report written before close() resolves', async (t) => {
  const pipe = fifo(t)
  const log = new StdoutLog(pipe.writeFd, 64 * 1024)
  const options = loggerOptions({ format: 'json', stream: log.stream }) as Parameters<typeof pino>[0] & { stream?: unknown }
  t.equal(options.stream, log.stream, 'JSON output goes to the given stream')
  t.equal((loggerOptions({ format: 'pretty', stream: log.stream }) as { stream?: unknown }).stream, undefined,
    'pretty output keeps pino-pretty\'s own')
  const logger = pino(options, log.stream)
  log.reportDropsTo(logger)
  for (let i = 0; i < 300; i++) logger.info({ i, config: { token: 'tw-secret' }, pad: 'x'.repeat(1000) }, 'line')
  const dropped = log.dropped
  t.ok(dropped > 0, `lines were dropped (${dropped})`)
  let out = ''
  const reader = setInterval(() => { out += pipe.read() }, 5)
  t.teardown(() => clearInterval(reader))
  t.equal(await within(log.close(5000)), undefined, 'close() resolves')
  clearInterval(reader)
  out += pipe.read()
  const lines = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
  t.equal(lines.length, 300 - dropped + 1, 'the lines that fit, then the report')
  t.notMatch(out, /tw-secret/, 'redaction unchanged')
  t.same((lines[0]!.config as Record<string, unknown>).token, '[redacted]')
  const report = lines.at(-1)!
  t.equal(report.level, 40)
  t.equal(report.droppedLines, dropped)
  t.match(report.msg, /log lines dropped/)
})
