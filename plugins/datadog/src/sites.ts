/**
 * Datadog sites and their API hosts. A person may write the site as Datadog's docs name it (`datadoghq.eu`,
 * `us3.datadoghq.com`), as the web app's host (`app.datadoghq.eu`) or by its short name (`eu`, `us3`).
 */
const SITES: Readonly<Record<string, string>> = {
  'datadoghq.com': 'api.datadoghq.com',
  'us3.datadoghq.com': 'api.us3.datadoghq.com',
  'us5.datadoghq.com': 'api.us5.datadoghq.com',
  'datadoghq.eu': 'api.datadoghq.eu',
  'ap1.datadoghq.com': 'api.ap1.datadoghq.com',
  'ap2.datadoghq.com': 'api.ap2.datadoghq.com',
  'uk1.datadoghq.com': 'api.uk1.datadoghq.com',
  'ddog-gov.com': 'api.ddog-gov.com',
  'us2.ddog-gov.com': 'api.us2.ddog-gov.com'
}

const SHORT_NAMES: Readonly<Record<string, string>> = {
  us: 'datadoghq.com',
  us1: 'datadoghq.com',
  us3: 'us3.datadoghq.com',
  us5: 'us5.datadoghq.com',
  eu: 'datadoghq.eu',
  eu1: 'datadoghq.eu',
  ap1: 'ap1.datadoghq.com',
  ap2: 'ap2.datadoghq.com',
  uk1: 'uk1.datadoghq.com',
  gov: 'ddog-gov.com',
  'us1-fed': 'ddog-gov.com',
  us2: 'us2.ddog-gov.com'
}

/** The canonical site names, for messages and the README. */
export const KNOWN_SITES: readonly string[] = Object.keys(SITES)

/** `eu` → `datadoghq.eu`; `https://app.datadoghq.eu/` → `datadoghq.eu`; undefined when unknown. */
export function canonicalSite (site: string): string | undefined {
  let s = site.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/\/+$/, '')
  if (SHORT_NAMES[s] !== undefined) return SHORT_NAMES[s]
  s = s.replace(/^(app|api)\./, '')
  return SITES[s] !== undefined ? s : undefined
}

/** The API base URL of a known site: `https://api.datadoghq.eu`. */
export function apiBaseForSite (site: string): string | undefined {
  const canonical = canonicalSite(site)
  return canonical === undefined ? undefined : `https://${SITES[canonical]!}`
}
