import { createHash } from 'node:crypto'
import { errors, type AlertBatch, type NormalizedAlert } from '@operator/core'

type Json = Record<string, unknown>

function isObject (v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function stringMap (v: unknown, where: string): Record<string, string> {
  if (v === undefined || v === null) return {}
  if (!isObject(v) || !Object.values(v).every((x) => typeof x === 'string')) throw new errors.ERR_ALERT_INVALID(`${where} must map names to strings`)
  return v as Record<string, string>
}

/** RFC 3339 → epoch ms; Alertmanager's zero time (`0001-01-01T00:00:00Z`, "not ended") → undefined. */
function time (v: unknown, where: string): number | undefined {
  if (v === undefined || v === null || v === '') return undefined
  const ms = typeof v === 'string' ? Date.parse(v) : Number.NaN
  if (Number.isNaN(ms)) throw new errors.ERR_ALERT_INVALID(`${where} must be an RFC 3339 time`)
  return ms <= 0 ? undefined : ms
}

function status (v: unknown, where: string): 'firing' | 'resolved' {
  if (v !== 'firing' && v !== 'resolved') throw new errors.ERR_ALERT_INVALID(`${where} must be 'firing' or 'resolved'`)
  return v
}

/** Alertmanager's own fingerprint, or (from a hand-made post) a hash of the sorted labels. */
function fingerprintOf (v: unknown, labels: Record<string, string>): string {
  if (typeof v === 'string' && v !== '') return v
  const sorted = Object.keys(labels).sort().map((k) => [k, labels[k]])
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex').slice(0, 16)
}

/**
 * Alertmanager's webhook body (version 4) → one normalised batch. Fields it adds over time (`notification_reason`,
 * `routeLabels`, `truncatedAlerts`) are tolerated; what paging needs is checked, and a malformed body is refused
 * whole (400: Alertmanager does not retry a 4xx).
 */
export function parseWebhook (body: unknown): AlertBatch {
  if (!isObject(body)) throw new errors.ERR_ALERT_INVALID('expected Alertmanager\'s webhook JSON object')
  if (body.version !== '4') throw new errors.ERR_ALERT_INVALID(`version must be "4" (Alertmanager's webhook), not ${JSON.stringify(body.version)?.slice(0, 20) ?? 'missing'}`)
  if (typeof body.groupKey !== 'string' || body.groupKey === '') throw new errors.ERR_ALERT_INVALID('groupKey must be a non-empty string')
  if (!Array.isArray(body.alerts) || body.alerts.length === 0) throw new errors.ERR_ALERT_INVALID('alerts must be a non-empty list')
  const externalUrl = typeof body.externalURL === 'string' ? body.externalURL : undefined
  const alerts = body.alerts.map((raw: unknown, i): NormalizedAlert => {
    const where = `alerts[${i}]`
    if (!isObject(raw)) throw new errors.ERR_ALERT_INVALID(`${where} must be an object`)
    const labels = stringMap(raw.labels, `${where}.labels`)
    const annotations = stringMap(raw.annotations, `${where}.annotations`)
    const startsAt = time(raw.startsAt, `${where}.startsAt`)
    if (startsAt === undefined) throw new errors.ERR_ALERT_INVALID(`${where}.startsAt is required`)
    const endsAt = time(raw.endsAt, `${where}.endsAt`)
    const links = [raw.generatorURL, externalUrl].filter((l): l is string => typeof l === 'string' && /^https?:\/\//.test(l))
    const alert: NormalizedAlert = {
      fingerprint: fingerprintOf(raw.fingerprint, labels),
      status: status(raw.status, `${where}.status`),
      labels,
      annotations,
      startsAt,
      links
    }
    return endsAt === undefined || alert.status === 'firing' ? alert : { ...alert, endsAt }
  })
  return {
    groupKey: body.groupKey,
    status: status(body.status, 'status'),
    groupLabels: stringMap(body.groupLabels, 'groupLabels'),
    alerts
  }
}
