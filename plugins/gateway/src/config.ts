import type { JsonSchema } from '@operator/core'
import { configError } from './errors.js'
import { parsePath, type PathStep } from './json-path.js'

export const GATEWAY_TYPES = ['kong', 'aws', 'custom'] as const
export type GatewayType = (typeof GATEWAY_TYPES)[number]

/**
 * The named values every driver reports (as far as its backend knows them) and thresholds apply to. `status` is a
 * word (`ok`, `degraded`, `down` and their usual synonyms); the rest are numbers.
 */
export const FIELD_NAMES = ['status', 'rpm', 'errorRate', 'clientErrorRate', 'p50Ms', 'p90Ms', 'p99Ms', 'avgMs', 'unhealthy'] as const
export type FieldName = (typeof FIELD_NAMES)[number]
export type NumericField = Exclude<FieldName, 'status'>

export interface Threshold {
  readonly degraded?: number
  readonly down?: number
}
export type Thresholds = Partial<Record<NumericField, Threshold>>

export interface FieldPath {
  readonly path: string
  readonly steps: readonly PathStep[]
}

export interface GatewayConfig {
  readonly type: GatewayType
  readonly url?: string
  readonly adminKey?: string
  readonly timeoutMs: number
  readonly apiName?: string
  readonly apiId?: string
  readonly stage?: string
  readonly region?: string
  readonly fields: Partial<Record<FieldName, FieldPath>>
  readonly thresholds: Thresholds
}

/** 5xx error rate in percent: 1% marks the gateway degraded, 5% down, unless `thresholds` says otherwise. */
export const DEFAULT_THRESHOLDS: Thresholds = { errorRate: { degraded: 1, down: 5 } }

const threshold = {
  type: 'object',
  properties: { degraded: { type: 'number' }, down: { type: 'number' } },
  additionalProperties: false
}

export const configSchema: JsonSchema = {
  type: 'object',
  properties: {
    type: { type: 'string', enum: [...GATEWAY_TYPES] },
    url: { type: 'string', pattern: '^https?://[^\\s]+$', expected: 'an http(s) URL' },
    adminKey: { type: 'string' },
    timeoutMs: { type: 'integer', minimum: 100, maximum: 60000, default: 4000 },
    apiName: { type: 'string', minLength: 1 },
    apiId: { type: 'string', minLength: 1 },
    stage: { type: 'string', minLength: 1 },
    region: { type: 'string', minLength: 1 },
    // Objects in the config file; from the environment a JSON string (GATEWAY_FIELDS, GATEWAY_THRESHOLDS).
    fields: {
      anyOf: [
        { type: 'object', additionalProperties: false, properties: Object.fromEntries(FIELD_NAMES.map((f) => [f, { type: 'string', minLength: 1 }])) },
        { type: 'string' }
      ]
    },
    thresholds: {
      anyOf: [
        { type: 'object', additionalProperties: false, properties: Object.fromEntries(FIELD_NAMES.filter((f) => f !== 'status').map((f) => [f, threshold])) },
        { type: 'string' }
      ]
    }
  },
  required: ['type'],
  additionalProperties: false,
  allOf: [
    { if: { required: ['type'], properties: { type: { const: 'kong' } } }, then: { required: ['url'] } },
    { if: { required: ['type'], properties: { type: { const: 'custom' } } }, then: { required: ['url', 'fields'] } },
    { if: { required: ['type'], properties: { type: { const: 'aws' } } }, then: { required: ['stage'] } }
  ]
}

export const envMap: Readonly<Record<string, string>> = {
  GATEWAY_TYPE: 'type',
  GATEWAY_URL: 'url',
  GATEWAY_ADMIN_KEY: 'adminKey',
  GATEWAY_TIMEOUT_MS: 'timeoutMs',
  GATEWAY_AWS_API_NAME: 'apiName',
  GATEWAY_AWS_API_ID: 'apiId',
  GATEWAY_AWS_STAGE: 'stage',
  GATEWAY_AWS_REGION: 'region',
  GATEWAY_FIELDS: 'fields',
  GATEWAY_THRESHOLDS: 'thresholds'
}

function fromJson (key: string, variable: string, value: unknown): unknown {
  if (typeof value !== 'string') return value
  try {
    return JSON.parse(value)
  } catch {
    throw configError(`gateway config key '${key}' (${variable}) must be a JSON object`)
  }
}

function isObject (value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function readFields (raw: unknown): Partial<Record<FieldName, FieldPath>> {
  const value = fromJson('fields', 'GATEWAY_FIELDS', raw ?? {})
  if (!isObject(value)) throw configError("gateway config key 'fields' must map field names to JSON paths")
  const fields: Partial<Record<FieldName, FieldPath>> = {}
  for (const [name, path] of Object.entries(value)) {
    if (!(FIELD_NAMES as readonly string[]).includes(name)) {
      throw configError(`gateway config key 'fields.${name}' is not a known field (${FIELD_NAMES.join(', ')})`)
    }
    const steps = typeof path === 'string' ? parsePath(path) : undefined
    if (steps === undefined) throw configError(`gateway config key 'fields.${name}' is not a JSON path like data.stats[0].rpm`)
    fields[name as FieldName] = { path: path as string, steps }
  }
  return fields
}

function readThresholds (raw: unknown): Thresholds {
  if (raw === undefined) return DEFAULT_THRESHOLDS
  const value = fromJson('thresholds', 'GATEWAY_THRESHOLDS', raw)
  if (!isObject(value)) throw configError("gateway config key 'thresholds' must map field names to { degraded, down }")
  const out: Partial<Record<NumericField, Threshold>> = {}
  for (const [name, t] of Object.entries(value)) {
    if (name === 'status' || !(FIELD_NAMES as readonly string[]).includes(name)) {
      throw configError(`gateway config key 'thresholds.${name}' is not a numeric field`)
    }
    const ok = isObject(t) && Object.entries(t).every(([k, v]) => (k === 'degraded' || k === 'down') && typeof v === 'number' && Number.isFinite(v))
    if (!ok) throw configError(`gateway config key 'thresholds.${name}' must be { "degraded": number, "down": number }`)
    out[name as NumericField] = t as Threshold
  }
  return out
}

/** The validated config (Ajv has checked the shape and filled defaults) made into typed values, JSON strings parsed. */
export function readConfig (raw: Record<string, unknown>): GatewayConfig {
  const type = raw.type as GatewayType
  if (type === 'aws' && raw.apiName === undefined && raw.apiId === undefined) {
    throw configError("gateway config key 'apiName' is required for type aws (set GATEWAY_AWS_API_NAME, or apiId for an HTTP API)")
  }
  const str = (key: string): string | undefined => typeof raw[key] === 'string' && raw[key] !== '' ? raw[key] as string : undefined
  return {
    type,
    url: str('url'),
    adminKey: str('adminKey'),
    timeoutMs: typeof raw.timeoutMs === 'number' ? raw.timeoutMs : 4000,
    apiName: str('apiName'),
    apiId: str('apiId'),
    stage: str('stage'),
    region: str('region'),
    fields: type === 'custom' ? readFields(raw.fields) : {},
    thresholds: readThresholds(raw.thresholds)
  }
}
