// The interpreter (issue 17): time to read one text, start-up (importing the plugin, then building its tables from
// every first-party plugin's phrases on the first text) and the memory those tables hold. Each text of the corpus is
// read many times; the baseline is dispatching the literal command in the same run: `help` typed, against `what can
// you do` read as `help` (both answered in the same tick, memory stores), so the difference is the interpreter's cost.
import { spawn } from 'node:child_process'
import { readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { createTestOperator } from '../core/dist/testing/index.js'
import { Reader, localSecondsIn } from '@operator/plugin-interpreter'
import { ALL_PLUGINS_ENV } from './startup.js'
import { median, printTable, ROOT, round, writeResult } from './lib.js'

const TARGETS = { p99Ms: 1, startupMs: 50, memoryMiB: 10 }
const CORPUS = join(ROOT, 'plugins/interpreter/corpus')

function corpusTexts () {
  const files = readdirSync(CORPUS).filter((f) => f.endsWith('.tsv') || f === 'negatives.txt')
  return files.flatMap((f) => readFileSync(join(CORPUS, f), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => l.split('\t')[0]))
}

function quantiles (samples) {
  const s = [...samples].sort((a, b) => a - b)
  const q = (p) => s[Math.min(s.length - 1, Math.floor(s.length * p))]
  return { p50: round(q(0.5) * 1000, 1), p99: round(q(0.99) * 1000, 1), max: round(s[s.length - 1] * 1000, 1) }
}

/** Milliseconds a fresh Node process spends importing the plugin once core is loaded (as the daemon loads it). */
async function importMs () {
  const script = "await import('@operator/core'); const t = performance.now(); await import('@operator/plugin-interpreter'); " +
    'process.stdout.write(String(performance.now() - t))'
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.on('data', (d) => { out += d })
  const code = await new Promise((resolve) => child.once('exit', resolve))
  if (code !== 0) throw new Error(`importing the interpreter exited ${code}`)
  return Number(out)
}

function gc () {
  setFlagsFromString('--expose-gc')
  runInNewContext('gc')()
}

export async function interpreter (options = {}) {
  const rounds = Math.max(20, (options.runs ?? 3) * 20)
  const dir = mkdtempSync(join(tmpdir(), 'operator-bench-interpreter-'))
  const op = await createTestOperator({ env: { ...ALL_PLUGINS_ENV, OPERATOR_DATA_DIR: dir }, config: { plugins: [] } })
  try {
    const host = op.app.operator.host
    const source = { commands: host.commands(), systems: host.systems() }
    const clock = localSecondsIn('UTC')
    const texts = corpusTexts()
    const now = Date.now()

    // Start-up: building the tables (what the first text pays), and importing the plugin in a fresh process.
    const builds = []
    for (let i = 0; i < 30; i++) {
      const t0 = performance.now()
      new Reader(source, clock).interpret('is the db ok', now)
      builds.push(performance.now() - t0)
    }
    const imports = []
    for (let i = 0; i < 5; i++) imports.push(await importMs())

    // Memory: what one reader holds once every corpus text has been read (its typo memo filled).
    gc()
    const before = process.memoryUsage().heapUsed
    const kept = new Reader(source, clock)
    for (const text of texts) kept.interpret(text, now)
    gc()
    const heapMiB = (process.memoryUsage().heapUsed - before) / 1048576

    // Per text: every corpus text, many times over, on a warm reader.
    const reader = new Reader(source, clock)
    for (const text of texts) reader.interpret(text, now)
    const perText = []
    for (let r = 0; r < rounds; r++) {
      for (const text of texts) {
        const t0 = performance.now()
        reader.interpret(text, now)
        perText.push(performance.now() - t0)
      }
    }

    // In dispatch: the literal command against the same command read from plain English, interleaved.
    const dispatcher = op.app.operator.dispatcher
    const sender = { id: '+14155550100', role: 'viewer', channel: 'sms' }
    const literal = []
    const interpreted = []
    const once = (text, into) => {
      const t0 = performance.now()
      const r = dispatcher.answer(text, sender)
      if (typeof r.then === 'function') throw new Error(`'${text}' did not answer in the same tick`)
      into.push(performance.now() - t0)
      return r
    }
    if (once('what can you do', []).interpreted !== 'help') throw new Error("'what can you do' is not read as help")
    for (let i = 0; i < rounds * 100; i++) {
      once('help', literal)
      once('what can you do', interpreted)
    }

    const read = quantiles(perText)
    const lit = quantiles(literal)
    const inter = quantiles(interpreted)
    const data = {
      texts: texts.length,
      reads: perText.length,
      perTextUs: read,
      dispatchUs: { literal: lit, interpreted: inter },
      startup: { buildMs: round(median(builds), 2), importMs: round(median(imports), 1) },
      heapMiB: round(heapMiB, 2)
    }
    data.startup.totalMs = round(data.startup.buildMs + data.startup.importMs, 1)
    data.targets = {
      p99: { limitMs: TARGETS.p99Ms, ms: read.p99 / 1000, met: read.p99 / 1000 < TARGETS.p99Ms },
      startup: { limitMs: TARGETS.startupMs, ms: data.startup.totalMs, met: data.startup.totalMs < TARGETS.startupMs },
      memory: { limitMiB: TARGETS.memoryMiB, mib: data.heapMiB, met: data.heapMiB < TARGETS.memoryMiB }
    }
    printTable(`Interpreter: ${texts.length} corpus texts x ${rounds} (microseconds per text), and dispatch of the literal command in the same run`,
      ['row', 'p50 us', 'p99 us', 'max us'],
      [
        ['read one text (Reader.interpret)', read.p50, read.p99, read.max],
        ['dispatch "help" (literal, baseline)', lit.p50, lit.p99, lit.max],
        ['dispatch "what can you do" (read as help)', inter.p50, inter.p99, inter.max]
      ])
    printTable('Interpreter start-up and memory', ['row', 'value'], [
      ['import the plugin after core, fresh process (ms, median of 5)', data.startup.importMs],
      ['build the tables from every first-party plugin (ms, median of 30)', data.startup.buildMs],
      ['heap held by one reader after the whole corpus (MiB)', data.heapMiB]
    ])
    const say = (met) => (met ? 'met' : 'NOT met')
    const t = data.targets
    process.stdout.write(`\ntarget: p99 per text < ${TARGETS.p99Ms} ms: ${Number(t.p99.ms.toPrecision(3))} ms, ${say(t.p99.met)}\n`)
    process.stdout.write(`target: start-up < ${TARGETS.startupMs} ms: ${t.startup.ms} ms, ${say(t.startup.met)}\n`)
    process.stdout.write(`target: memory < ${TARGETS.memoryMiB} MiB: ${t.memory.mib} MiB, ${say(t.memory.met)}\n`)
    return { file: writeResult('interpreter', data) }
  } finally {
    await op.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
