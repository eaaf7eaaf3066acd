import { basicCredentials } from './auth.js';
import { FakeHttpServer, type FakeReply, type RecordedRequest } from './fake-server.js';

export interface FakeElasticsearchOptions {
  /** Accepted credentials; when omitted the fake allows anonymous requests. */
  auth?: {
    basic?: { username: string; password: string };
    /** An API key as id and key; clients send `ApiKey base64(id:key)`. */
    apiKey?: { id: string; key: string };
  };
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

type Predicate = (source: Record<string, unknown>) => boolean;

interface StoredDoc {
  index: string;
  id: string;
  source: Record<string, unknown>;
  millis: number;
}

class QueryError extends Error {}

function esError(status: number, type: string, reason: string, extra: Record<string, unknown> = {}): FakeReply {
  const cause = { type, reason, ...extra };
  return { status, body: { error: { root_cause: [cause], ...cause }, status } };
}

function fieldValue(source: Record<string, unknown>, path: string): unknown {
  if (path in source) return source[path];
  let value: unknown = source;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function toMillis(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return Number.NaN;
  const now = /^now(?:([+-])(\d+)([smhdw]))?(?:\/[smhdw])?$/.exec(value);
  if (now !== null) {
    if (now[1] === undefined) return Date.now();
    const unit = { s: 1e3, m: 6e4, h: 36e5, d: 864e5, w: 6048e5 }[now[3] as 's' | 'm' | 'h' | 'd' | 'w'];
    return Date.now() + (now[1] === '-' ? -1 : 1) * Number(now[2]) * unit;
  }
  if (/^\d+$/.test(value)) return Number(value);
  return Date.parse(value);
}

/** The text and field of a `{ field: "text" }` or `{ field: { query: "text" } }` clause. */
function fieldClause(type: string, clause: unknown): { field: string; text: string } {
  if (clause === null || typeof clause !== 'object') throw new QueryError(`[${type}] malformed query`);
  const entries = Object.entries(clause as Record<string, unknown>);
  const first = entries[0];
  if (first === undefined) throw new QueryError(`[${type}] malformed query, expected a field`);
  const [field, spec] = first;
  if (typeof spec === 'string' || typeof spec === 'number' || typeof spec === 'boolean') return { field, text: String(spec) };
  if (spec !== null && typeof spec === 'object') {
    const inner = (spec as Record<string, unknown>).query ?? (spec as Record<string, unknown>).value;
    if (inner !== undefined) return { field, text: String(inner) };
  }
  throw new QueryError(`[${type}] query malformed, no start_object after query name`);
}

function asArray(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * Compiles the subset of the query DSL the fake understands into a predicate. Text queries (`match`,
 * `match_phrase`, `multi_match`) keep documents whose field contains the text as a case-insensitive substring;
 * `term`/`terms` compare exactly; `range` compares numbers or dates; `query_string` and `simple_query_string` are
 * recorded but match everything (their syntax is not interpreted). Unknown query types are a 400 parsing_exception.
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
      const { field, text } = fieldClause(type, clause);
      const needle = text.toLowerCase();
      return (s) => String(fieldValue(s, field) ?? '').toLowerCase().includes(needle);
    }
    case 'multi_match': {
      const spec = clause as { query?: unknown; fields?: unknown };
      const needle = String(spec.query ?? '').toLowerCase();
      const fields = asArray(spec.fields).map(String);
      return (s) => fields.some((f) => String(fieldValue(s, f) ?? '').toLowerCase().includes(needle));
    }
    case 'term': {
      const { field, text } = fieldClause(type, clause);
      return (s) => String(fieldValue(s, field)) === text;
    }
    case 'terms': {
      const [field, values] = Object.entries(clause as Record<string, unknown>)[0] ?? ['', []];
      const wanted = asArray(values).map(String);
      return (s) => wanted.includes(String(fieldValue(s, field)));
    }
    case 'exists': {
      const field = String((clause as { field?: unknown }).field);
      return (s) => fieldValue(s, field) !== undefined;
    }
    case 'range': {
      const [field, bounds] = Object.entries(clause as Record<string, unknown>)[0] ?? ['', {}];
      const b = bounds as Record<string, unknown>;
      const limits = (['gte', 'gt', 'lte', 'lt'] as const).map((op) => [op, b[op] === undefined ? undefined : toMillis(b[op])] as const);
      return (s) => {
        const v = toMillis(fieldValue(s, field));
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

/**
 * Bucket aggregations the fake understands: `terms` on one field (`size` default 10, optional `missing`), buckets by
 * count desc then key, with `sum_other_doc_count`. Other aggregation types are a 400 parsing_exception, as an unknown
 * type is in Elasticsearch.
 */
function aggregate(aggs: unknown, sources: Array<Record<string, unknown>>): Record<string, unknown> {
  if (aggs === null || typeof aggs !== 'object') throw new QueryError('[aggs] malformed aggregations');
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(aggs as Record<string, unknown>)) {
    const terms = (spec as { terms?: { field?: unknown; size?: unknown; missing?: unknown } } | null)?.terms;
    if (terms === undefined || typeof terms.field !== 'string') {
      throw new QueryError(`Unknown aggregation type [${Object.keys((spec ?? {}) as object)[0] ?? ''}] for [${name}]`);
    }
    const counts = new Map<string, number>();
    for (const source of sources) {
      let value = fieldValue(source, terms.field);
      if (value === undefined || value === null) {
        if (terms.missing === undefined) continue;
        value = terms.missing;
      }
      const key = String(value);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const size = Number(terms.size ?? 10);
    const sorted = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const buckets = sorted.slice(0, size).map(([key, doc_count]) => ({ key, doc_count }));
    const other = sorted.slice(size).reduce((n, [, c]) => n + c, 0);
    out[name] = { doc_count_error_upper_bound: 0, sum_other_doc_count: other, buckets };
  }
  return out;
}

function globToRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

/**
 * Elasticsearch: `POST|GET /{index}/_search` (index may be a comma list or a wildcard pattern), `GET /_cluster/health`
 * and `GET /`, with Basic or ApiKey auth. Hits are filtered as described in `compile`, sorted by `@timestamp` desc,
 * paged by `from`/`size` (default 10), with `hits.total` counting every match.
 */
export class FakeElasticsearch extends FakeHttpServer {
  readonly #auth: FakeElasticsearchOptions['auth'];
  #docs: StoredDoc[] = [];
  #indices = new Set<string>();
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
  }

  /** Adds documents to an index (creating it); `_id` defaults to a counter. */
  seedDocuments(index: string, documents: ElasticDocument[]): this {
    this.#indices.add(index);
    for (const { _id, ...source } of documents) {
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
    const denied = this.#checkAuth(request);
    if (denied !== undefined) return this.#withProduct(denied);
    return this.#withProduct(this.#route(request));
  }

  #withProduct(reply: FakeReply): FakeReply {
    return { ...reply, headers: { ...reply.headers, 'x-elastic-product': 'Elasticsearch' } };
  }

  #checkAuth(request: RecordedRequest): FakeReply | undefined {
    const auth = this.#auth;
    if (auth === undefined) return undefined;
    const header = request.headers.authorization ?? '';
    const www = { 'www-authenticate': 'Basic realm="security" charset="UTF-8", ApiKey' };
    if (header === '') {
      return { ...esError(401, 'security_exception', `missing authentication credentials for REST request [${request.path}]`), headers: www };
    }
    const basic = basicCredentials(request.headers);
    if (basic !== undefined) {
      if (auth.basic !== undefined && basic.user === auth.basic.username && basic.password === auth.basic.password) return undefined;
      return { ...esError(401, 'security_exception', `unable to authenticate user [${basic.user}] for REST request [${request.path}]`), headers: www };
    }
    const apiKey = /^ApiKey\s+(\S+)$/i.exec(header);
    if (apiKey?.[1] !== undefined && auth.apiKey !== undefined) {
      const expected = Buffer.from(`${auth.apiKey.id}:${auth.apiKey.key}`).toString('base64');
      if (apiKey[1] === expected) return undefined;
    }
    return {
      ...esError(401, 'security_exception', 'unable to authenticate with provided credentials and anonymous access is not allowed for this request'),
      headers: www,
    };
  }

  #route(request: RecordedRequest): FakeReply {
    if (request.path === '/' && request.method === 'GET') {
      return {
        status: 200,
        body: {
          name: 'fake-node-1',
          cluster_name: this.#health.cluster_name,
          version: { number: '8.15.0', build_flavor: 'default', lucene_version: '9.11.1' },
          tagline: 'You Know, for Search',
        },
      };
    }
    if (request.path === '/_cluster/health' && request.method === 'GET') return { status: 200, body: this.#health };
    const search = /^\/([^/]+)\/_search$/.exec(request.path);
    if (search?.[1] !== undefined && (request.method === 'POST' || request.method === 'GET')) {
      return this.#search(decodeURIComponent(search[1]), request);
    }
    return esError(400, 'illegal_argument_exception', `no handler found for uri [${request.path}] and method [${request.method}]`);
  }

  #search(indexExpr: string, request: RecordedRequest): FakeReply {
    const indices = new Set<string>();
    for (const part of indexExpr.split(',')) {
      if (part.includes('*')) {
        const re = globToRegExp(part);
        for (const i of this.#indices) if (re.test(i)) indices.add(i);
      } else if (this.#indices.has(part)) {
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
    if (request.body !== '' && request.json === undefined) {
      return esError(400, 'x_content_parse_exception', '[1:1] Unexpected character: was expecting a JSON document');
    }
    const body = (request.json ?? {}) as { query?: unknown; size?: unknown; from?: unknown; aggs?: unknown; aggregations?: unknown };
    let predicate: Predicate;
    const aggs = body.aggs ?? body.aggregations;
    try {
      predicate = compile(body.query);
      if (aggs !== undefined) aggregate(aggs, []);
    } catch (err) {
      return esError(400, 'parsing_exception', (err as Error).message, { line: 1, col: 1 });
    }
    if (this.#nextSearchError !== undefined) {
      const { reason, type } = this.#nextSearchError;
      this.#nextSearchError = undefined;
      const cause = { type, reason, index: [...indices][0] ?? indexExpr };
      return {
        status: 400,
        body: {
          error: { root_cause: [cause], type: 'search_phase_execution_exception', reason: 'all shards failed', phase: 'query', grouped: true },
          status: 400,
        },
      };
    }
    const size = Number(body.size ?? 10);
    const from = Number(body.from ?? 0);
    const matched = this.#docs
      .filter((d) => indices.has(d.index) && predicate(d.source))
      .sort((a, b) => b.millis - a.millis);
    const hits = matched.slice(from, from + size).map((d) => ({
      _index: d.index,
      _id: d.id,
      _score: null,
      _source: d.source,
      sort: [d.millis],
    }));
    const response: Record<string, unknown> = {
      took: 1,
      timed_out: false,
      _shards: { total: indices.size, successful: indices.size, skipped: 0, failed: 0 },
      hits: { total: { value: matched.length, relation: 'eq' }, max_score: null, hits },
    };
    if (aggs !== undefined) response.aggregations = aggregate(aggs, matched.map((d) => d.source));
    return { status: 200, body: response };
  }
}

export async function fakeElasticsearch(options: FakeElasticsearchOptions = {}): Promise<FakeElasticsearch> {
  return new FakeElasticsearch(options).start();
}
