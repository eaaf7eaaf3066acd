import { basicCredentials } from './auth.js';
import {
  dateMillis,
  dateNanos,
  explicitMapping,
  extendMapping,
  fieldStrings,
  indexedTerms,
  sourceValue,
  standardTokens,
  type ElasticMapping,
  type MappedField,
} from './elastic-mapping.js';
import { FakeHttpServer, type FakeReply, type RecordedRequest } from './fake-server.js';

export interface ElasticCredentials {
  /**
   * Cluster privileges granted (e.g. `['monitor']`); `GET /_cluster/health` needs `monitor`, `manage` or `all`, as in
   * Elasticsearch. Default `['all']`; an index-read-only API key has none.
   */
  clusterPrivileges?: string[];
  /** Index privileges on every index (default `['all']`): `_search` and `_field_caps` need `read` (or `all`). */
  indexPrivileges?: string[];
}

interface Caller {
  principal: string;
  cluster: string[];
  index: string[];
}

export interface FakeElasticsearchOptions {
  /** Accepted credentials; when omitted the fake allows anonymous requests with every privilege. */
  auth?: {
    basic?: { username: string; password: string } & ElasticCredentials;
    /** An API key as id and key; clients send `ApiKey base64(id:key)`. */
    apiKey?: { id: string; key: string } & ElasticCredentials;
  };
  /** Elasticsearch Serverless: `GET /_cluster/health` is not available to users (410 api_not_available_exception). */
  serverless?: boolean;
}

/** A seeded document: `_source` must carry `@timestamp` (ISO string or epoch ms) and usually `message`. */
export interface ElasticDocument {
  _id?: string;
  [field: string]: unknown;
}

export interface ClusterHealth {
  cluster_name: string;
  status: 'green' | 'yellow' | 'red';
  number_of_nodes: number;
  unassigned_shards: number;
  [field: string]: unknown;
}

interface StoredDoc {
  index: string;
  id: string;
  source: Record<string, unknown>;
  millis: number;
}

/** A document as a query sees it: its source and its index's mapping. */
interface DocView {
  source: Record<string, unknown>;
  fields: Map<string, MappedField>;
}

type Predicate = (doc: DocView) => boolean;

class QueryError extends Error {}

/** A failure while searching the shards: 400 search_phase_execution_exception with this root cause. */
class ShardError extends Error {
  constructor(
    readonly type: string,
    reason: string,
    readonly index: string,
  ) {
    super(reason);
  }
}

const CLUSTER_MONITOR = ['monitor', 'manage', 'all'];
/** `index.max_result_window`'s default: `from + size` beyond it is refused. */
const MAX_RESULT_WINDOW = 10_000;

/**
 * `hits.total` as `track_total_hits` asks: `true` counts exactly, a number counts up to it (then `gte`), `false` leaves
 * the total out; by default Elasticsearch counts up to 10,000.
 */
function totalHits(count: number, track: unknown): { total?: { value: number; relation: 'eq' | 'gte' } } {
  if (track === false) return {};
  const limit = track === true ? Number.POSITIVE_INFINITY : typeof track === 'number' ? track : 10_000;
  return { total: count > limit ? { value: limit, relation: 'gte' } : { value: count, relation: 'eq' } };
}

function esError(status: number, type: string, reason: string, extra: Record<string, unknown> = {}): FakeReply {
  const cause = { type, reason, ...extra };
  return { status, body: { error: { root_cause: [cause], ...cause }, status } };
}

function shardFailure(err: ShardError): FakeReply {
  const cause = { type: err.type, reason: err.message, index_uuid: '_na_', index: err.index };
  return {
    status: 400,
    body: {
      error: {
        root_cause: [cause],
        type: 'search_phase_execution_exception',
        reason: 'all shards failed',
        phase: 'query',
        grouped: true,
        failed_shards: [{ shard: 0, index: err.index, node: 'fake-node-1', reason: cause }],
        caused_by: { type: err.type, reason: err.message },
      },
      status: 400,
    },
  };
}

/** Elasticsearch's words for a text field where doc values are needed (terms aggregations, sorting). */
function fielddataError(field: string, index: string): ShardError {
  return new ShardError(
    'illegal_argument_exception',
    `Fielddata is disabled on [${field}] in [${index}]. Text fields are not optimised for operations that require per-document field data like aggregations and sorting, so these operations are disabled by default. Please use a keyword field instead. Alternatively, set fielddata=true on [${field}] in order to load field data by uninverting the inverted index. Note that this can use significant memory.`,
    index,
  );
}

function toMillis(value: unknown): number {
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
function compile(query: unknown): Predicate {
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

interface TermsSpec {
  field: string;
  size: number;
  missing: unknown;
}

/** The aggregations' specs: only `terms` on one field; other types are a 400 parsing_exception, as unknown ones are. */
function readAggs(aggs: unknown): Array<[string, TermsSpec]> {
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
function aggregate(specs: Array<[string, TermsSpec]>, docs: Array<DocView & { index: string }>): Record<string, unknown> {
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

interface SortSpec {
  field: string;
  desc: boolean;
  unmappedType: string | undefined;
  format: string | undefined;
}

/** The first sort clause: `"field"`, `{ field: "desc" }` or `{ field: { order, unmapped_type, format } }`. */
function readSort(sort: unknown): SortSpec | undefined {
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
function sortValue(doc: DocView, spec: SortSpec): { shown: unknown; order: bigint | number | string | undefined } {
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

function globToRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

/**
 * Elasticsearch: `POST|GET /{index}/_search` (index may be a comma list or a wildcard pattern),
 * `GET|POST /{index}/_field_caps?fields=…`, `GET /_cluster/health` and `GET /`, with Basic or ApiKey auth. Each index
 * has a mapping (dynamic, as Elasticsearch infers it from the seeded documents, or given with `setMapping`). Hits are
 * filtered as described in `compile`, sorted by the request's first sort clause (by `@timestamp` desc when there is
 * none, without `sort` values), paged by `from`/`size` (default 10), with `hits.total` counting every match.
 */
export class FakeElasticsearch extends FakeHttpServer {
  readonly #auth: FakeElasticsearchOptions['auth'];
  readonly #serverless: boolean;
  #docs: StoredDoc[] = [];
  #mappings = new Map<string, Map<string, MappedField>>();
  #health: ClusterHealth = {
    cluster_name: 'fake-cluster',
    status: 'green',
    timed_out: false,
    number_of_nodes: 3,
    number_of_data_nodes: 3,
    active_primary_shards: 10,
    active_shards: 20,
    relocating_shards: 0,
    initializing_shards: 0,
    unassigned_shards: 0,
    delayed_unassigned_shards: 0,
    number_of_pending_tasks: 0,
    number_of_in_flight_fetch: 0,
    task_max_waiting_in_queue_millis: 0,
    active_shards_percent_as_number: 100,
  };
  #nextSearchError: { reason: string; type: string } | undefined;

  constructor(options: FakeElasticsearchOptions = {}) {
    super();
    this.#auth = options.auth;
    this.#serverless = options.serverless === true;
  }

  /**
   * Creates an index with an explicit mapping (`{ '@timestamp': 'date_nanos', 'service.name': 'keyword' }`); fields
   * not named are still mapped dynamically when documents arrive, as with `dynamic: true`.
   */
  setMapping(index: string, mapping: ElasticMapping): this {
    const fields = this.#mappings.get(index) ?? new Map<string, MappedField>();
    for (const [path, field] of explicitMapping(mapping)) fields.set(path, field);
    this.#mappings.set(index, fields);
    return this;
  }

  /** Adds documents to an index (creating it, mapping new fields dynamically); `_id` defaults to a counter. */
  seedDocuments(index: string, documents: ElasticDocument[]): this {
    const fields = this.#mappings.get(index) ?? new Map<string, MappedField>();
    this.#mappings.set(index, fields);
    for (const { _id, ...source } of documents) {
      extendMapping(fields, source);
      const millis = toMillis(source['@timestamp']);
      this.#docs.push({ index, id: _id ?? String(this.#docs.length + 1), source, millis: Number.isNaN(millis) ? 0 : millis });
    }
    return this;
  }

  setClusterHealth(health: Partial<ClusterHealth>): this {
    this.#health = { ...this.#health, ...health };
    return this;
  }

  /** The next search answers 400 search_phase_execution_exception with this root cause. */
  failNextSearch(reason: string, rootCauseType = 'query_shard_exception'): this {
    this.#nextSearchError = { reason, type: rootCauseType };
    return this;
  }

  /** The JSON bodies of every search received, for asserting on the query structure. */
  get searches(): unknown[] {
    return this.requests.filter((r) => r.path.endsWith('/_search')).map((r) => r.json);
  }

  protected handle(request: RecordedRequest): FakeReply {
    const who = this.#authenticate(request);
    if ('status' in who) return this.#withProduct(who);
    return this.#withProduct(this.#route(request, who));
  }

  #withProduct(reply: FakeReply): FakeReply {
    return { ...reply, headers: { ...reply.headers, 'x-elastic-product': 'Elasticsearch' } };
  }

  /** Who is asking (for privilege messages) and the cluster privileges they hold, or the 401 answer. */
  #authenticate(request: RecordedRequest): FakeReply | Caller {
    const auth = this.#auth;
    if (auth === undefined) return { principal: 'user [_anonymous]', cluster: ['all'], index: ['all'] };
    const header = request.headers.authorization ?? '';
    const www = { 'www-authenticate': 'Basic realm="security" charset="UTF-8", ApiKey' };
    if (header === '') {
      return { ...esError(401, 'security_exception', `missing authentication credentials for REST request [${request.path}]`), headers: www };
    }
    const basic = basicCredentials(request.headers);
    if (basic !== undefined) {
      if (auth.basic !== undefined && basic.user === auth.basic.username && basic.password === auth.basic.password) {
        const { clusterPrivileges = ['all'], indexPrivileges = ['all'] } = auth.basic;
        return { principal: `user [${basic.user}] with effective roles [logs_reader]`, cluster: clusterPrivileges, index: indexPrivileges };
      }
      return { ...esError(401, 'security_exception', `unable to authenticate user [${basic.user}] for REST request [${request.path}]`), headers: www };
    }
    const apiKey = /^ApiKey\s+(\S+)$/i.exec(header);
    if (apiKey?.[1] !== undefined && auth.apiKey !== undefined) {
      const expected = Buffer.from(`${auth.apiKey.id}:${auth.apiKey.key}`).toString('base64');
      if (apiKey[1] === expected) {
        const { clusterPrivileges = ['all'], indexPrivileges = ['all'] } = auth.apiKey;
        return { principal: `API key id [${auth.apiKey.id}] of user [elastic]`, cluster: clusterPrivileges, index: indexPrivileges };
      }
    }
    return {
      ...esError(401, 'security_exception', 'unable to authenticate with provided credentials and anonymous access is not allowed for this request'),
      headers: www,
    };
  }

  #route(request: RecordedRequest, who: Caller): FakeReply {
    if (request.path === '/' && request.method === 'GET') {
      return {
        status: 200,
        body: {
          name: 'fake-node-1',
          cluster_name: this.#health.cluster_name,
          version: { number: '8.15.0', build_flavor: this.#serverless ? 'serverless' : 'default', lucene_version: '9.11.1' },
          tagline: 'You Know, for Search',
        },
      };
    }
    if (request.path === '/_cluster/health' && request.method === 'GET') return this.#clusterHealth(who);
    const api = /^\/([^/]+)\/(_search|_field_caps)$/.exec(request.path);
    if (api?.[1] !== undefined && (request.method === 'POST' || request.method === 'GET')) {
      const indices = this.#resolve(decodeURIComponent(api[1]));
      if (!(indices instanceof Set)) return indices;
      if (!who.index.some((p) => p === 'read' || p === 'all')) {
        const action = api[2] === '_search' ? 'indices:data/read/search' : 'indices:data/read/field_caps';
        return esError(403, 'security_exception', `action [${action}] is unauthorized for ${who.principal} on indices [${[...indices].join(',')}], this action is granted by the index privileges [read,all]`);
      }
      return api[2] === '_search' ? this.#search(indices, request) : this.#fieldCaps(indices, request);
    }
    return esError(400, 'illegal_argument_exception', `no handler found for uri [${request.path}] and method [${request.method}]`);
  }

  #clusterHealth(who: Caller): FakeReply {
    if (this.#serverless) {
      return esError(410, 'api_not_available_exception', 'Request for uri [/_cluster/health] with method [GET] exists but is not available when running in serverless mode');
    }
    if (!who.cluster.some((p) => CLUSTER_MONITOR.includes(p))) {
      return esError(403, 'security_exception', `action [cluster:monitor/health] is unauthorized for ${who.principal}, this action is granted by the cluster privileges [${CLUSTER_MONITOR.join(',')}]`);
    }
    return { status: 200, body: this.#health };
  }

  /** The indices an expression names: a comma list of names and wildcard patterns; a missing name is a 404. */
  #resolve(indexExpr: string): Set<string> | FakeReply {
    const indices = new Set<string>();
    for (const part of indexExpr.split(',')) {
      if (part.includes('*')) {
        const re = globToRegExp(part);
        for (const i of this.#mappings.keys()) if (re.test(i)) indices.add(i);
      } else if (this.#mappings.has(part)) {
        indices.add(part);
      } else {
        return esError(404, 'index_not_found_exception', `no such index [${part}]`, {
          'resource.type': 'index_or_alias',
          'resource.id': part,
          index_uuid: '_na_',
          index: part,
        });
      }
    }
    return indices;
  }

  /** `_field_caps`: per requested field (wildcards allowed), each type it has across the indices and whether it aggregates. */
  #fieldCaps(indices: Set<string>, request: RecordedRequest): FakeReply {
    const asked = (request.query.get('fields') ?? '').split(',').map((f) => f.trim()).filter((f) => f !== '');
    if (asked.length === 0) {
      return esError(400, 'action_request_validation_exception', 'Validation Failed: 1: specified fields can\'t be null or empty;');
    }
    const patterns = asked.map(globToRegExp);
    const byField = new Map<string, Map<string, string[]>>();
    for (const index of [...indices].sort()) {
      for (const [path, field] of this.#mappings.get(index) ?? []) {
        if (!patterns.some((re) => re.test(path))) continue;
        const types = byField.get(path) ?? new Map<string, string[]>();
        types.set(field.type, [...(types.get(field.type) ?? []), index]);
        byField.set(path, types);
      }
    }
    const fields: Record<string, Record<string, unknown>> = {};
    for (const [path, types] of byField) {
      fields[path] = {};
      for (const [type, inIndices] of types) {
        fields[path][type] = {
          type,
          metadata_field: false,
          searchable: true,
          aggregatable: type !== 'text',
          ...(types.size > 1 ? { indices: inIndices } : {}),
        };
      }
    }
    return { status: 200, body: { indices: [...indices].sort(), fields } };
  }

  #search(indices: Set<string>, request: RecordedRequest): FakeReply {
    if (request.body !== '' && request.json === undefined) {
      return esError(400, 'x_content_parse_exception', '[1:1] Unexpected character: was expecting a JSON document');
    }
    const body = (request.json ?? {}) as {
      query?: unknown;
      size?: unknown;
      from?: unknown;
      aggs?: unknown;
      aggregations?: unknown;
      sort?: unknown;
      track_total_hits?: unknown;
    };
    let predicate: Predicate;
    let sort: SortSpec | undefined;
    let aggs: Array<[string, TermsSpec]> | undefined;
    try {
      predicate = compile(body.query);
      sort = readSort(body.sort);
      const rawAggs = body.aggs ?? body.aggregations;
      if (rawAggs !== undefined) aggs = readAggs(rawAggs);
    } catch (err) {
      return esError(400, 'parsing_exception', (err as Error).message, { line: 1, col: 1 });
    }
    if (this.#nextSearchError !== undefined) {
      const { reason, type } = this.#nextSearchError;
      this.#nextSearchError = undefined;
      return shardFailure(new ShardError(type, reason, [...indices][0] ?? '_all'));
    }
    const size = Number(body.size ?? 10);
    const from = Number(body.from ?? 0);
    if (from + size > MAX_RESULT_WINDOW) {
      return esError(400, 'illegal_argument_exception', `Result window is too large, from + size must be less than or equal to: [${MAX_RESULT_WINDOW}] but was [${from + size}]. See the scroll api for a more efficient way to request large data sets. This limit can be set by changing the [index.max_result_window] index level setting.`);
    }
    const matched = this.#docs
      .filter((d) => indices.has(d.index))
      .map((d) => ({ ...d, fields: this.#mappings.get(d.index)! }))
      .filter((d) => predicate(d));
    let sorted: Array<(typeof matched)[number] & { sortShown?: unknown }>;
    try {
      sorted = sort === undefined ? matched.sort((a, b) => b.millis - a.millis) : this.#sorted(matched, sort);
      const response: Record<string, unknown> = {
        took: 1,
        timed_out: false,
        _shards: { total: indices.size, successful: indices.size, skipped: 0, failed: 0 },
        hits: {
          ...totalHits(matched.length, body.track_total_hits),
          max_score: null,
          hits: sorted.slice(from, from + size).map((d) => ({
            _index: d.index,
            _id: d.id,
            _score: null,
            _source: d.source,
            ...(sort === undefined ? {} : { sort: [d.sortShown] }),
          })),
        },
      };
      if (aggs !== undefined) response.aggregations = aggregate(aggs, matched);
      return { status: 200, body: response };
    } catch (err) {
      if (err instanceof ShardError) return shardFailure(err);
      /* c8 ignore next 2 -- only ShardError is thrown above; anything else is a bug in the fake, answered 500 */
      throw err;
    }
  }

  /** Sorted by one field as Elasticsearch would; a text field or an unmapped one without `unmapped_type` fails. */
  #sorted<T extends DocView & { index: string }>(docs: T[], spec: SortSpec): Array<T & { sortShown: unknown }> {
    for (const [index, fields] of this.#mappings) {
      if (fields.get(spec.field)?.type === 'text' && docs.some((d) => d.index === index)) throw fielddataError(spec.field, index);
    }
    if (spec.unmappedType === undefined && docs.some((d) => !d.fields.has(spec.field))) {
      const index = docs.find((d) => !d.fields.has(spec.field))!.index;
      throw new ShardError('query_shard_exception', `No mapping found for [${spec.field}] in order to sort on`, index);
    }
    const keyed = docs.map((d) => {
      const { shown, order } = sortValue(d, spec);
      return { doc: { ...d, sortShown: shown }, order };
    });
    keyed.sort((a, b) => {
      if (a.order === undefined || b.order === undefined) return a.order === b.order ? 0 : a.order === undefined ? 1 : -1;
      const cmp = a.order < b.order ? -1 : a.order > b.order ? 1 : 0;
      return spec.desc ? -cmp : cmp;
    });
    return keyed.map((k) => k.doc);
  }
}

export async function fakeElasticsearch(options: FakeElasticsearchOptions = {}): Promise<FakeElasticsearch> {
  return new FakeElasticsearch(options).start();
}
