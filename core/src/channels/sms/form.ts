import { isUtf8 } from 'node:buffer'
import type { FastifyRequest } from 'fastify'
import { ERR_SMS_BAD_REQUEST, ERR_SMS_MEDIA_TYPE } from './errors.js'

/** A parsed form: one value per field, an array when a field repeats. */
export type FormFields = Record<string, string | string[]>

const CHARSET = /charset\s*=\s*"?([^";\s]+)/i
const PLUS = /\+/g

/**
 * `application/x-www-form-urlencoded` exactly as Twilio sends it, strictly: the raw bytes must be UTF-8 and every
 * percent-escape must decode to UTF-8, or the request is refused with a reason (Twilio never sends either, and a
 * silently replaced character would change what the signature covers).
 */
export function parseForm (request: FastifyRequest, body: Buffer, done: (err: Error | null, body?: FormFields) => void): void {
  const type = request.headers['content-type']
  if (type !== undefined && type.length > 33) {
    const charset = CHARSET.exec(type)
    if (charset !== null && !/^utf-?8$/i.test(charset[1]!)) {
      done(new ERR_SMS_MEDIA_TYPE(`the form must be UTF-8, not ${charset[1]!.slice(0, 20)}`))
      return
    }
  }
  const encoding = request.headers['content-encoding']
  if (encoding !== undefined && encoding !== 'identity') {
    done(new ERR_SMS_MEDIA_TYPE('compressed request bodies are not accepted'))
    return
  }
  if (!isUtf8(body)) {
    done(new ERR_SMS_BAD_REQUEST('the form is not valid UTF-8'))
    return
  }
  try {
    done(null, decodeForm(body.toString('utf8')))
  } catch {
    done(new ERR_SMS_BAD_REQUEST('the form has a percent-escape that is not valid UTF-8'))
  }
}

/** Decodes `a=1&b=x+y`; throws URIError on an escape that is not UTF-8. */
export function decodeForm (text: string): FormFields {
  const fields: FormFields = Object.create(null) as FormFields
  let start = 0
  while (start <= text.length) {
    let end = text.indexOf('&', start)
    if (end === -1) end = text.length
    if (end > start) {
      const eq = text.indexOf('=', start)
      const split = eq === -1 || eq > end ? end : eq
      const name = decodePart(text.slice(start, split))
      const value = split === end ? '' : decodePart(text.slice(split + 1, end))
      const prior = fields[name]
      if (prior === undefined) fields[name] = value
      else if (typeof prior === 'string') fields[name] = [prior, value]
      else prior.push(value)
    }
    start = end + 1
  }
  return fields
}

function decodePart (s: string): string {
  if (s.indexOf('+') !== -1) s = s.replace(PLUS, ' ')
  return s.indexOf('%') === -1 ? s : decodeURIComponent(s)
}
