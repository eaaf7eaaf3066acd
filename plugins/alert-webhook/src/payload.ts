import { createHash } from 'node:crypto'
import { errors, type AlertBatch, type NormalizedAlert } from '@operator/core'

type Json = Record<string, unknown>
const MAX_ALERTS = 1000
const NAME = /^[A-Za-z_][\w.:-]{0,99}$/

function isObject (v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function fail (reason: string): never {
  throw new errors.ERR_ALERT_INVALID(reason)
}

function optionalString (v: unknown, where: string, max = 1000): string | undefined {
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'string' || v.length > max) fail(`${where} must be a string of at most ${max} characters`)
  return v
}

function optionalTime (v: unknown, where: string): number | undefined {
  const text = optionalString(v, where, 64)
  if (text === undefined) return undefined
  const ms = Date.parse(text)
  if (Number.isNaN(ms)) fail(`${where} must be an RFC 3339 time such as 2026-11-25T18:58:00Z`)
  return ms
}

/**
 * The generic shape (README.md):
 * `{ "alerts": [{ "name", "status"?, "severity"?, "summary"?, "labels"?, "id"?, "group"?, "startsAt"?, "endsAt"?, "url"? }] }`.
 * Alerts are grouped by `group` (default: the name) into one batch each. Checked whole before anything is stored.
 */
export function parseGeneric (body: unknown, receivedAt: number): AlertBatch[] {
  if (!isObject(body) || !Array.isArray(body.alerts)) fail('expected {"alerts": [{"name": "DiskFull", "status": "firing"}]}')
  const list = body.alerts as unknown[]
  if (list.length === 0 || list.length > MAX_ALERTS) fail(`alerts must list 1 to ${MAX_ALERTS} alerts`)
  const groups = new Map<string, NormalizedAlert[]>()
  list.forEach((raw, i) => {
    const where = `alerts[${i}]`
    if (!isObject(raw)) fail(`${where} must be an object`)
    const name = raw.name
    if (typeof name !== 'string' || !NAME.test(name)) fail(`${where}.name must be a name like DiskFull (letters, digits, _ . : -)`)
    const status = raw.status ?? 'firing'
    if (status !== 'firing' && status !== 'resolved') fail(`${where}.status must be "firing" or "resolved"`)
    const extra = raw.labels ?? {}
    if (!isObject(extra) || !Object.values(extra).every((v) => typeof v === 'string')) fail(`${where}.labels must map names to strings`)
    const severity = optionalString(raw.severity, `${where}.severity`, 40)
    const summary = optionalString(raw.summary, `${where}.summary`)
    const url = optionalString(raw.url, `${where}.url`)
    const labels: Record<string, string> = { ...(extra as Record<string, string>), alertname: name, ...(severity === undefined ? {} : { severity }) }
    const id = optionalString(raw.id, `${where}.id`, 200) ??
      createHash('sha256').update(JSON.stringify(Object.keys(labels).sort().map((k) => [k, labels[k]]))).digest('hex').slice(0, 16)
    const group = optionalString(raw.group, `${where}.group`, 200) ?? name
    const endsAt = optionalTime(raw.endsAt, `${where}.endsAt`)
    const alert: NormalizedAlert = {
      fingerprint: id,
      status,
      labels,
      annotations: summary === undefined ? {} : { summary },
      startsAt: optionalTime(raw.startsAt, `${where}.startsAt`) ?? receivedAt,
      ...(endsAt === undefined ? {} : { endsAt }),
      links: url === undefined ? [] : [url]
    }
    groups.set(group, [...(groups.get(group) ?? []), alert])
  })
  return [...groups].map(([groupKey, alerts]) => ({
    groupKey,
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    alerts
  }))
}
