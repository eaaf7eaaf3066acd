// Fan-out: `health` and `status` over six systems answering in 100 ms each, then with one never answering. Every check
// runs at once under its own deadline, so the total should be about the slowest check (or the deadline), never the sum.
import { createTestOperator } from '../core/dist/testing/index.js'
import { sixSystems } from './systems.js'
import { median, printTable, round, writeResult } from './lib.js'

const DELAY_MS = 100
const DEADLINE_MS = 1000
const RUNS = 7

async function timeCommand (op, text, runs) {
  const times = []
  let reply = ''
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    reply = await op.exec(text)
    times.push(performance.now() - t0)
  }
  return { median: round(median(times), 1), min: round(Math.min(...times), 1), max: round(Math.max(...times), 1), reply }
}

export async function fanout () {
  const rows = []
  const data = { delayMs: DELAY_MS, deadlineMs: DEADLINE_MS, runs: RUNS, cases: {} }
  for (const scenario of [{ name: 'six answering in 100 ms', hangIndex: -1 }, { name: 'one never answering', hangIndex: 2 }]) {
    const systems = await sixSystems({ delayMs: DELAY_MS, hangIndex: scenario.hangIndex })
    const op = await createTestOperator({ plugins: systems.plugins, env: { HEALTH_DEADLINE_MS: String(DEADLINE_MS), COMMAND_DEADLINE_MS: '5000' } })
    try {
      await op.exec('health') // warm: pools connected, code compiled
      for (const command of ['health', 'status']) {
        const r = await timeCommand(op, command, RUNS)
        const expected = scenario.hangIndex === -1 ? DELAY_MS : DEADLINE_MS
        const sum = scenario.hangIndex === -1 ? 6 * DELAY_MS : 5 * DELAY_MS + DEADLINE_MS
        rows.push([scenario.name, command, r.median, r.min, r.max, expected, round(r.median - expected, 1), sum])
        data.cases[`${scenario.name}: ${command}`] = { ...r, slowestCheckMs: expected, sumMs: sum }
      }
    } finally {
      await op.close()
      await systems.close()
    }
  }
  printTable(`Fan-out over six systems (fakes answer in ${DELAY_MS} ms; per-check deadline ${DEADLINE_MS} ms; ms, ${RUNS} runs)`,
    ['case', 'command', 'median', 'min', 'max', 'slowest check', 'overhead', 'sum if serial'], rows)
  const hung = data.cases['one never answering: health']
  process.stdout.write(`(reply with one hung system: ${JSON.stringify(hung.reply.split('\n').find((l) => l.startsWith('charlie')) ?? hung.reply)})\n`)
  return { file: writeResult('fanout', data) }
}
