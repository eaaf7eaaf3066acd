import { randomUUID } from 'node:crypto';
import { headerValue } from './auth.js';
import { FakeHttpServer, type FakeReply, type RecordedRequest } from './fake-server.js';

export interface FakeAwsOptions {
  /** The region the credential scope must name; default `us-east-1`. */
  region?: string;
  /** When set, only this access key id is recognised. */
  accessKeyId?: string;
  /**
   * How many stored events (in the time range, matching or not) one FilterLogEvents call searches before it answers
   * with what it found and a `nextToken`; default 20. The real service also answers after searching a bounded amount
   * of data, so on a busy group pages are often partly full or empty and still carry a `nextToken`.
   */
  eventsScannedPerCall?: number;
}

export interface LogEventSeed {
  timestamp: number;
  message: string;
  logStreamName?: string;
  ingestionTime?: number;
}

/** A metric series for CloudWatch GetMetricData; dimensions must match the query's exactly. */
export interface MetricSeed {
  namespace: string;
  metricName: string;
  dimensions?: Record<string, string>;
  /** When set, only queries asking for this statistic (e.g. `Sum`) get the values. */
  stat?: string;
  points: Array<{ timestamp: Date | number; value: number }>;
}

interface StoredEvent {
  logStreamName: string;
  timestamp: number;
  message: string;
  ingestionTime: number;
  eventId: string;
}

class AwsError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly queryCode?: string,
  ) {
    super(message);
  }
}

const LOGS_TARGET = 'Logs_20140328.';
const CLOUDWATCH_TARGET = 'GraniteServiceVersion20100801.';
/** `startFromHead: false` (newest first) is offered for start times from 2024 on. */
const NEWEST_FIRST_SINCE = Date.UTC(2024, 0, 1);
const SIGV4 = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

type Term = (message: string) => boolean;

/** A bare filter-pattern term: the word, not inside a longer word. */
function wholeWord(word: string): Term {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`(?:^|[^\\p{L}\\p{N}_])${escaped}(?:$|[^\\p{L}\\p{N}_])`, 'u');
  return (message) => re.test(message);
}

/**
 * A filter pattern as CloudWatch Logs documents it, limited to terms: each term must appear in the message
 * (case-sensitive), a `-term` must not, and when there are `?term` terms at least one of them must. A bare term
 * matches a whole word; a double-quoted term matches its exact text anywhere. The documentation gives no escape inside
 * quotes, so a backslash is an ordinary character and the next `"` always ends the term; an unclosed quote is
 * InvalidParameterException. JSON (`{ $.x = … }`) and space-delimited (`[ … ]`) patterns are answered
 * InvalidParameterException because the fake does not interpret them.
 */
function compileFilterPattern(pattern: string | undefined): (message: string) => boolean {
  if (pattern === undefined || pattern.trim() === '') return () => true;
  const trimmed = pattern.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    throw new AwsError(400, 'InvalidParameterException', 'Invalid filter pattern (the fake supports term patterns only)');
  }
  if ((trimmed.match(/"/g) ?? []).length % 2 !== 0) throw new AwsError(400, 'InvalidParameterException', 'Invalid filter pattern: unclosed quote');
  const include: Term[] = [];
  const exclude: Term[] = [];
  const anyOf: Term[] = [];
  const token = /([-?]?)(?:"([^"]*)"|([^\s"]+))/g;
  for (const m of trimmed.matchAll(token)) {
    const term: Term = m[2] !== undefined ? (message) => message.includes(m[2]!) : wholeWord(m[3]!);
    (m[1] === '-' ? exclude : m[1] === '?' ? anyOf : include).push(term);
  }
  // `?a ?b` matches events holding any of the `?` terms (the documented OR form).
  return (message) =>
    include.every((t) => t(message)) && !exclude.some((t) => t(message)) && (anyOf.length === 0 || anyOf.some((t) => t(message)));
}

function epochMillis(value: Date | number): number {
  return typeof value === 'number' ? value : value.getTime();
}

/**
 * One fake for CloudWatch Logs (AWS JSON 1.1, `X-Amz-Target: Logs_20140328.*`: FilterLogEvents, DescribeLogGroups)
 * and CloudWatch (AWS JSON 1.0 with awsQueryCompatible, `X-Amz-Target: GraniteServiceVersion20100801.GetMetricData`),
 * as the installed v3 SDK clients speak them. Requires a SigV4 `Authorization` header whose credential scope names the
 * configured region and the right service (`logs` / `monitoring`); the signature itself is not verified.
 */
export class FakeAws extends FakeHttpServer {
  readonly #region: string;
  readonly #accessKeyId: string | undefined;
  readonly #scanPerCall: number;
  #groups = new Map<string, { events: StoredEvent[]; creationTime: number }>();
  #metrics: MetricSeed[] = [];
  #eventCounter = 0;

  constructor(options: FakeAwsOptions = {}) {
    super();
    this.#region = options.region ?? 'us-east-1';
    this.#accessKeyId = options.accessKeyId;
    this.#scanPerCall = options.eventsScannedPerCall ?? 20;
  }

  /** The next `times` CloudWatch Logs calls are throttled as the service does: HTTP 400 ThrottlingException. */
  throttle(times = 1): this {
    return this.fault(
      (r) => (headerValue(r.headers, 'x-amz-target') ?? '').startsWith(LOGS_TARGET),
      { status: 400, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } },
      { times },
    );
  }

  /** Creates the log group if needed and adds events (stream name defaults to `stream-1`). */
  seedLogEvents(logGroupName: string, events: LogEventSeed[]): this {
    let group = this.#groups.get(logGroupName);
    if (group === undefined) {
      group = { events: [], creationTime: Date.now() };
      this.#groups.set(logGroupName, group);
    }
    for (const e of events) {
      this.#eventCounter += 1;
      group.events.push({
        logStreamName: e.logStreamName ?? 'stream-1',
        timestamp: e.timestamp,
        message: e.message,
        ingestionTime: e.ingestionTime ?? e.timestamp + 500,
        eventId: String(this.#eventCounter).padStart(56, '0'),
      });
    }
    group.events.sort((a, b) => a.timestamp - b.timestamp);
    return this;
  }

  seedMetric(metric: MetricSeed): this {
    this.#metrics.push(metric);
    return this;
  }

  /** The parsed JSON bodies of calls to one operation, e.g. `calls('FilterLogEvents')`. */
  calls(operation: string): unknown[] {
    return this.requests
      .filter((r) => (headerValue(r.headers, 'x-amz-target') ?? '').endsWith(`.${operation}`))
      .map((r) => r.json);
  }

  protected handle(request: RecordedRequest): FakeReply {
    const target = headerValue(request.headers, 'x-amz-target') ?? '';
    const isLogs = target.startsWith(LOGS_TARGET);
    const isCloudWatch = target.startsWith(CLOUDWATCH_TARGET);
    const contentType = isCloudWatch ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1';
    try {
      if (request.method !== 'POST' || request.path !== '/') throw new AwsError(404, 'UnknownOperationException', '');
      this.#checkSignature(request, isCloudWatch ? 'monitoring' : 'logs');
      if (request.json === undefined) throw new AwsError(400, 'SerializationException', 'Start of structure or map found where not expected.');
      const input = request.json as Record<string, unknown>;
      let output: unknown;
      if (isLogs) output = this.#logs(target.slice(LOGS_TARGET.length), input);
      else if (isCloudWatch) output = this.#cloudWatch(target.slice(CLOUDWATCH_TARGET.length), input);
      else throw new AwsError(400, 'UnknownOperationException', '');
      return { status: 200, headers: { 'content-type': contentType, 'x-amzn-requestid': randomUUID() }, body: output as object };
    } catch (err) {
      if (!(err instanceof AwsError)) throw err;
      const headers: Record<string, string> = { 'content-type': contentType, 'x-amzn-requestid': randomUUID() };
      let type = err.type;
      if (isCloudWatch) {
        // awsQueryCompatible: the SDK takes the error code from this header.
        headers['x-amzn-query-error'] = `${err.queryCode ?? err.type};${err.status >= 500 ? 'Receiver' : 'Sender'}`;
        type = `com.amazonaws.cloudwatch#${err.type}`;
      }
      return { status: err.status, headers, body: { __type: type, message: err.message } };
    }
  }

  #checkSignature(request: RecordedRequest, service: string): void {
    const header = headerValue(request.headers, 'authorization');
    if (header === undefined || header === '') {
      throw new AwsError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token', 'MissingAuthenticationToken');
    }
    const m = SIGV4.exec(header);
    if (m === null || headerValue(request.headers, 'x-amz-date') === undefined) {
      throw new AwsError(403, 'IncompleteSignatureException', `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.`, 'IncompleteSignature');
    }
    const [, keyId, , region, scopeService] = m;
    if (region !== this.#region || scopeService !== service) {
      throw new AwsError(403, 'InvalidSignatureException', `Credential should be scoped to a valid region and service: expected ${this.#region}/${service}, got ${region}/${scopeService}.`, 'SignatureDoesNotMatch');
    }
    if (this.#accessKeyId !== undefined && keyId !== this.#accessKeyId) {
      throw new AwsError(400, 'UnrecognizedClientException', 'The security token included in the request is invalid.', 'InvalidClientTokenId');
    }
  }

  #logs(operation: string, input: Record<string, unknown>): unknown {
    switch (operation) {
      case 'FilterLogEvents':
        return this.#filterLogEvents(input);
      case 'DescribeLogGroups':
        return this.#describeLogGroups(input);
      default:
        throw new AwsError(400, 'UnknownOperationException', `The fake does not implement ${operation}`);
    }
  }

  #describeLogGroups(input: Record<string, unknown>): unknown {
    const prefix = typeof input.logGroupNamePrefix === 'string' ? input.logGroupNamePrefix : '';
    const limit = typeof input.limit === 'number' ? input.limit : 50;
    const offset = typeof input.nextToken === 'string' ? Number(Buffer.from(input.nextToken, 'base64url').toString()) : 0;
    const names = [...this.#groups.keys()].filter((n) => n.startsWith(prefix)).sort();
    const page = names.slice(offset, offset + limit).map((name) => ({
      logGroupName: name,
      creationTime: this.#groups.get(name)?.creationTime,
      metricFilterCount: 0,
      arn: `arn:aws:logs:${this.#region}:123456789012:log-group:${name}:*`,
      storedBytes: 0,
      logGroupClass: 'STANDARD',
      logGroupArn: `arn:aws:logs:${this.#region}:123456789012:log-group:${name}`,
    }));
    const next = offset + limit < names.length ? Buffer.from(String(offset + limit)).toString('base64url') : undefined;
    return next === undefined ? { logGroups: page } : { logGroups: page, nextToken: next };
  }

  #filterLogEvents(input: Record<string, unknown>): unknown {
    const name = input.logGroupName ?? input.logGroupIdentifier;
    if (typeof name !== 'string') {
      throw new AwsError(400, 'InvalidParameterException', 'Either logGroupName or logGroupIdentifier must be specified.');
    }
    const group = this.#groups.get(name);
    if (group === undefined) throw new AwsError(400, 'ResourceNotFoundException', 'The specified log group does not exist.');
    const start = typeof input.startTime === 'number' ? input.startTime : Number.NEGATIVE_INFINITY;
    const end = typeof input.endTime === 'number' ? input.endTime : Number.POSITIVE_INFINITY;
    const limit = typeof input.limit === 'number' ? input.limit : 10_000;
    if (limit < 1 || limit > 10_000) {
      throw new AwsError(400, 'InvalidParameterException', "1 validation error detected: Value at 'limit' failed to satisfy constraint: Member must have value between 1 and 10000");
    }
    const streams = Array.isArray(input.logStreamNames) ? input.logStreamNames.map(String) : undefined;
    const streamPrefix = typeof input.logStreamNamePrefix === 'string' ? input.logStreamNamePrefix : '';
    const matches = compileFilterPattern(typeof input.filterPattern === 'string' ? input.filterPattern : undefined);
    const newestFirst = input.startFromHead === false;
    if (newestFirst && !(typeof input.startTime === 'number' && input.startTime >= NEWEST_FIRST_SINCE)) {
      throw new AwsError(400, 'InvalidParameterException', 'startFromHead=false is supported only with a startTime on or after 2024-01-01T00:00:00Z.');
    }
    let offset = 0;
    if (typeof input.nextToken === 'string') {
      const decoded = /^fake:(\d+)$/.exec(Buffer.from(input.nextToken, 'base64url').toString());
      if (decoded?.[1] === undefined) throw new AwsError(400, 'InvalidParameterException', 'The specified nextToken is invalid.');
      offset = Number(decoded[1]);
    }
    const inRange = group.events.filter(
      (e) =>
        e.timestamp >= start &&
        e.timestamp <= end &&
        (streams === undefined || streams.includes(e.logStreamName)) &&
        e.logStreamName.startsWith(streamPrefix),
    );
    if (newestFirst) inRange.reverse();
    // One call searches a bounded stretch and answers with what it found there, possibly nothing.
    const events: StoredEvent[] = [];
    let next = offset;
    const stop = Math.min(inRange.length, offset + this.#scanPerCall);
    for (; next < stop && events.length < limit; next++) {
      const e = inRange[next]!;
      if (matches(e.message)) events.push(e);
    }
    const result: Record<string, unknown> = { events, searchedLogStreams: [] };
    if (next < inRange.length) result.nextToken = Buffer.from(`fake:${next}`).toString('base64url');
    return result;
  }

  #cloudWatch(operation: string, input: Record<string, unknown>): unknown {
    if (operation !== 'GetMetricData') {
      throw new AwsError(400, 'UnknownOperationException', `The fake does not implement ${operation}`, 'InvalidAction');
    }
    const start = Number(input.StartTime) * 1000;
    const end = Number(input.EndTime) * 1000;
    if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start) {
      throw new AwsError(400, 'InvalidParameterValueException', 'The parameter StartTime must be less than the parameter EndTime.', 'InvalidParameterValue');
    }
    const queries = Array.isArray(input.MetricDataQueries) ? (input.MetricDataQueries as Array<Record<string, unknown>>) : [];
    if (queries.length === 0) {
      throw new AwsError(400, 'MissingRequiredParameterException', 'The parameter MetricDataQueries is required.', 'MissingParameter');
    }
    const descending = input.ScanBy !== 'TimestampAscending';
    const results = queries.map((q) => {
      const stat = q.MetricStat as
        | { Metric?: { Namespace?: string; MetricName?: string; Dimensions?: Array<{ Name: string; Value: string }> }; Stat?: string }
        | undefined;
      const metric = stat?.Metric;
      const dims = Object.fromEntries((metric?.Dimensions ?? []).map((d) => [d.Name, d.Value]));
      const seed = this.#metrics.find(
        (s) =>
          s.namespace === metric?.Namespace &&
          s.metricName === metric?.MetricName &&
          (s.stat === undefined || s.stat === stat?.Stat) &&
          JSON.stringify(Object.entries(s.dimensions ?? {}).sort()) === JSON.stringify(Object.entries(dims).sort()),
      );
      const points = (seed?.points ?? [])
        .map((p) => ({ t: epochMillis(p.timestamp), v: p.value }))
        .filter((p) => p.t >= start && p.t < end)
        .sort((a, b) => (descending ? b.t - a.t : a.t - b.t));
      return {
        Id: q.Id,
        Label: typeof q.Label === 'string' ? q.Label : (metric?.MetricName ?? String(q.Id)),
        Timestamps: points.map((p) => p.t / 1000),
        Values: points.map((p) => p.v),
        StatusCode: 'Complete',
      };
    });
    return { MetricDataResults: results, Messages: [] };
  }
}

export async function fakeAws(options: FakeAwsOptions = {}): Promise<FakeAws> {
  return new FakeAws(options).start();
}
