// `npm run bench`: every benchmark in turn, or the ones named (`node bench/run.js throughput fanout`).
// BENCH_DURATION (seconds per throughput run, default 10) and BENCH_RUNS (default 3) shorten or lengthen it.
// Needs the built packages: `npx tsc -b` first.
import { machine } from './lib.js'

const all = {
  throughput: async (o) => (await import('./throughput.js')).throughput(o),
  fanout: async (o) => (await import('./fanout.js')).fanout(o),
  startup: async (o) => (await import('./startup.js')).startup(o),
  'sms-cost': async (o) => (await import('./sms-cost.js')).smsCost(o),
  'history-page': async (o) => (await import('./history-page.js')).historyPage(o),
  interpreter: async (o) => (await import('./interpreter.js')).interpreter(o),
  alerts: async (o) => (await import('./alerts.js')).alerts(o),
  history: async () => (await import('./history.js')).historyCost()
}

const names = process.argv.slice(2)
for (const n of names) {
  if (!(n in all)) {
    process.stderr.write(`unknown benchmark '${n}'; choose from ${Object.keys(all).join(', ')}\n`)
    process.exit(2)
  }
}
const options = {
  duration: Number(process.env.BENCH_DURATION ?? 10),
  runs: Number(process.env.BENCH_RUNS ?? 3)
}
const m = machine()
process.stdout.write(`Operator benchmarks on ${m.cpus} x ${m.cpuModel}, ${m.memoryMiB} MiB, Node ${m.node}\n`)
for (const name of names.length > 0 ? names : Object.keys(all)) {
  const result = await all[name](options)
  process.stdout.write(`→ ${result.file}\n`)
}
