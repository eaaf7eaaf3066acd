import { headerValue } from './auth.js';
import { FakeHttpServer, type FakeReply, type RecordedRequest } from './fake-server.js';

export interface FakeDatadogOptions {
  apiKey: string;
  appKey: string;
}

export interface DatadogUnit {
  family: string;
  name: string;
  short_name: string | null;
}

/** A series as seeded; the fake fills in display_name, expression, length, etc. */
export interface DatadogSeriesSeed {
  metric: string;
  scope?: string;
  tagSet?: string[];
  pointlist: Array<[number, number | null]>;
  interval?: number;
  aggr?: string | null;
  unit?: [DatadogUnit | null, DatadogUnit | null] | null;
}

export type DatadogGroupStatus = 'OK' | 'Alert' | 'Warn' | 'No Data';

/** A monitor as seeded; `groups` feeds `state.groups`, which the API filters by `group_states`. */
export interface DatadogMonitorSeed {
  id: number;
  name: string;
  overall_state: 'OK' | 'Alert' | 'Warn' | 'No Data' | 'Ignored' | 'Skipped' | 'Unknown';
  type?: string;
  query?: string;
  message?: string;
  priority?: number | null;
  tags?: string[];
  groups?: Record<string, { status: DatadogGroupStatus; last_triggered_ts?: number | null }>;
}

export interface DatadogRateLimit {
  limit?: number;
  period?: number;
  reset?: number;
  /** How many requests get the 429; default 1. */
  times?: number;
}

const FORBIDDEN: FakeReply = { status: 403, body: { errors: ['Forbidden'] } };

/**
 * The Datadog v1 API: `/api/v1/validate` (API key only), `/api/v1/query` and `/api/v1/monitor` (API and application
 * keys), headers DD-API-KEY and DD-APPLICATION-KEY.
 */
export class FakeDatadog extends FakeHttpServer {
  readonly #apiKey: string;
  readonly #appKey: string;
  #series = new Map<string, DatadogSeriesSeed[]>();
  #badQueries = new Map<string, string>();
  #monitors: DatadogMonitorSeed[] = [];

  constructor(options: FakeDatadogOptions) {
    super();
    this.#apiKey = options.apiKey;
    this.#appKey = options.appKey;
  }

  /** The series `/api/v1/query` returns for exactly this query string (any other query returns no series). */
  seedQuery(query: string, series: DatadogSeriesSeed[]): this {
    this.#series.set(query, series);
    return this;
  }

  /** This query string is answered `400 {"errors":["Error parsing query: …"]}`. */
  markBadQuery(query: string, detail = 'unable to parse query: syntax error'): this {
    this.#badQueries.set(query, `Error parsing query: \n ${detail}`);
    return this;
  }

  seedMonitors(monitors: DatadogMonitorSeed[]): this {
    this.#monitors = [...monitors];
    return this;
  }

  /** The next `times` requests (any route) get 429 with the X-RateLimit-* headers. */
  rateLimit(options: DatadogRateLimit = {}): this {
    const limit = options.limit ?? 1000;
    const period = options.period ?? 3600;
    return this.fault(
      () => true,
      {
        status: 429,
        headers: {
          'content-type': 'application/json',
          'x-ratelimit-limit': String(limit),
          'x-ratelimit-period': String(period),
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(options.reset ?? 17),
        },
        body: { errors: ['Rate limit of traffic exceeded'] },
      },
      { times: options.times ?? 1 },
    );
  }

  protected handle(request: RecordedRequest): FakeReply {
    const apiKeyOk = headerValue(request.headers, 'dd-api-key') === this.#apiKey;
    const appKeyOk = headerValue(request.headers, 'dd-application-key') === this.#appKey;
    if (request.method !== 'GET') return { status: 405, body: { errors: ['Method Not Allowed'] } };
    switch (request.path) {
      case '/api/v1/validate':
        return apiKeyOk ? { status: 200, body: { valid: true } } : FORBIDDEN;
      case '/api/v1/query':
        return apiKeyOk && appKeyOk ? this.#query(request.query) : FORBIDDEN;
      case '/api/v1/monitor':
        return apiKeyOk && appKeyOk ? this.#monitorList(request.query) : FORBIDDEN;
      default:
        return { status: 404, body: { errors: ['Not found'] } };
    }
  }

  #query(params: URLSearchParams): FakeReply {
    const query = params.get('query');
    const from = Number(params.get('from'));
    const to = Number(params.get('to'));
    for (const [name, value] of [['query', query], ['from', params.get('from')], ['to', params.get('to')]] as const) {
      if (value === null || value === '') return { status: 400, body: { errors: [`Missing required parameter '${name}'`] } };
    }
    if (!Number.isFinite(from) || !Number.isFinite(to)) {
      return { status: 400, body: { errors: ["'from' and 'to' must be epoch seconds"] } };
    }
    const q = query ?? '';
    const bad = this.#badQueries.get(q);
    if (bad !== undefined) return { status: 400, body: { errors: [bad] } };
    const series = (this.#series.get(q) ?? []).map((s) => ({
      metric: s.metric,
      display_name: s.metric,
      scope: s.scope ?? '*',
      tag_set: s.tagSet ?? (s.scope === undefined || s.scope === '*' ? [] : s.scope.split(',')),
      expression: q,
      unit: s.unit ?? null,
      pointlist: s.pointlist,
      length: s.pointlist.length,
      start: s.pointlist[0]?.[0] ?? from * 1000,
      end: s.pointlist[s.pointlist.length - 1]?.[0] ?? to * 1000,
      interval: s.interval ?? 60,
      aggr: s.aggr ?? null,
      attributes: {},
    }));
    return {
      status: 200,
      body: {
        status: 'ok',
        res_type: 'time_series',
        resp_version: 1,
        query: q,
        from_date: from * 1000,
        to_date: to * 1000,
        series,
        values: [],
        times: [],
        message: '',
        group_by: [],
      },
    };
  }

  /**
   * `GET /api/v1/monitor`. Without `page` every monitor comes back in one answer (the real API's behaviour, which
   * grows without bound); with `page` (from 0) it is one page of `page_size` monitors (default 100, at most 1000).
   * `group_states` does not filter monitors: it adds `state.groups` limited to those states (all, alert, warn, no
   * data). `with_downtimes` (default true) adds `matching_downtimes`.
   */
  #monitorList(params: URLSearchParams): FakeReply {
    const pageParam = params.get('page');
    const sizeParam = params.get('page_size');
    const page = pageParam === null ? undefined : Number(pageParam);
    const pageSize = sizeParam === null ? undefined : Number(sizeParam);
    if (page !== undefined && (!Number.isInteger(page) || page < 0)) return { status: 400, body: { errors: ['Invalid page: must be a non-negative integer'] } };
    if (pageSize !== undefined && (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000)) {
      return { status: 400, body: { errors: ['Invalid page_size: must be an integer between 1 and 1000'] } };
    }
    const wanted = (params.get('group_states') ?? '')
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter((s) => s !== '');
    const withDowntimes = params.get('with_downtimes') !== 'false';
    const name = params.get('name');
    const monitorTags = (params.get('monitor_tags') ?? '').split(',').filter((t) => t !== '');
    let matching = this.#monitors
      .filter((m) => name === null || m.name.toLowerCase().includes(name.toLowerCase()))
      .filter((m) => monitorTags.every((t) => (m.tags ?? []).includes(t)));
    if (page !== undefined) {
      const size = pageSize ?? 100;
      matching = matching.slice(page * size, (page + 1) * size);
    }
    const list = matching.map((m) => {
      const groups: Record<string, { name: string; status: string; last_triggered_ts: number | null }> = {};
      for (const [group, state] of Object.entries(m.groups ?? {})) {
        if (wanted.includes('all') || wanted.includes(state.status.toLowerCase())) {
          groups[group] = { name: group, status: state.status, last_triggered_ts: state.last_triggered_ts ?? null };
        }
      }
      return {
        id: m.id,
        name: m.name,
        type: m.type ?? 'metric alert',
        query: m.query ?? 'avg(last_5m):avg:system.cpu.user{*} > 90',
        message: m.message ?? '',
        tags: m.tags ?? [],
        options: {},
        overall_state: m.overall_state,
        priority: m.priority ?? null,
        multi: Object.keys(m.groups ?? {}).length > 0,
        created: '2026-01-01T00:00:00.000000+00:00',
        modified: '2026-01-01T00:00:00.000000+00:00',
        state: wanted.length > 0 ? { groups } : {},
        ...(withDowntimes ? { matching_downtimes: [] } : {}),
      };
    });
    return { status: 200, body: list };
  }
}

export async function fakeDatadog(options: FakeDatadogOptions): Promise<FakeDatadog> {
  return new FakeDatadog(options).start();
}
