/**
 * The Elasticsearch fake's search semantics: the subset of the query DSL it interprets, `terms` aggregations and
 * sorting, each over a document and its index's mapping, refusing what Elasticsearch refuses.
 */
import {
  dateMillis,
  dateNanos,
  fieldStrings,
  indexedTerms,
  sourceValue,
  standardTokens,
  type MappedField,
} from './elastic-mapping.js';

/** A document as a query sees it: its source and its index's mapping. */
export interface DocView {
  source: Record<string, unknown>;
  fields: Map<string, MappedField>;
}

export type Predicate = (doc: DocView) => boolean;

export class QueryError extends Error {}

/** A failure while searching the shards: 400 search_phase_execution_exception with this root cause. */
export class ShardError extends Error {
  constructor(
    readonly type: string,
    reason: string,
    readonly index: string,
  ) {
    super(reason);
  }
}

/** Elasticsearch's words for a text field where doc values are needed (terms aggregations, sorting). */
export function fielddataError(field: string, index: string): ShardError {
  return new ShardError(
    'illegal_argument_exception',
    `Fielddata is disabled on [${field}] in [${index}]. Text fields are not optimised for operations that require per-document field data like aggregations and sorting, so these operations are disabled by default. Please use a keyword field instead. Alternatively, set fielddata=true on [${field}] in order to load field data by uninverting the inverted index. Note that this can use significant memory.`,
    index,
  );
}

export function toMillis(value: unknown): number {
  if (typeof value === 'string') {
    const now = /^now(?:([+-])(\d+)([smhdw]))?(?:\/[smhdw])?$/.exec(value);
    if (now !== null) {
      if (now[1] === undefined) return Date.now();
      const unit = { s: 1e3, m: 6e4, h: 36e5, d: 864e5, w: 6048e5 }[now[3] as 's' | 'm' | 'h' | 'd' | 'w'];
      return Date.now() + (now[1] === '-' ? -1 : 1) * Number(now[2]) * unit;
    }
  }
  return dateMillis(value);
}

/** The text and field of a `{ field: "text" }` or `{ field: { query: "text" } }` clause. */
function fieldClause(type: string, clause: unknown): { field: string; text: string; spec: Record<string, unknown> } {
  if (clause === null || typeof clause !== 'object') throw new QueryError(`[${type}] malformed query`);
  const entries = Object.entries(clause as Record<string, unknown>);
  const first = entries[0];
  if (first === undefined) throw new QueryError(`[${type}] malformed query, expected a field`);
  const [field, spec] = first;
  if (typeof spec === 'string' || typeof spec === 'number' || typeof spec === 'boolean') return { field, text: String(spec), spec: {} };
  if (spec !== null && typeof spec === 'object') {
    const inner = (spec as Record<string, unknown>).query ?? (spec as Record<string, unknown>).value;
    if (inner !== undefined) return { field, text: String(inner), spec: spec as Record<string, unknown> };
  }
  throw new QueryError(`[${type}] query malformed, no start_object after query name`);
}

function asArray(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** True when `needle` occurs as consecutive tokens in `hay` (the last one as a prefix when `prefixLast`). */
function containsPhrase(hay: string[], needle: string[], prefixLast: boolean): boolean {
  if (needle.length === 0) return false;
  for (let i = 0; i + needle.length <= hay.length; i++) {
    if (needle.every((tok, j) => (prefixLast && j === needle.length - 1 ? hay[i + j]!.startsWith(tok) : hay[i + j] === tok))) return true;
  }
  return false;
}

/**
 * A full-text query on one field, as Elasticsearch runs it: on a `text` field the query text goes through the standard
 * analyzer and must match whole tokens (`match`: any token, or all with `operator: and`; `match_phrase`: the tokens in
 * order); text with no tokens matches nothing. On any other field the whole text must equal a value. An unmapped
 * field matches nothing.
 */
function fullText(type: string, path: string, text: string, spec: Record<string, unknown>): Predicate {
  const needle = standardTokens(text);
  const all = String(spec.operator ?? 'or').toLowerCase() === 'and';
  return ({ source, fields }) => {
    const field = fields.get(path);
    if (field === undefined) return false;
    if (field.type !== 'text') return fieldStrings(source, field, path).includes(text);
    const values = fieldStrings(source, field, path).map(standardTokens);
    if (type === 'match') {
      const hay = new Set(values.flat());
      return needle.length > 0 && (all ? needle.every((tok) => hay.has(tok)) : needle.some((tok) => hay.has(tok)));
    }
    return values.some((hay) => containsPhrase(hay, needle, type === 'match_phrase_prefix'));
  };
}

/**
 * Compiles the subset of the query DSL the fake understands into a predicate over a document and its index's
 * mapping. Text queries (`match`, `match_phrase`, `match_phrase_prefix`, `multi_match`) match analysed tokens as
 * described in `fullText`; `term`/`terms` compare with the indexed terms (the tokens of a text field, so `ERROR`
 * never matches one); `range` compares numbers or dates; `query_string` and `simple_query_string` are recorded but
 * match everything (their syntax is not interpreted). Unknown query types are a 400 parsing_exception.
 */
export function compile(query: unknown): Predicate {
  if (query === undefined) return () => true;
  if (query === null || typeof query !== 'object' || Array.isArray(query)) throw new QueryError('query malformed, must start with start_object');
  const entries = Object.entries(query as Record<string, unknown>);
  if (entries.length !== 1) throw new QueryError('[_na] query malformed, must start with start_object');
  const [type, clause] = entries[0] as [string, unknown];
  switch (type) {
    case 'match_all':
    case 'query_string':
    case 'simple_query_string':
      return () => true;
    case 'match':
    case 'match_phrase':
    case 'match_phrase_prefix': {
      const { field, text, spec } = fieldClause(type, clause);
      return fullText(type, field, text, spec);
    }
    case 'multi_match': {
      const spec = clause as { query?: unknown; fields?: unknown; operator?: unknown };
      const text = String(spec.query ?? '');
      const perField = asArray(spec.fields).map((f) => fullText('match', String(f), text, spec as Record<string, unknown>));
      return (doc) => perField.some((p) => p(doc));
    }
    case 'term': {
      const { field, text } = fieldClause(type, clause);
      return ({ source, fields }) => indexedTerms(source, fields.get(field), field).includes(text);
    }
    case 'terms': {
      const [field, values] = Object.entries(clause as Record<string, unknown>)[0] ?? ['', []];
      const wanted = asArray(values).map(String);
      return ({ source, fields }) => indexedTerms(source, fields.get(field), field).some((v) => wanted.includes(v));
    }
    case 'exists': {
      const field = String((clause as { field?: unknown }).field);
      return ({ source, fields }) => fieldStrings(source, fields.get(field), field).length > 0;
    }
    case 'range': {
      const [field, bounds] = Object.entries(clause as Record<string, unknown>)[0] ?? ['', {}];
      const b = bounds as Record<string, unknown>;
      const limits = (['gte', 'gt', 'lte', 'lt'] as const).map((op) => [op, b[op] === undefined ? undefined : toMillis(b[op])] as const);
      return ({ source, fields }) => {
        const v = toMillis(sourceValue(source, fields.get(field)?.sourcePath ?? field));
        return limits.every(([op, limit]) => {
          if (limit === undefined) return true;
          if (op === 'gte') return v >= limit;
          if (op === 'gt') return v > limit;
          if (op === 'lte') return v <= limit;
          return v < limit;
        });
      };
    }
    case 'bool': {
      const spec = clause as Record<string, unknown>;
      const must = [...asArray(spec.must), ...asArray(spec.filter)].map(compile);
      const mustNot = asArray(spec.must_not).map(compile);
      const should = asArray(spec.should).map(compile);
      const minShould = Number(spec.minimum_should_match ?? (must.length === 0 ? 1 : 0));
      return (s) =>
        must.every((p) => p(s)) &&
        !mustNot.some((p) => p(s)) &&
        (should.length === 0 || should.filter((p) => p(s)).length >= minShould);
    }
    default:
      throw new QueryError(`unknown query [${type}]`);
  }
}

export interface TermsSpec {
  field: string;
  size: number;
  missing: unknown;
}

/** The aggregations' specs: only `terms` on one field; other types are a 400 parsing_exception, as unknown ones are. */
export function readAggs(aggs: unknown): Array<[string, TermsSpec]> {
  if (aggs === null || typeof aggs !== 'object') throw new QueryError('[aggs] malformed aggregations');
  return Object.entries(aggs as Record<string, unknown>).map(([name, spec]) => {
    const terms = (spec as { terms?: { field?: unknown; size?: unknown; missing?: unknown } } | null)?.terms;
    if (terms === undefined || typeof terms.field !== 'string') {
      throw new QueryError(`Unknown aggregation type [${Object.keys((spec ?? {}) as object)[0] ?? ''}] for [${name}]`);
    }
    return [name, { field: terms.field, size: Number(terms.size ?? 10), missing: terms.missing }];
  });
}

/**
 * `terms` buckets by count desc then key, with `sum_other_doc_count`. A `text` field fails as in Elasticsearch
 * (fielddata is disabled); an unmapped field has no values (only the `missing` bucket, when asked for).
 */
export function aggregate(specs: Array<[string, TermsSpec]>, docs: Array<DocView & { index: string }>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, terms] of specs) {
    const counts = new Map<string, number>();
    for (const doc of docs) {
      const field = doc.fields.get(terms.field);
      if (field?.type === 'text') throw fielddataError(terms.field, doc.index);
      const values = field === undefined ? [] : fieldStrings(doc.source, field, terms.field);
      if (values.length === 0 && terms.missing !== undefined) values.push(String(terms.missing));
      for (const key of new Set(values)) counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const sorted = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const buckets = sorted.slice(0, terms.size).map(([key, doc_count]) => ({ key, doc_count }));
    const other = sorted.slice(terms.size).reduce((n, [, c]) => n + c, 0);
    out[name] = { doc_count_error_upper_bound: 0, sum_other_doc_count: other, buckets };
  }
  return out;
}

export interface SortSpec {
  field: string;
  desc: boolean;
  unmappedType: string | undefined;
  format: string | undefined;
}

/** The first sort clause: `"field"`, `{ field: "desc" }` or `{ field: { order, unmapped_type, format } }`. */
export function readSort(sort: unknown): SortSpec | undefined {
  const first = asArray(sort)[0];
  if (first === undefined) return undefined;
  if (typeof first === 'string') return { field: first, desc: false, unmappedType: undefined, format: undefined };
  if (first === null || typeof first !== 'object') throw new QueryError('[sort] malformed sort');
  const [field, spec] = Object.entries(first as Record<string, unknown>)[0] ?? [];
  if (field === undefined) throw new QueryError('[sort] malformed sort, expected a field');
  if (typeof spec === 'string') return { field, desc: spec === 'desc', unmappedType: undefined, format: undefined };
  const s = (spec ?? {}) as { order?: unknown; unmapped_type?: unknown; format?: unknown };
  return {
    field,
    desc: s.order === 'desc',
    unmappedType: typeof s.unmapped_type === 'string' ? s.unmapped_type : undefined,
    format: typeof s.format === 'string' ? s.format : undefined,
  };
}

/** ISO 8601 with nine fractional digits, as `strict_date_optional_time_nanos` prints a date_nanos value. */
function isoNanos(nanos: bigint): string {
  const ms = Number(nanos / 1_000_000n);
  const sub = String(nanos % 1_000_000n).padStart(6, '0');
  return new Date(ms).toISOString().replace(/Z$/, `${sub}Z`);
}

/**
 * A document's sort value as Elasticsearch returns it: a `date` in epoch milliseconds, a `date_nanos` in epoch
 * nanoseconds (a number beyond 2^53, so a JSON reader loses its last digits), formatted text when the sort asks for a
 * `format`; numbers as they are. The second value orders the documents.
 */
export function sortValue(doc: DocView, spec: SortSpec): { shown: unknown; order: bigint | number | string | undefined } {
  const field = doc.fields.get(spec.field);
  const raw = sourceValue(doc.source, field?.sourcePath ?? spec.field);
  const type = field?.type ?? spec.unmappedType;
  if (raw === undefined || raw === null) return { shown: spec.desc ? -9223372036854775808 : 9223372036854775807, order: undefined };
  if (type === 'date_nanos') {
    const nanos = dateNanos(raw) ?? 0n;
    return { shown: spec.format !== undefined ? isoNanos(nanos) : Number(nanos), order: nanos };
  }
  if (type === 'date') {
    const ms = dateMillis(raw);
    return { shown: spec.format !== undefined ? new Date(ms).toISOString() : ms, order: ms };
  }
  if (type === 'keyword') return { shown: String(raw), order: String(raw) };
  const n = Number(raw);
  return { shown: n, order: Number.isNaN(n) ? undefined : n };
}
