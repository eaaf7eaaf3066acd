import { isGsm7, septetsOf } from './gsm7.js';

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SegmentCount {
  encoding: SmsEncoding;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2) of the whole text. */
  units: number;
  segments: number;
  /** Capacity of one segment at this length: 160/70 alone, 153/67 when concatenated. */
  perSegment: number;
  /** Units still free in the last segment before another one is needed. */
  remainingInSegment: number;
}

interface Capacity {
  single: number;
  part: number;
}

// A concatenated part gives up 7 septets (6 octets) to the user data header.
const CAPACITY: Readonly<Record<SmsEncoding, Capacity>> = {
  'GSM-7': { single: 160, part: 153 },
  'UCS-2': { single: 70, part: 67 },
};

/** Upper bound of units `segments` segments hold (a part can hold one less when an escape pair or surrogate pair would straddle it). */
export function maxUnitsFor(segments: number, encoding: SmsEncoding): number {
  const { single, part } = CAPACITY[encoding];
  return segments <= 1 ? single : part * segments;
}

/** Segments Twilio bills for `text`; empty text is one segment. */
export function countSegments(text: string): SegmentCount {
  const encoding: SmsEncoding = isGsm7(text) ? 'GSM-7' : 'UCS-2';
  const { single, part } = CAPACITY[encoding];
  const gsm = encoding === 'GSM-7';

  let units = 0;
  let segments = 1;
  let used = 0; // units in the current part when packed into concatenated parts
  // Indexed by UTF-16 unit rather than `for...of` (this runs on every reply); a surrogate pair is one character.
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let size: number;
    if (gsm) {
      size = septetsOf(c);
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      size = 2;
      i++;
    } else {
      size = 1;
    }
    // An escape pair or a surrogate pair is never split: it moves whole to the next part.
    units += size;
    if (used + size > part) {
      segments++;
      used = size;
    } else {
      used += size;
    }
  }

  if (units <= single) {
    return { encoding, units, segments: 1, perSegment: single, remainingInSegment: single - units };
  }
  return { encoding, units, segments, perSegment: part, remainingInSegment: part - used };
}

/** Whether `text` goes out in at most `maxSegments` segments. */
export function fitsBudget(text: string, maxSegments: number): boolean {
  return countSegments(text).segments <= maxSegments;
}

/**
 * Checks a segment budget given by a caller; the error carries a stable code
 * (core's errors module may take it over: this module stays free of dependencies).
 */
export function assertMaxSegments(maxSegments: number): number {
  if (!Number.isInteger(maxSegments) || maxSegments < 1) {
    const err = new RangeError(`maxSegments must be a whole number of at least 1, got ${String(maxSegments)}`);
    throw Object.assign(err, { code: 'OPR_ERR_SMS_BUDGET_INVALID' });
  }
  return maxSegments;
}
