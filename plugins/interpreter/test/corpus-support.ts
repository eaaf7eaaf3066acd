import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createTestOperator, type TestOperator } from '@operator/core/testing'

export const CORPUS_DIR = fileURLToPath(new URL('../corpus/', import.meta.url))
/** The corpus's clock: 2026-11-25 15:30 UTC, so `since 2pm` is 90m. */
export const CORPUS_NOW = Date.UTC(2026, 10, 25, 15, 30)

/** Every first-party plugin, its backend at a dead loopback port (nothing connects until a command runs). */
export const ALL_PLUGINS_ENV: Readonly<Record<string, string>> = {
  PROMETHEUS_URL: 'http://127.0.0.1:9',
  DATADOG_API_KEY: 'corpus-api-key',
  DATADOG_APP_KEY: 'corpus-app-key',
  DATADOG_URL: 'http://127.0.0.1:9',
  LOGS_TYPE: 'elasticsearch',
  LOGS_URL: 'http://127.0.0.1:9',
  DB_URL: 'postgres://corpus@127.0.0.1:9/corpus',
  DB_STATS_URL: 'http://127.0.0.1:9/stats',
  GATEWAY_TYPE: 'kong',
  GATEWAY_URL: 'http://127.0.0.1:9'
}

export interface Example {
  readonly file: string
  readonly text: string
  readonly expected: string
}

/** `text<TAB>expected` lines of the `.tsv` files named (all but pending.tsv when none are named). */
export function readExamples (files?: readonly string[]): Example[] {
  const names = files ?? readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.tsv') && f !== 'pending.tsv').sort()
  return names.flatMap((file) => readFileSync(join(CORPUS_DIR, file), 'utf8').split('\n').filter((l) => l.trim() !== '').map((line) => {
    const [text, expected] = line.split('\t')
    if (text === undefined || expected === undefined) throw new Error(`${file}: '${line}' needs text<TAB>expected`)
    return { file, text, expected }
  }))
}

export function readNegatives (): string[] {
  return readFileSync(join(CORPUS_DIR, 'negatives.txt'), 'utf8').split('\n').filter((l) => l.trim() !== '')
}

/** A daemon with every first-party plugin and the store (for the `store` system), on the corpus's clock. */
export async function corpusOperator (): Promise<{ op: TestOperator; close: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'operator-corpus-'))
  const op = await createTestOperator({ env: { ...ALL_PLUGINS_ENV, OPERATOR_DATA_DIR: dir }, config: { plugins: [] }, now: () => CORPUS_NOW })
  return { op, close: async () => { await op.close(); rmSync(dir, { recursive: true, force: true }) } }
}
