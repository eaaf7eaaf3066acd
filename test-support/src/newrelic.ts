import { headerValue } from './auth.js';
import { FakeHttpServer, type FakeReply, type RecordedRequest } from './fake-server.js';

export interface FakeNewRelicOptions {
  apiKey: string;
  /** When set, only this account id answers; others get a GraphQL error. */
  accountId?: number;
}

/** One NRQL call as the fake read it out of the GraphQL document. */
export interface NrqlCall {
  accountId: number | undefined;
  nrql: string;
}

const BAD_KEY: FakeReply = {
  status: 401,
  body: { errors: [{ message: 'Bad API Key or no API Key provided', extensions: { error_code: 'BAD_API_KEY' } }] },
};

/** Reads a GraphQL string literal starting at `text[start]` (a `"`), handling the JSON-like escapes GraphQL allows. */
function readGraphQLString(text: string, start: number): string | undefined {
  let i = start + 1;
  let raw = '"';
  while (i < text.length && text[i] !== '"') {
    if (text[i] === '\\') {
      raw += text.slice(i, i + 2);
      i += 2;
    } else {
      raw += text[i];
      i += 1;
    }
  }
  if (i >= text.length) return undefined;
  try {
    return JSON.parse(`${raw}"`) as string;
  } catch {
    return undefined;
  }
}

function argument(document: string, name: string, variables: Record<string, unknown>): unknown {
  // Look only inside the selection set, past any `query($id: Int!)` variable declarations.
  const from = Math.max(0, document.indexOf('{'));
  const re = new RegExp(`\\b${name}\\s*:\\s*`, 'g');
  re.lastIndex = from;
  const m = re.exec(document);
  if (m === null) return undefined;
  const at = m.index + m[0].length;
  const rest = document.slice(at);
  if (rest.startsWith('"')) return readGraphQLString(document, at);
  const variable = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(rest);
  if (variable?.[1] !== undefined) return variables[variable[1]];
  const number = /^-?\d+/.exec(rest);
  return number === null ? undefined : Number(number[0]);
}

/**
 * New Relic NerdGraph: `POST /graphql` with `API-Key`. Understands `actor { account(id: N) { nrql(query: "…") {
 * results } } }` with literal or `$variable` arguments; results are seeded per NRQL string. Errors arrive as 200 with
 * `errors`, as NerdGraph sends them; a bad or missing key is a 401.
 */
export class FakeNewRelic extends FakeHttpServer {
  readonly nrqlCalls: NrqlCall[] = [];
  readonly #apiKey: string;
  readonly #accountId: number | undefined;
  #results = new Map<string, unknown[]>();
  #errors = new Map<string, string>();

  constructor(options: FakeNewRelicOptions) {
    super();
    this.#apiKey = options.apiKey;
    this.#accountId = options.accountId;
  }

  /** The `results` for exactly this NRQL string (unseeded queries answer `[]`). */
  seedNrql(nrql: string, results: unknown[]): this {
    this.#results.set(nrql, results);
    return this;
  }

  /** This NRQL string is answered `200 {"errors":[{"message":…}],"data":{…nrql:null}}`. */
  failNrql(nrql: string, message: string): this {
    this.#errors.set(nrql, message);
    return this;
  }

  protected handle(request: RecordedRequest): FakeReply {
    if (request.path !== '/graphql') return { status: 404, body: { errors: [{ message: 'Not Found' }] } };
    if (headerValue(request.headers, 'api-key') !== this.#apiKey) return BAD_KEY;
    if (request.method !== 'POST') return { status: 405, body: { errors: [{ message: 'Method Not Allowed' }] } };
    const payload = request.json as { query?: unknown; variables?: unknown } | undefined;
    if (payload === undefined || typeof payload.query !== 'string') {
      return { status: 400, body: { errors: [{ message: 'Must provide query string.' }] } };
    }
    const variables = (payload.variables ?? {}) as Record<string, unknown>;
    const rawAccount = argument(payload.query, 'id', variables);
    const accountId = rawAccount === undefined ? undefined : Number(rawAccount);
    const nrql = argument(payload.query, 'query', variables);
    if (typeof nrql !== 'string') {
      return { status: 200, body: { errors: [{ message: 'The fake understands only actor.account.nrql queries' }], data: null } };
    }
    this.nrqlCalls.push({ accountId, nrql });
    const empty = { actor: { account: { nrql: null } } };
    if (this.#accountId !== undefined && accountId !== this.#accountId) {
      return { status: 200, body: { errors: [{ message: `Account ${String(accountId)} not found or not authorized`, path: ['actor', 'account'] }], data: { actor: { account: null } } } };
    }
    const error = this.#errors.get(nrql);
    if (error !== undefined) {
      return { status: 200, body: { errors: [{ message: error, path: ['actor', 'account', 'nrql'], extensions: { errorClass: 'INVALID_INPUT' } }], data: empty } };
    }
    return {
      status: 200,
      body: { data: { actor: { account: { nrql: { results: this.#results.get(nrql) ?? [] } } } } },
    };
  }
}

export async function fakeNewRelic(options: FakeNewRelicOptions): Promise<FakeNewRelic> {
  return new FakeNewRelic(options).start();
}
