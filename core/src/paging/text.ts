import { formatAge } from '../format/numbers.js'
import { isGsm7 } from '../sms/gsm7.js'
import { normalizeForSms } from '../sms/normalize.js'
import { countSegments } from '../sms/segments.js'

/** One segment of GSM-7; a page longer than this is cut, never sent as UCS-2 or in several parts. */
export const PAGE_CHARS = 160
/** A bundle of several pages may take up to this many segments. */
const BUNDLE_SEGMENTS = 2

/** How long, for a page: whole seconds under a minute (`0s`, `42s`), else formatAge's two units (`2m`, `1h5m`). */
export function ageText (ms: number): string {
  return ms < 60_000 ? `${Math.floor(Math.max(0, ms) / 1000)}s` : formatAge(ms)
}

/** What a page text needs of an incident. */
export interface PageFacts {
  readonly code: number
  readonly title: string
  readonly severity: string | null
  /** Label values that tell the alerts apart (`api-3 prod`), most telling first. */
  readonly details: readonly string[]
  /** Alerts firing in the group. */
  readonly firing: number
  /** When the oldest firing alert started (epoch ms). */
  readonly since: number
}

/**
 * Every character GSM-7: look-alikes replaced (normalizeForSms), anything left outside GSM-7 (emoji, CJK) becomes
 * `?`, so a page is never billed as UCS-2 at 70 characters a segment.
 */
export function toGsm7 (text: string): string {
  const normalised = normalizeForSms(text)
  if (isGsm7(normalised)) return normalised
  let out = ''
  for (const ch of normalised) out += isGsm7(ch) ? ch : '?'
  return out
}

function septetsFit (text: string, segments: number): boolean {
  return countSegments(text).segments <= segments
}

/** Drops details from the end, then shortens the title, until `build` fits; the reply hint always stays. */
function fit (facts: PageFacts, build: (title: string, details: readonly string[]) => string, segments = 1): string {
  let details = facts.details.map(toGsm7)
  let title = toGsm7(facts.title)
  let text = build(title, details)
  while (!septetsFit(text, segments) && details.length > 0) {
    details = details.slice(0, -1)
    text = build(title, details)
  }
  while (!septetsFit(text, segments) && title.length > 8) {
    title = `${title.slice(0, Math.max(8, title.length - Math.max(4, countSegments(text).units - PAGE_CHARS * segments)) - 1)}~`
    text = build(title, details)
  }
  return text
}

function what (firing: number, title: string, details: readonly string[], severity: string | null): string {
  const count = firing > 1 ? `${firing}x ` : ''
  const more = details.length > 0 ? ` ${details.join(' ')}` : ''
  const sev = severity !== null && severity !== '' ? ` (${toGsm7(severity)})` : ''
  return `${count}${title}${more}${sev}`
}

/** `FIRING 3: TargetDown api-3 prod (critical) 2m. Reply 3a ack, 3s silence` — one GSM-7 segment. */
export function pageText (facts: PageFacts, now: number): string {
  const age = ageText(now - facts.since)
  return fit(facts, (title, details) =>
    `FIRING ${facts.code}: ${what(facts.firing, title, details, facts.severity)} ${age}. Reply ${facts.code}a ack, ${facts.code}s silence`)
}

/** Several incidents waiting for one person, in one text: `3 pages firing: 3 TargetDown api-3 (critical); 4 … Reply 3a/4a ack, or 'ack all'`. */
export function bundleText (pages: readonly PageFacts[]): string {
  const alerts = pages.reduce((n, p) => n + p.firing, 0)
  const codes = pages.map((p) => `${p.code}a`).join('/')
  const tail = ` Reply ${codes} ack, or 'ack all'`
  const head = `${alerts} alerts firing: `
  // Each page gets the room that is left, shortest first; what does not fit is counted, never dropped silently.
  const budget = PAGE_CHARS * BUNDLE_SEGMENTS - 7 * BUNDLE_SEGMENTS
  const parts: string[] = []
  let shown = 0
  for (const p of pages) {
    const part = `${p.code} ${what(p.firing, toGsm7(p.title), p.details.slice(0, 1).map(toGsm7), p.severity)}`
    const rest = pages.length - shown - 1
    const candidate = head + [...parts, part].join('; ') + (rest > 0 ? `; +${rest} more` : '') + '.' + tail
    if (candidate.length > budget && parts.length > 0) break
    parts.push(part.length > 60 ? `${part.slice(0, 59)}~` : part)
    shown++
  }
  const rest = pages.length - shown
  return head + parts.join('; ') + (rest > 0 ? `; +${rest} more` : '') + '.' + tail
}

/** `RESOLVED 3: TargetDown api-3 after 14m`. */
export function resolvedText (facts: Pick<PageFacts, 'code' | 'title' | 'details'>, openedAt: number, closedAt: number): string {
  const after = ageText(closedAt - openedAt)
  return fit({ ...facts, severity: null, firing: 1, since: openedAt }, (title, details) =>
    `RESOLVED ${facts.code}: ${title}${details.length > 0 ? ` ${details.join(' ')}` : ''} after ${after}`)
}

// Labels that say where an alert is, most telling first; the rest only when these are missing.
const WHERE = ['instance', 'service', 'env', 'environment', 'cluster', 'namespace', 'pod', 'host', 'region', 'job']
const NOT_DETAILS = new Set(['alertname', 'severity', '__name__', 'prometheus', 'alertgroup', 'grafana_folder'])

/** The label values that say where: `api-3:9100` → `api-3`; distinct values of the given alerts, at most four. */
export function detailsOf (alerts: ReadonlyArray<Readonly<Record<string, string>>>): string[] {
  const out: string[] = []
  const add = (v: string): void => {
    const short = v.replace(/:\d+$/, '')
    if (short !== '' && !out.includes(short)) out.push(short)
  }
  const first = alerts[0] ?? {}
  const names = [...WHERE.filter((n) => n in first), ...Object.keys(first).filter((n) => !WHERE.includes(n) && !NOT_DETAILS.has(n)).sort()]
  for (const name of names.slice(0, 3)) {
    for (const labels of alerts) {
      const v = labels[name]
      if (v !== undefined) add(v)
      if (out.length >= 4) return out
    }
  }
  return out
}
