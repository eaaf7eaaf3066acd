import { paginate } from './paginate.js';
import { assertMaxSegments, fitsBudget, maxUnitsFor } from './segments.js';

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
}
