import { isPlainGsmAscii, septetsOf } from './gsm7.js';

// Look-alikes that would otherwise switch a whole message to UCS-2 (and cut its capacity from 160 to 70).
const REPLACEMENTS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    // quotes, apostrophes, primes
    '\u2018': "'", '\u2019': "'", '\u201A': "'", '\u201B': "'", '\u2032': "'", '\u2035': "'",
    '\u02BC': "'", '\u02BB': "'", '\u00B4': "'", '`': "'", '\u2039': "'", '\u203A': "'",
    '\u201C': '"', '\u201D': '"', '\u201E': '"', '\u201F': '"', '\u2033': '"', '\u2036': '"',
    '\u00AB': '"', '\u00BB': '"',
    // hyphens, dashes, minus
    '\u2010': '-', '\u2011': '-', '\u2012': '-', '\u2013': '-', '\u2014': '-', '\u2015': '-',
    '\u2212': '-', '\u2043': '-', '\uFE63': '-', '\uFF0D': '-',
    // punctuation and symbols
    '\u2026': '...', '\u2022': '*', '\u2023': '*', '\u25E6': '*', '\u2219': '*', '\u00B7': '.', '\u22C5': '.',
    '\u2192': '->', '\u2190': '<-', '\u2194': '<->', '\u21D2': '=>', '\u21D0': '<=', '\u21D4': '<=>',
    '\u2264': '<=', '\u2265': '>=', '\u2260': '!=', '\u2248': '~', '\u00D7': 'x', '\u00F7': '/', '\u00B1': '+/-',
    '\u2122': '(TM)', '\u00A9': '(C)', '\u00AE': '(R)', '\u00B0': 'deg', '\u2044': '/', '\u02C6': '^', '\u02DC': '~',
    // Latin letters without a decomposition
    '\u0142': 'l', '\u0141': 'L', '\u0111': 'd', '\u0110': 'D', '\u00F0': 'd', '\u00D0': 'D', '\u0131': 'i',
    '\u0153': 'oe', '\u0152': 'OE', '\u00FE': 'th', '\u00DE': 'Th',
    // spacing and line ends
    '\t': ' ', '\u000B': '\n', '\u0085': '\n', '\u2028': '\n', '\u2029': '\n',
    '\u00A0': ' ', '\u2007': ' ', '\u202F': ' ', '\u205F': ' ', '\u3000': ' ',
    '\u200B': '', '\u2060': '', '\uFEFF': '', '\u00AD': '',
  }),
);

const FRACTION = /^[\u00BC-\u00BE\u2150-\u215E]$/u;
const COMBINING = /\p{Mn}/gu;
const SPACE = /^[\u2000-\u200A]$/u;
const CONTROL = /^[\u0000-\u0009\u000E-\u001F\u007F-\u009F]$/u;
// Joiners, variation selectors and combining marks left after NFC: they modify the character before them.
const MODIFIER = /^[\u200C\u200D\p{M}]$/u;

function allGsm7(s: string): boolean {
  for (const ch of s) if (septetsOf(ch.codePointAt(0) as number) === 0) return false;
  return true;
}

/** The GSM-7 stand-in for one non-GSM-7 character, or undefined to keep it. */
function replacementFor(ch: string): string | undefined {
  const direct = REPLACEMENTS.get(ch);
  if (direct !== undefined) return direct;
  if (SPACE.test(ch)) return ' ';
  if (CONTROL.test(ch)) return '';
  // Compatibility decomposition covers accents (ê → e), fractions (½ → 1⁄2), ligatures (ﬁ), full-width forms.
  let decomposed = '';
  for (const part of ch.normalize('NFKD').replace(COMBINING, '')) {
    decomposed += septetsOf(part.codePointAt(0) as number) === 0 ? (REPLACEMENTS.get(part) ?? part) : part;
  }
  return decomposed !== ch && allGsm7(decomposed) ? decomposed : undefined;
}

/**
 * Replaces characters by close GSM-7 equivalents so that one stray character does not turn the message into UCS-2.
 * GSM-7's own accented letters (é, ñ, Ø…) stay; characters without an equivalent (emoji, CJK) are kept as they are.
 */
export function normalizeForSms(text: string): string {
  if (isPlainGsmAscii(text)) return text;
  // NFC first so that 'e' + U+0301 becomes the GSM-7 'é' rather than a bare 'e'.
  const input = text.replace(/\r\n?/g, '\n').normalize('NFC');
  let out = '';
  let previous = ''; // last character written, to judge joiners and fractions in context
  for (const ch of input) {
    if (septetsOf(ch.codePointAt(0) as number) !== 0) {
      out += ch;
      previous = ch;
      continue;
    }
    // A modifier matters only on a character that stays outside GSM-7 (emoji sequences, Indic scripts);
    // on a GSM-7 letter it is an accent with no precomposed GSM-7 form, and goes.
    if (MODIFIER.test(ch)) {
      if (previous !== '' && !allGsm7(previous)) {
        out += ch;
        previous = ch;
      }
      continue;
    }
    let replacement = replacementFor(ch);
    if (replacement === undefined) {
      out += ch;
      previous = ch;
      continue;
    }
    // 1½ must not read as 11/2.
    if (FRACTION.test(ch) && previous >= '0' && previous <= '9') replacement = ' ' + replacement;
    out += replacement;
    if (replacement !== '') previous = replacement.slice(-1);
  }
  return out;
}
