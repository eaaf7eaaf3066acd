import { RecentResults } from '../recent.js';
import { normalizeForSms } from './normalize.js';
import { paginate } from './paginate.js';
import { assertMaxSegments, countSegments, fitsBudget, maxUnitsFor } from './segments.js';

/** A reply ready to send: its pages (the first goes now, the rest wait for `more`) and what the first one costs. */
export interface SmsPages {
  readonly pages: readonly string[];
  /** Segments the first page is billed as. */
  readonly firstSegments: number;
}

/** How many recent replies `toPages` remembers (see RecentResults). */
const RECENT = 8;

/** Characters of GSM-7 text that fit in `maxSegments` segments (459 for 3): the budget a formatter writes to. */
export function budgetChars(maxSegments: number): number {
  return maxUnitsFor(assertMaxSegments(maxSegments), 'GSM-7');
}

/** A reply's segment budget, checked once where it is configured and then asked per reply. */
export class SegmentBudget {
  readonly maxSegments: number;
  /** GSM-7 characters the budget holds; UCS-2 text (emoji, CJK) holds less, which `fits` accounts for. */
  readonly chars: number;

  constructor(maxSegments: number) {
    this.maxSegments = assertMaxSegments(maxSegments);
    this.chars = maxUnitsFor(maxSegments, 'GSM-7');
  }

  fits(text: string): boolean {
    return fitsBudget(text, this.maxSegments);
  }

  paginate(text: string): string[] {
    return paginate(text, { maxSegments: this.maxSegments });
  }

  readonly #recent = new RecentResults<SmsPages>(RECENT, (text) => this.#toPages(text));

  /** `text` normalised for SMS and cut into pages within the budget, its segments counted once. */
  toPages(text: string): SmsPages {
    return this.#recent.get(text);
  }

  #toPages(text: string): SmsPages {
    const normalized = normalizeForSms(text);
    const segments = countSegments(normalized).segments;
    const pages = segments <= this.maxSegments ? [normalized] : this.paginate(normalized);
    const result: SmsPages = Object.freeze({
      pages: Object.freeze(pages),
      firstSegments: pages.length === 1 && pages[0] === normalized ? segments : countSegments(pages[0] as string).segments,
    });
    return result;
  }
}
