import { basicCredentials, headerValue } from './auth.js';
import { FakeHttpServer, type FakeReply, type RecordedRequest } from './fake-server.js';
import { LogQLParseError, matchesLabelFilters, matchesLabels, matchesLine, parseLogQuery } from './logql.js';

export interface FakeLokiOptions {
  /** When set, requests must carry `X-Scope-OrgID` (missing: 401 `no org id`); other tenants see no data. */
  orgId?: string;
  /** When set, requests must carry this basic auth (as a gateway in front of Loki would demand). */
  basicAuth?: { username: string; password: string };
}

/**
 * A stream as pushed to Loki: indexed labels and `[nanosecond timestamp string, line]` pairs, each optionally with
 * its structured metadata (Loki 3: `detected_level`, `trace_id`…), which is not a label: a selector cannot match it.
 */
export interface LokiStream {
  stream: Record<string, string>;
  values: Array<[string, string] | [string, string, Record<string, string>]>;
}

/** One query_range call as the fake understood it. */
export interface LokiQueryRecord {
  query: string;
  start: bigint;
  end: bigint;
  limit: number;
  direction: 'forward' | 'backward';
  orgId: string | undefined;
}

const HOUR_NS = 3_600_000_000_000n;
const MAX_ENTRIES = 5000;
const MAX_QUERY_LENGTH_NS = 721n * HOUR_NS;

function parseTime(value: string | null, fallback: bigint): bigint | undefined {
  if (value === null || value === '') return fallback;
  if (/^\d+$/.test(value)) {
    // Loki accepts seconds, or nanoseconds when the number is long enough.
    return value.length <= 10 ? BigInt(value) * 1_000_000_000n : BigInt(value);
  }
  if (/^\d+\.\d+$/.test(value)) return BigInt(Math.round(Number(value) * 1e9));
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : BigInt(ms) * 1_000_000n;
}

/**
 * Grafana Loki: `GET /loki/api/v1/query_range` over seeded streams (selector, line filters, label filters, [start,
 * end), limit, direction) and `GET /ready`. Structured metadata is answered merged into the stream labels (as Loki
 * does without the `categorize-labels` encoding flag). Errors are plain text, as Loki sends them.
 */
export class FakeLoki extends FakeHttpServer {
  /** Every query_range call, parsed. */
  readonly queries: LokiQueryRecord[] = [];
  readonly #options: FakeLokiOptions;
  #streams: LokiStream[] = [];
  #rejected = new Map<string, string>();

  constructor(options: FakeLokiOptions = {}) {
    super();
    this.#options = options;
  }

  seedStreams(streams: LokiStream[]): this {
    this.#streams.push(...streams.map((s) => ({ stream: { ...s.stream }, values: [...s.values] })));
    return this;
  }

  /** Adds one line; `time` is a Date, epoch milliseconds, or a nanosecond bigint; `metadata` is structured metadata. */
  addLine(labels: Record<string, string>, time: Date | number | bigint, line: string, metadata?: Record<string, string>): this {
    const ns = typeof time === 'bigint' ? time : BigInt(typeof time === 'number' ? time : time.getTime()) * 1_000_000n;
    const value: LokiStream['values'][number] = metadata === undefined ? [ns.toString(), line] : [ns.toString(), line, { ...metadata }];
    return this.seedStreams([{ stream: labels, values: [value] }]);
  }

  /**
   * The next `times` queries get what an overloaded Loki answers (the query frontend's per-tenant queue is full):
   * 429 `too many outstanding requests`.
   */
  overload(times = 1): this {
    return this.fault('/loki/api/v1/query_range', { status: 429, body: 'too many outstanding requests\n' }, { times });
  }

  /** This exact query is answered 400 with a plain-text parse error. */
  rejectQuery(query: string, message = 'parse error at line 1, col 1: syntax error: unexpected IDENTIFIER'): this {
    this.#rejected.set(query, message);
    return this;
  }

  protected handle(request: RecordedRequest): FakeReply {
    if (request.path === '/ready') return { status: 200, body: 'ready\n' };
    const auth = this.#options.basicAuth;
    if (auth !== undefined) {
      const creds = basicCredentials(request.headers);
      if (creds?.user !== auth.username || creds.password !== auth.password) {
        return { status: 401, headers: { 'www-authenticate': 'Basic realm="loki"' }, body: 'Unauthorized\n' };
      }
    }
    const orgId = headerValue(request.headers, 'x-scope-orgid');
    if (this.#options.orgId !== undefined && (orgId === undefined || orgId === '')) return { status: 401, body: 'no org id\n' };
    if (request.path === '/loki/api/v1/query_range') return this.#queryRange(request.query, orgId);
    return { status: 404, body: '404 page not found\n' };
  }

  #queryRange(params: URLSearchParams, orgId: string | undefined): FakeReply {
    const query = params.get('query') ?? '';
    const now = BigInt(Date.now()) * 1_000_000n;
    const end = parseTime(params.get('end'), now);
    const start = parseTime(params.get('start'), (end ?? now) - HOUR_NS);
    const limit = Number(params.get('limit') ?? '100');
    const directionParam = params.get('direction') ?? 'backward';
    if (start === undefined || end === undefined) {
      return { status: 400, body: 'invalid parameter "start/end": cannot parse as a timestamp\n' };
    }
    if (!Number.isInteger(limit) || limit <= 0) return { status: 400, body: 'limit must be a positive value\n' };
    if (directionParam !== 'forward' && directionParam !== 'backward') {
      return { status: 400, body: `invalid direction: ${directionParam}\n` };
    }
    if (end < start) return { status: 400, body: 'end timestamp must not be before or equal to start time\n' };
    // Loki's default limits: max_entries_limit_per_query 5000, max_query_length 721h.
    if (limit > MAX_ENTRIES) {
      return { status: 400, body: `max entries limit per query exceeded, limit > max_entries_limit_per_query (${limit} > ${MAX_ENTRIES})\n` };
    }
    if (end - start > MAX_QUERY_LENGTH_NS) {
      const hours = (end - start) / 3_600_000_000_000n;
      return { status: 400, body: `the query time range exceeds the limit (query length: ${hours}h, limit: 721h)\n` };
    }
    this.queries.push({ query, start, end, limit, direction: directionParam, orgId });
    if (query === '') return { status: 400, body: 'query parameter is required\n' };
    const rejected = this.#rejected.get(query);
    if (rejected !== undefined) return { status: 400, body: `${rejected}\n` };
    let parsed;
    try {
      parsed = parseLogQuery(query);
    } catch (err) {
      if (err instanceof LogQLParseError) return { status: 400, body: `${err.message}\n` };
      throw err;
    }
    const visible = this.#options.orgId === undefined || orgId === this.#options.orgId;
    const entries: Array<{ labels: Record<string, string>; ts: bigint; line: string }> = [];
    if (visible) {
      for (const s of this.#streams) {
        // The selector sees indexed labels only; label filters after it see structured metadata too.
        if (!matchesLabels(s.stream, parsed.matchers)) continue;
        for (const [ts, line, metadata] of s.values) {
          const t = BigInt(ts);
          const labels = metadata === undefined ? s.stream : { ...s.stream, ...metadata };
          if (t >= start && t < end && matchesLine(line, parsed.filters) && matchesLabelFilters(labels, parsed.labelFilters)) {
            entries.push({ labels, ts: t, line });
          }
        }
      }
    }
    entries.sort((a, b) => (directionParam === 'backward' ? Number(b.ts - a.ts) : Number(a.ts - b.ts)));
    const kept = entries.slice(0, limit);
    const grouped = new Map<string, LokiStream>();
    for (const e of kept) {
      const key = JSON.stringify(Object.entries(e.labels).sort());
      let stream = grouped.get(key);
      if (stream === undefined) {
        stream = { stream: e.labels, values: [] };
        grouped.set(key, stream);
      }
      stream.values.push([e.ts.toString(), e.line]);
    }
    return {
      status: 200,
      body: {
        status: 'success',
        data: {
          resultType: 'streams',
          result: [...grouped.values()],
          stats: { summary: { totalEntriesReturned: kept.length, execTime: 0.001 } },
        },
      },
    };
  }
}

export async function fakeLoki(options: FakeLokiOptions = {}): Promise<FakeLoki> {
  return new FakeLoki(options).start();
}
