import { parse as parseQuery, stringify as stringifyQuery } from 'node:querystring'

/**
 * The other spellings of a webhook URL that Twilio's SDK (`twilio.validateRequest`, the reference for what a valid
 * signature is) also accepts, in the order it tries them: the URL as given without its port and with the scheme's
 * default port, then the URL as WHATWG `URL` normalises it (lower-case host, default port dropped, `'` in a query
 * escaped...) without and with the default port, then each of those two with its query string decoded and encoded
 * again the way Node's `querystring` does (`%27` becomes `'`). Twilio signs the URL it was configured with; these
 * cover the forms its back ends have signed. Only called once the exact URL has failed, so it may allocate.
 */
export function signatureUrlVariants (url: string): string[] {
  const variants: string[] = []
  const add = (candidate: string): void => { if (!variants.includes(candidate)) variants.push(candidate) }
  add(withoutPort(url))
  add(withDefaultPort(url))
  let normalised: string
  try {
    normalised = new URL(url).href
  } catch {
    // validateRequest throws here: not a URL anything could have signed beyond the forms above.
    return variants
  }
  const bare = withoutPort(normalised)
  const ported = withDefaultPort(normalised)
  add(bare)
  add(ported)
  add(withQueryReencoded(bare))
  add(withQueryReencoded(ported))
  return variants
}

interface UrlParts {
  /** `https://`, as written. */
  readonly scheme: string
  /** `user:pass@` or empty. */
  readonly userinfo: string
  readonly host: string
  /** `:8443`, a bare `:`, or empty. */
  readonly port: string
  /** Path, query and fragment, untouched. */
  readonly rest: string
}

const SCHEME_AND_AUTHORITY = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i

/** Splits off the authority without normalising anything, so path and query keep the characters that were signed. */
function splitUrl (url: string): UrlParts | undefined {
  const m = SCHEME_AND_AUTHORITY.exec(url)
  if (m === null) return undefined
  const authority = m[2]!
  const at = authority.lastIndexOf('@')
  const hostPort = authority.slice(at + 1)
  // In `[::1]:8443` only a colon after the bracket starts the port.
  const colon = hostPort.indexOf(':', hostPort.lastIndexOf(']') + 1)
  return {
    scheme: m[1]!,
    userinfo: authority.slice(0, at + 1),
    host: colon === -1 ? hostPort : hostPort.slice(0, colon),
    port: colon === -1 ? '' : hostPort.slice(colon),
    rest: url.slice(m[0].length)
  }
}

function withoutPort (url: string): string {
  const p = splitUrl(url)
  return p === undefined ? url : p.scheme + p.userinfo + p.host + p.rest
}

/** Adds `:443` for https and `:80` for anything else, when the URL names no port. */
function withDefaultPort (url: string): string {
  const p = splitUrl(url)
  if (p === undefined || p.port !== '') return url
  const port = p.scheme.toLowerCase() === 'https://' ? ':443' : ':80'
  return p.scheme + p.userinfo + p.host + port + p.rest
}

function withQueryReencoded (url: string): string {
  const q = url.indexOf('?')
  if (q === -1 || q === url.length - 1) return url
  return `${url.slice(0, q)}?${stringifyQuery(parseQuery(url.slice(q + 1)))}`
}
