// TwiML answers. Twilio sends the text of each <Message>; an empty <Response/> sends nothing (no SMS spent).

export const TWIML_TYPE = 'text/xml; charset=utf-8'
export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
const OPEN = '<?xml version="1.0" encoding="UTF-8"?><Response><Message>'
const CLOSE = '</Message></Response>'

const SPECIAL = /[&<>"']/
const SPECIAL_ALL = /[&<>"']/g
// Characters XML 1.0 cannot carry at all (C0 controls other than tab/newline/return, lone surrogates, U+FFFE/F).
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/
const NOT_XML_ALL = new RegExp(NOT_XML.source, 'g')
const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }

function entity (ch: string): string {
  return ENTITIES[ch]!
}

// Cheap screens first: most replies hold no control character or surrogate, so the lookaround regex rarely runs.
const SUSPECT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]/

/** Text made safe for an XML element: the five special characters escaped, characters XML forbids dropped. */
export function escapeXml (text: string): string {
  if (SUSPECT.test(text) && NOT_XML.test(text)) text = text.replace(NOT_XML_ALL, '')
  return SPECIAL.test(text) ? text.replace(SPECIAL_ALL, entity) : text
}

/** `<Response><Message>text</Message></Response>`, or the empty response for empty text. */
export function messageTwiml (text: string): string {
  return text === '' ? EMPTY_TWIML : OPEN + escapeXml(text) + CLOSE
}
