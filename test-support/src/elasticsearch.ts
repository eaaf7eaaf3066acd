import { basicCredentials } from './auth.js';
import { explicitMapping, extendMapping, type ElasticMapping, type MappedField } from './elastic-mapping.js';
import {
  aggregate,
  compile,
  fielddataError,
  readAggs,
  readSort,
  ShardError,
  sortValue,
  toMillis,
  type DocView,
  type Predicate,
  type SortSpec,
  type TermsSpec,
} from './elastic-query.js';
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
