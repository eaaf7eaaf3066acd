import type { HttpClient, HealthStatus } from '@operator/core'
import type { FieldName, GatewayConfig } from '../config.js'
import { resolvePath } from '../json-path.js'
import { describeValues, judge, statusFromWord, type Reading, type Values } from '../reading.js'
import { explainHttpError } from './http-errors.js'
import type { GatewayDriver } from './types.js'

export const CUSTOM_BACKEND = 'custom endpoint'

export interface FieldRow {
  readonly field: FieldName
  readonly path: string
  /** As shown: `1.2k rpm`, `status ok`; undefined when the path is missing or the value unusable. */
  readonly shown: string | undefined
  readonly status: HealthStatus
  /** Why the row is not ok: `>= 5%`, `not in the answer`, `not a number`. */
  readonly note: string | undefined
}

interface Extracted {
  readonly values: Values
  readonly problems: string[]
  readonly rows: FieldRow[]
}

function toNumber (value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value)
  return undefined
}

/** Reads each mapped field from the document; a missing path or a non-number is named, never fatal. */
export function extract (doc: unknown, config: GatewayConfig): Extracted {
  const values: Values = {}
  const problems: string[] = []
  const rows: FieldRow[] = []
  for (const [field, { path, steps }] of Object.entries(config.fields) as Array<[FieldName, { path: string, steps: Array<string | number> }]>) {
    const found = resolvePath(doc, steps)
    if (!found.found) {
      problems.push(`no '${path}' in the answer`)
      rows.push({ field, path, shown: undefined, status: 'degraded', note: 'not in the answer' })
      continue
    }
    if (field === 'status') {
      const word = typeof found.value === 'string' || typeof found.value === 'boolean' || typeof found.value === 'number'
        ? String(found.value)
        : undefined
      if (word === undefined) {
        problems.push(`'${path}' is not a status word`)
        rows.push({ field, path, shown: undefined, status: 'degraded', note: 'not a status word' })
        continue
      }
      values.status = word
      const s = statusFromWord(word) ?? 'degraded'
      rows.push({ field, path, shown: `status ${word.slice(0, 24)}`, status: s, note: undefined })
      continue
    }
    const n = toNumber(found.value)
    if (n === undefined) {
      problems.push(`'${path}' is not a number`)
      rows.push({ field, path, shown: undefined, status: 'degraded', note: 'not a number' })
      continue
    }
    values[field] = n
    const j = judge(field, n, config.thresholds[field])
    rows.push({ field, path, shown: describeValues({ [field]: n })[0], status: j.status, note: j.note })
  }
  return { values, problems, rows }
}

/** The request path of the configured URL: the client's base is the origin, so a URL without a path stays as given. */
export function splitUrl (url: string): { base: string, path: string } {
  const u = new URL(url)
  const path = `${u.pathname}${u.search}`
  u.pathname = '/'
  u.search = ''
  u.hash = ''
  return { base: u.toString(), path }
}

export function createCustomDriver (http: HttpClient, path: string, config: GatewayConfig): GatewayDriver {
  async function fetchDoc (signal: AbortSignal): Promise<unknown> {
    try {
      return await http.getJson<unknown>(path, { signal, timeoutMs: config.timeoutMs })
    } catch (err) {
      throw explainHttpError(err, CUSTOM_BACKEND, 'check the credentials in GATEWAY_URL')
    }
  }

  async function read (signal: AbortSignal): Promise<{ reading: Reading, rows: FieldRow[] }> {
    const { values, problems, rows } = extract(await fetchDoc(signal), config)
    const reading: Reading = { status: problems.length > 0 ? 'degraded' : 'ok', values, problems, notes: [] }
    return { reading, rows }
  }

  return {
    type: 'custom',
    read: async (signal) => (await read(signal)).reading,
    overview: async (signal) => ({ reading: (await read(signal)).reading, extra: [] }),
    async details (signal) {
      return { kind: 'gateway.custom-fields', data: (await read(signal)).rows }
    },
    async close () {}
  }
}

