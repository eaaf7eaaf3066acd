import { assertMaxSegments, fitsBudget, maxUnitsFor } from './segments.js';

export interface PaginateOptions {
  /** Segments each page may take, its marker included. */
  maxSegments: number;
}

interface Cut {
  /** End of this page's text. */
  end: number;
  /** Where the next page starts. */
  next: number;
}

/**
 * Splits `text` into pages that each fit in `maxSegments` segments. Text that fits is returned unchanged as the
 * only page. Otherwise every page but the last ends with `\n(k/n) MORE` (the person texts `more` for the next one)
 * and the last with `\n(n/n)`; cuts fall on a line end where possible, else between words, else anywhere,
 * and the whitespace at a cut is dropped.
 */
export function paginate(text: string, { maxSegments }: PaginateOptions): string[] {
  assertMaxSegments(maxSegments);
  if (fitsBudget(text, maxSegments)) return [text];
  // Trailing whitespace would only make an empty last page.
  const content = text.replace(/\s+$/u, '');
  if (fitsBudget(content, maxSegments)) return [content];

  // A marker's width depends on how many digits n has: lay out for 1 digit and widen until n agrees.
  for (let digits = 1; ; digits++) {
    const bodies = layout(content, maxSegments, '9'.repeat(digits));
    const n = bodies.length;
    if (String(n).length <= digits) {
      return bodies.map((body, i) => body + (i + 1 < n ? moreMarker(i + 1, n) : lastMarker(n)));
    }
  }
}

function moreMarker(k: number, n: number | string): string {
  return `\n(${k}/${n}) MORE`;
}

function lastMarker(n: number | string): string {
  return `\n(${n}/${n})`;
}

/** Page bodies (without markers), each fitting with a marker as wide as one for `widestN` pages. */
function layout(content: string, maxSegments: number, widestN: string): string[] {
  const bodies: string[] = [];
  let rest = content;
  // Markers are GSM-7 digits and letters: k's own width is exact, n is given its widest.
  for (let k = 1; !fitsBudget(rest + `\n(${k}/${widestN})`, maxSegments); k++) {
    const window = longestFit(rest, moreMarker(k, widestN), maxSegments);
    const { end, next } = chooseCut(rest, window);
    bodies.push(rest.slice(0, end));
    rest = rest.slice(next);
  }
  bodies.push(rest);
  return bodies;
}

/** The longest prefix of `rest` (as a UTF-16 offset on a code point boundary) that fits followed by `marker`. */
function longestFit(rest: string, marker: string, maxSegments: number): number {
  // Every character takes at least one unit, so a page never holds more characters than the GSM-7 budget.
  const cap = maxUnitsFor(maxSegments, 'GSM-7');
  const ends: number[] = [];
  for (let i = 0; i < rest.length && ends.length < cap; ) {
    i += (rest.codePointAt(i) as number) > 0xffff ? 2 : 1;
    ends.push(i);
  }
  // Segment counts only grow with the text, so the fitting prefixes are the first ones: binary search.
  let lo = 1; // one character always fits beside a marker
  let hi = ends.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (fitsBudget(rest.slice(0, ends[mid - 1]) + marker, maxSegments)) lo = mid;
    else hi = mid - 1;
  }
  return ends[lo - 1] as number;
}

function lastSpace(rest: string, window: number): number {
  return Math.max(rest.lastIndexOf(' ', window), rest.lastIndexOf('\t', window));
}

/** Where to end a page whose text may run up to `window`: a line end, else a space, else `window` itself. */
function chooseCut(rest: string, window: number): Cut {
  const half = window / 2;
  const newline = rest.lastIndexOf('\n', window);
  const space = lastSpace(rest, window);
  let at = -1;
  if (newline >= half) at = newline;
  else if (space >= half) at = space;
  else {
    // A boundary early in the page still wins if it keeps the next word whole, e.g. a URL.
    const early = Math.max(newline, space);
    if (early > 0 && wordLengthAfter(rest, early) <= window) at = early;
  }
  if (at > 0) {
    const end = rest.slice(0, at).replace(/\s+$/u, '').length;
    if (end > 0) return { end, next: skip(rest, at + 1, rest[at] === '\n' ? /\n/u : /\s/u) };
  }
  return { end: window, next: window };
}

function wordLengthAfter(rest: string, at: number): number {
  let end = at + 1;
  while (end < rest.length && !/\s/u.test(rest[end] as string)) end++;
  return end - at - 1;
}

/** After a line end only further line ends go (keeping the next line's indentation); after a space, all whitespace. */
function skip(rest: string, from: number, what: RegExp): number {
  let i = from;
  while (i < rest.length && what.test(rest[i] as string)) i++;
  return i;
}
