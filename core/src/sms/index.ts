export { isGsm7, septetLength } from './gsm7.js';
export { normalizeForSms } from './normalize.js';
export { countSegments, fitsBudget, maxUnitsFor } from './segments.js';
export type { SegmentCount, SmsEncoding } from './segments.js';
export { paginate } from './paginate.js';
export type { PaginateOptions } from './paginate.js';
export { SegmentBudget, budgetChars } from './budget.js';
export type { SmsPages } from './budget.js';
