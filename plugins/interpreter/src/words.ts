/**
 * Words as people text them, made comparable: lower case, no punctuation, apostrophes dropped (`who's` → `whos`),
 * shorthand spelled out (`whats` → `what is`, `u` → `you`). Each word keeps the form it was typed in, for search text.
 */
export interface Word {
  /** The comparable form (after typo correction, once the reader has run it). */
  text: string
  /** As typed (case and inner punctuation kept), for a search text. */
  readonly raw: string
}

// Shorthand and run-together forms people text; the right side is what phrases are written with.
const SPELLED_OUT: ReadonlyMap<string, readonly string[]> = new Map(Object.entries({
  whats: ['what', 'is'],
  wats: ['what', 'is'],
  wat: ['what'],
  hows: ['how', 'is'],
  whos: ['who', 'is'],
  wheres: ['where', 'is'],
  whys: ['why', 'is'],
  thats: ['that', 'is'],
  theres: ['there', 'is'],
  isnt: ['is', 'not'],
  arent: ['are', 'not'],
  aint: ['is', 'not'],
  dont: ['do', 'not'],
  doesnt: ['does', 'not'],
  cant: ['can', 'not'],
  wont: ['will', 'not'],
  im: ['i', 'am'],
  r: ['are'],
  u: ['you'],
  ur: ['your'],
  y: ['why'],
  pls: ['please'],
  plz: ['please'],
  thx: ['thanks'],
  tnx: ['thanks'],
  ty: ['thanks'],
  k: ['ok'],
  kk: ['ok'],
  okay: ['ok'],
  okey: ['ok'],
  w: ['with'],
  abt: ['about'],
  oncall: ['on', 'call'],
  'on-call': ['on', 'call'],
  rn: ['right', 'now'],
  atm: ['right', 'now']
}))

const APOSTROPHES = /['\u2018\u2019\u02BC`´]/gu
// Anything that is not a letter, a digit or one of the few marks kept inside a word (a dot in `1.5`, a colon in
// `2:30`, a dash or underscore in a name, `*`/`#` in a search) separates words.
const SEPARATORS = /[^\p{L}\p{N}.:_*#/-]+/gu
const EDGE_MARKS = /^[.:*#/-]+|[.:*#/-]+$/gu

/** The words of a text, in order. */
export function wordsOf (text: string): Word[] {
  const words: Word[] = []
  for (const piece of text.replace(APOSTROPHES, '').split(SEPARATORS)) {
    const raw = piece.replace(EDGE_MARKS, '')
    if (raw === '') continue
    const lower = raw.toLowerCase()
    const spelled = SPELLED_OUT.get(lower)
    if (spelled === undefined) {
      words.push({ text: lower, raw })
    } else {
      for (const w of spelled) words.push({ text: w, raw: w })
    }
  }
  return words
}

/**
 * Words that carry little meaning on their own ("is the", "can you", "show me"): a phrase may leave them out and a
 * text may add them at almost no cost.
 */
export const LIGHT_WORDS: ReadonlySet<string> = new Set([
  'a', 'an', 'the', 'is', 'are', 'was', 'were', 'be', 'been', 'am', 'do', 'does', 'did', 'has', 'have', 'had',
  'any', 'anything', 'some', 'please', 'can', 'could', 'would', 'will', 'you', 'me', 'i', 'we', 'my', 'our', 'us',
  'your', 'it', 'its', 'this', 'that', 'these', 'those', 'there', 'here', 'right', 'now', 'currently', 'current',
  'just', 'again', 'quick', 'quickly', 'so', 'like', 'hey', 'yo', 'of', 'in', 'on', 'for', 'to', 'at', 'with',
  'from', 'by', 'about', 'and', 'or', 'tell', 'show', 'give', 'get', 'see', 'look', 'check', 'list', 'display',
  'pull', 'fetch', 'what', 'how', 'which', 'whats', 'going', 'on', 'all', 'let', 'know', 'want', 'need', 'lets',
  'up', 'out', 'still', 'now', 'today', 'being', 'doing', 'else', 'real', 'also', 'then', 'oh', 'um', 'uh', 'hmm'
])
