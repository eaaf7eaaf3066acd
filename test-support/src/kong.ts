import { randomUUID } from 'node:crypto';
import { headerValue } from './auth.js';
import { FakeHttpServer, type FakeReply, type RecordedRequest } from './fake-server.js';

export interface FakeKongOptions {
  /** When set, every Admin API request must carry `Kong-Admin-Token` with this value. */
  adminToken?: string;
}

/** An entity as seeded (service, route or upstream): any JSON fields; `id` is generated when missing. */
export interface KongEntity {
  id?: string;
  name?: string;
  [field: string]: unknown;
}

export type KongTargetHealth = 'HEALTHY' | 'UNHEALTHY' | 'DNS_ERROR' | 'HEALTHCHECKS_OFF';

export interface KongTargetSeed {
  target: string;
  health: KongTargetHealth;
  weight?: number;
}

export interface KongStatus {
  database: { reachable: boolean };
  memory: Record<string, unknown>;
  server: Record<string, number>;
}

type Collection = 'services' | 'routes' | 'upstreams';

const UNAUTHORIZED: FakeReply = { status: 401, body: { message: 'Invalid credentials. Token or User credentials required' } };
const NOT_FOUND: FakeReply = { status: 404, body: { message: 'Not found' } };

/**
 * The Kong Admin API: `GET /`, `/status`, `/services`, `/routes`, `/upstreams` (paged with `size` and an opaque
 * `offset`), `/upstreams/{name or id}/health`.
 */
export class FakeKong extends FakeHttpServer {
  readonly #token: string | undefined;
  readonly #entities: Record<Collection, Array<KongEntity & { id: string }>> = { services: [], routes: [], upstreams: [] };
  readonly #health = new Map<string, KongTargetSeed[]>();
  #status: KongStatus = {
    database: { reachable: true },
    memory: { workers_lua_vms: [{ http_allocated_gc: '0.02 MiB', pid: 18477 }], lua_shared_dicts: {} },
    server: {
      connections_writing: 1,
      total_requests: 918273,
      connections_handled: 4242,
      connections_accepted: 4242,
      connections_reading: 0,
      connections_active: 17,
      connections_waiting: 16,
    },
  };

  constructor(options: FakeKongOptions = {}) {
    super();
    this.#token = options.adminToken;
  }

  seedServices(services: KongEntity[]): this {
    return this.#seed('services', services);
  }

  seedRoutes(routes: KongEntity[]): this {
    return this.#seed('routes', routes);
  }

  seedUpstreams(upstreams: KongEntity[]): this {
    return this.#seed('upstreams', upstreams);
  }

  /** Target health for an upstream, by its name (the upstream is created if it was not seeded). */
  seedUpstreamHealth(upstream: string, targets: KongTargetSeed[]): this {
    if (!this.#entities.upstreams.some((u) => u.name === upstream)) this.seedUpstreams([{ name: upstream }]);
    this.#health.set(upstream, targets);
    return this;
  }

  setStatus(status: Partial<KongStatus>): this {
    this.#status = { ...this.#status, ...status };
    return this;
  }

  #seed(collection: Collection, entities: KongEntity[]): this {
    const now = Math.floor(Date.now() / 1000);
    for (const e of entities) this.#entities[collection].push({ created_at: now, updated_at: now, tags: null, ...e, id: e.id ?? randomUUID() });
    return this;
  }

  protected handle(request: RecordedRequest): FakeReply {
    if (this.#token !== undefined && headerValue(request.headers, 'kong-admin-token') !== this.#token) return UNAUTHORIZED;
    if (request.method !== 'GET') return { status: 405, body: { message: 'Method not allowed' } };
    if (request.path === '/') return { status: 200, body: { version: '3.9.0', tagline: 'Welcome to kong', node_id: '6a72d2d3-0000-4000-8000-000000000001' } };
    if (request.path === '/status') return { status: 200, body: this.#status };
    const collection = /^\/(services|routes|upstreams)\/?$/.exec(request.path)?.[1] as Collection | undefined;
    if (collection !== undefined) return this.#page(collection, request.query);
    const health = /^\/upstreams\/([^/]+)\/health\/?$/.exec(request.path)?.[1];
    if (health !== undefined) return this.#upstreamHealth(decodeURIComponent(health));
    return NOT_FOUND;
  }

  #page(collection: Collection, query: URLSearchParams): FakeReply {
    const size = Number(query.get('size') ?? '100');
    if (!Number.isInteger(size) || size < 1 || size > 1000) {
      return { status: 400, body: { code: 9, name: 'invalid size', message: 'size must be an integer between 1 and 1000' } };
    }
    const offsetParam = query.get('offset');
    let start = 0;
    if (offsetParam !== null) {
      const decoded = /^fake:(\d+)$/.exec(Buffer.from(offsetParam, 'base64url').toString());
      if (decoded?.[1] === undefined) return { status: 400, body: { code: 7, name: 'invalid offset', message: `'${offsetParam}' is not a valid offset: bad base64 encoding` } };
      start = Number(decoded[1]);
    }
    const all = this.#entities[collection];
    const data = all.slice(start, start + size);
    if (start + size >= all.length) return { status: 200, body: { data, next: null } };
    const offset = Buffer.from(`fake:${start + size}`).toString('base64url');
    const next = `/${collection}?offset=${encodeURIComponent(offset)}${query.has('size') ? `&size=${size}` : ''}`;
    return { status: 200, body: { data, next, offset } };
  }

  #upstreamHealth(nameOrId: string): FakeReply {
    const upstream = this.#entities.upstreams.find((u) => u.name === nameOrId || u.id === nameOrId);
    if (upstream === undefined) return NOT_FOUND;
    const targets = this.#health.get(String(upstream.name)) ?? [];
    const now = Date.now() / 1000;
    return {
      status: 200,
      body: {
        node_id: '6a72d2d3-0000-4000-8000-000000000001',
        data: targets.map((t) => ({
          id: randomUUID(),
          target: t.target,
          health: t.health,
          weight: t.weight ?? 100,
          created_at: now,
          updated_at: now,
          tags: null,
          upstream: { id: upstream.id },
          data: {
            addresses: [{ ip: t.target.split(':')[0], port: Number(t.target.split(':')[1] ?? 8000), health: t.health, weight: t.weight ?? 100 }],
            weight: { total: t.weight ?? 100, available: t.health === 'UNHEALTHY' ? 0 : (t.weight ?? 100), unavailable: t.health === 'UNHEALTHY' ? (t.weight ?? 100) : 0 },
          },
        })),
        next: null,
      },
    };
  }
}

export async function fakeKong(options: FakeKongOptions = {}): Promise<FakeKong> {
  return new FakeKong(options).start();
}
