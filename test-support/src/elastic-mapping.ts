/**
 * How the Elasticsearch fake sees fields: a mapping per index (dynamic mapping as Elasticsearch infers it, or given
 * explicitly), the standard analyzer for `text` fields, and the values a query or aggregation reads.
 */

/** The field types the fake distinguishes. `text` fields are analysed; the rest compare whole values. */
export type ElasticFieldType = 'text' | 'keyword' | 'date' | 'date_nanos' | 'long' | 'double' | 'boolean';

/** Field path → type, e.g. `{ '@timestamp': 'date_nanos', 'service.name': 'keyword' }`. */
export type ElasticMapping = Record<string, ElasticFieldType>;

/** A mapped field: its type, and for a `.keyword` multi-field the path of the field it indexes. */
export interface MappedField {
  readonly type: ElasticFieldType;
  readonly sourcePath: string;
}

/** `strict_date_optional_time` as dynamic date detection recognises it. */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * The standard analyzer, close enough for phrase matching: lower-cased runs of letters, digits and underscores
 * (Unicode), where `.` or `'` between two of them does not split (`example.com`, `can't`); everything else splits.
 */
export function standardTokens(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}_]+(?:['.][\p{L}\p{N}_]+)*/gu) ?? [];
}

function dynamicType(value: unknown): ElasticFieldType | undefined {
  if (typeof value === 'string') return ISO_DATE.test(value) && !Number.isNaN(Date.parse(value)) ? 'date' : 'text';
  if (typeof value === 'number') return Number.isInteger(value) ? 'long' : 'double';
  if (typeof value === 'boolean') return 'boolean';
  return undefined;
}

/**
 * Adds the fields of one document to an index's mapping as dynamic mapping would: a string becomes `text` with a
 * `.keyword` sub-field (or `date` when it reads as one), numbers `long`/`double`, objects are walked, arrays take their
 * first element's type. A field already mapped keeps its type.
 */
export function extendMapping(fields: Map<string, MappedField>, source: Record<string, unknown>, prefix = ''): void {
  for (const [key, raw] of Object.entries(source)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value !== null && typeof value === 'object') {
      extendMapping(fields, value as Record<string, unknown>, path);
      continue;
    }
    if (fields.has(path)) continue;
    const type = dynamicType(value);
    if (type === undefined) continue;
    fields.set(path, { type, sourcePath: path });
    if (type === 'text') fields.set(`${path}.keyword`, { type: 'keyword', sourcePath: path });
  }
}

/** An explicit mapping: exactly these types, no `.keyword` sub-fields unless named. */
export function explicitMapping(mapping: ElasticMapping): Map<string, MappedField> {
  const fields = new Map<string, MappedField>();
  for (const [path, type] of Object.entries(mapping)) {
    const parent = path.endsWith('.keyword') ? path.slice(0, -'.keyword'.length) : undefined;
    const sourcePath = parent !== undefined && mapping[parent] === 'text' ? parent : path;
    fields.set(path, { type, sourcePath });
  }
  return fields;
}

/**
 * A field by dotted path, stored flat (`"log.level": …`) or nested (`log: { level: … }`); through an array of objects
 * it collects every element's value, as Elasticsearch flattens object arrays.
 */
export function sourceValue(source: Record<string, unknown>, path: string): unknown {
  if (path in source) return source[path];
  let value: unknown = source;
  for (const part of path.split('.')) {
    if (Array.isArray(value)) {
      const found = value.map((v) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined)).filter((v) => v !== undefined);
      value = found.length === 0 ? undefined : found.flat();
      continue;
    }
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** Every value of a field in a document (an array field has several), as strings; none when missing. */
export function fieldStrings(source: Record<string, unknown>, field: MappedField | undefined, path: string): string[] {
  const raw = sourceValue(source, field?.sourcePath ?? path);
  if (raw === undefined || raw === null) return [];
  return (Array.isArray(raw) ? raw : [raw]).filter((v) => v !== null && typeof v !== 'object').map(String);
}

/** What a term-level query compares with: the tokens of a `text` field, the whole value of any other. */
export function indexedTerms(source: Record<string, unknown>, field: MappedField | undefined, path: string): string[] {
  const values = fieldStrings(source, field, path);
  return field?.type === 'text' ? values.flatMap(standardTokens) : values;
}

/** Milliseconds since the epoch of a date value: ISO text (nanosecond fractions allowed) or epoch milliseconds. */
export function dateMillis(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return Number.NaN;
  if (/^\d+$/.test(value)) return Number(value);
  return Date.parse(value);
}

/** Nanoseconds since the epoch of a `date_nanos` value, exactly (ISO fractions keep all nine digits). */
export function dateNanos(value: unknown): bigint | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return BigInt(Math.round(value)) * 1_000_000n;
  if (typeof value !== 'string') return undefined;
  if (/^\d+$/.test(value)) return BigInt(value) * 1_000_000n;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return undefined;
  const fraction = /\.(\d{4,9})/.exec(value)?.[1];
  const subMilli = fraction === undefined ? 0n : BigInt(fraction.slice(3).padEnd(6, '0'));
  return BigInt(ms) * 1_000_000n + subMilli;
}
