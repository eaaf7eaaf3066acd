import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listen, type Listening } from './net.js';

/** One request as the fake received it. */
export interface RecordedRequest {
  readonly method: string;
  /** Path without the query string, e.g. `/api/v1/query`. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** The raw body as a UTF-8 string ('' when there was none). */
  readonly body: string;
  /** The parsed body when the content type is JSON and it parsed; undefined otherwise. */
  readonly json: unknown;
  /** The parsed body when the content type is application/x-www-form-urlencoded. */
  readonly form: URLSearchParams | undefined;
  /** Milliseconds since the epoch when the request finished arriving. */
  readonly receivedAt: number;
}

/** What a fake answers. An object or array body is sent as JSON. */
export interface FakeReply {
  status: number;
  headers?: Record<string, string>;
  body?: string | object;
}

/**
 * A scripted misbehaviour. An object with `status` replaces the reply; `'hang'` never answers (close() still ends
 * the socket); `'malformed-json'` answers 200 with a truncated JSON document; `hugeBodyBytes` answers 200 with a
 * JSON body of that many bytes; `slowBodyMs` sends the normal status and headers at once and the body that much later.
 */
export type Fault =
  | { status: number; body?: string | object; headers?: Record<string, string> }
  | 'hang'
  | 'malformed-json'
  | { hugeBodyBytes: number }
  | { slowBodyMs: number };

/**
 * Which requests a fault applies to: `'/path'` (any method), `'GET /path'`, a RegExp tested against the path, or a
 * predicate over the recorded request.
 */
export type RouteMatcher = string | RegExp | ((request: RecordedRequest) => boolean);

export interface FaultOptions {
  /** How many matching requests get the fault before it expires; unlimited when omitted. */
  times?: number;
}

interface ScriptedFault {
  matches: (request: RecordedRequest) => boolean;
  fault: Fault;
  remaining: number;
}

function toMatcher(route: RouteMatcher): (request: RecordedRequest) => boolean {
  if (typeof route === 'function') return route;
  if (route instanceof RegExp) return (request) => route.test(request.path);
  const space = route.indexOf(' ');
  if (space > 0) {
    const method = route.slice(0, space).toUpperCase();
    const path = route.slice(space + 1);
    return (request) => request.method === method && request.path === path;
  }
  return (request) => request.path === route;
}

function isJsonType(contentType: string | undefined): boolean {
  return contentType !== undefined && /\bjson\b|\+json|x-amz-json/i.test(contentType);
}

function encodeBody(body: string | object | undefined): { text: string; json: boolean } {
  if (body === undefined) return { text: '', json: false };
  if (typeof body === 'string') return { text: body, json: false };
  return { text: JSON.stringify(body), json: true };
}

const HUGE_CHUNK = 64 * 1024;

/**
 * The base of every fake: a node:http server on 127.0.0.1:0 that records each request, applies scripted faults, and
 * otherwise answers through `handle`. Subclasses implement `handle` from the vendor's documented contract.
 */
export abstract class FakeHttpServer {
  /** Every request received, in order, including those answered by a fault. */
  readonly requests: RecordedRequest[] = [];
  #server: Server;
  #listening: Listening | undefined;
  #faults: ScriptedFault[] = [];
  #timers = new Set<NodeJS.Timeout>();

  constructor() {
    this.#server = createServer((req, res) => {
      this.#receive(req, res);
    });
  }

  /** `http://127.0.0.1:PORT` once started. */
  get url(): string {
    if (this.#listening === undefined) throw new Error('fake server is not started');
    return this.#listening.url;
  }

  get port(): number {
    if (this.#listening === undefined) throw new Error('fake server is not started');
    return this.#listening.port;
  }

  async start(): Promise<this> {
    this.#listening ??= await listen(this.#server);
    return this;
  }

  /** Scripts a fault for matching requests; later faults take precedence over earlier ones. */
  fault(route: RouteMatcher, fault: Fault, options: FaultOptions = {}): this {
    this.#faults.unshift({ matches: toMatcher(route), fault, remaining: options.times ?? Number.POSITIVE_INFINITY });
    return this;
  }

  clearFaults(): this {
    this.#faults = [];
    return this;
  }

  /** Requests whose path equals `path` (or matches it, for a RegExp), optionally of one method. */
  requestsTo(path: string | RegExp, method?: string): RecordedRequest[] {
    return this.requests.filter(
      (r) =>
        (typeof path === 'string' ? r.path === path : path.test(r.path)) &&
        (method === undefined || r.method === method.toUpperCase()),
    );
  }

  /** Closes the server and destroys every open socket, including hung and trickling ones. */
  async close(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    if (this.#listening !== undefined) await this.#listening.close();
  }

  /** Answers a request that no fault claimed. */
  protected abstract handle(request: RecordedRequest): FakeReply | Promise<FakeReply>;

  #receive(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = this.#record(req, Buffer.concat(chunks).toString('utf8'));
      this.requests.push(request);
      const fault = this.#takeFault(request);
      if (fault === 'hang') return;
      if (fault !== undefined && typeof fault === 'object' && 'status' in fault) {
        this.#send(res, { status: fault.status, headers: fault.headers, body: fault.body });
        return;
      }
      if (fault === 'malformed-json') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"status":"success","data":{"result":[{"metric":');
        return;
      }
      if (fault !== undefined && 'hugeBodyBytes' in fault) {
        this.#sendHuge(res, fault.hugeBodyBytes);
        return;
      }
      const slowMs = fault !== undefined && 'slowBodyMs' in fault ? fault.slowBodyMs : undefined;
      Promise.resolve()
        .then(() => this.handle(request))
        .then(
          (reply) => this.#send(res, reply, slowMs),
          (err: unknown) => this.#send(res, { status: 500, body: `fake server error: ${String(err)}` }),
        );
    });
  }

  #record(req: IncomingMessage, body: string): RecordedRequest {
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const contentType = req.headers['content-type'];
    let json: unknown;
    if (isJsonType(contentType) && body !== '') {
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
    }
    const form =
      contentType !== undefined && contentType.includes('application/x-www-form-urlencoded')
        ? new URLSearchParams(body)
        : undefined;
    return {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      json,
      form,
      receivedAt: Date.now(),
    };
  }

  #takeFault(request: RecordedRequest): Fault | undefined {
    const scripted = this.#faults.find((f) => f.remaining > 0 && f.matches(request));
    if (scripted === undefined) return undefined;
    scripted.remaining -= 1;
    if (scripted.remaining <= 0) this.#faults = this.#faults.filter((f) => f !== scripted);
    return scripted.fault;
  }

  #send(res: ServerResponse, reply: FakeReply, slowBodyMs?: number): void {
    const { text, json } = encodeBody(reply.body);
    const headers: Record<string, string> = {};
    if (json) headers['content-type'] = 'application/json; charset=utf-8';
    else if (text !== '') headers['content-type'] = 'text/plain; charset=utf-8';
    Object.assign(headers, reply.headers);
    headers['content-length'] = String(Buffer.byteLength(text));
    res.writeHead(reply.status, headers);
    if (slowBodyMs === undefined) {
      res.end(text);
      return;
    }
    res.flushHeaders();
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (!res.destroyed) res.end(text);
    }, slowBodyMs);
    this.#timers.add(timer);
  }

  #sendHuge(res: ServerResponse, bytes: number): void {
    // A valid JSON document `{"pad":"xxxx…"}` of exactly `bytes` bytes (at least the 10 bytes of the wrapper).
    const prefix = '{"pad":"';
    const suffix = '"}';
    let padLeft = Math.max(0, bytes - prefix.length - suffix.length);
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': String(prefix.length + padLeft + suffix.length),
    });
    res.write(prefix);
    const chunk = Buffer.alloc(HUGE_CHUNK, 'x');
    const pump = (): void => {
      while (padLeft > 0 && !res.destroyed) {
        const n = Math.min(HUGE_CHUNK, padLeft);
        padLeft -= n;
        if (!res.write(n === HUGE_CHUNK ? chunk : chunk.subarray(0, n))) {
          res.once('drain', pump);
          return;
        }
      }
      if (!res.destroyed) res.end(suffix);
    };
    pump();
  }
}
