import { buildSchema, graphql, GraphQLError, Kind, type GraphQLResolveInfo } from 'graphql';
import { headerValue } from './auth.js';
import { FakeHttpServer, type FakeReply, type RecordedRequest } from './fake-server.js';

export interface FakeNewRelicOptions {
  apiKey: string;
  /** When set, only this account id answers; others get a GraphQL error. */
  accountId?: number;
  /** The user `actor { user { … } }` describes. */
  user?: { id: number; name: string; email: string }
}

/** One NRQL call as NerdGraph received it. */
export interface NrqlCall {
  accountId: number;
  nrql: string;
  /** True when the NRQL came in as a `$variable`, false when it was spliced into the query text as a literal. */
  viaVariable: boolean;
}

/** An issue as `aiIssues { issues }` returns it (the documented fields; title is a list of incident titles). */
export interface NewRelicIssueSeed {
  issueId: string;
  title: string[];
  priority: 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
  state: 'CREATED' | 'ACTIVATED' | 'DEACTIVATED' | 'CLOSED';
  /** Epoch ms; the default time window (the last 24 hours) is matched against it. */
  createdAt: number;
  activatedAt?: number;
  closedAt?: number;
  updatedAt?: number;
  entityNames?: string[];
  entityGuids?: string[];
  totalIncidents?: number;
  sources?: string[];
}

/** NerdGraph allows this many requests in flight per user; one more is answered 429. */
export const NERDGRAPH_CONCURRENCY_LIMIT = 25;
const ISSUES_PAGE = 25;
const DAY_MS = 86_400_000;

// The part of the NerdGraph schema Operator uses, with the documented names and types. Anything else (an unknown
// field, a missing required argument, a variable of the wrong type or never declared) fails validation as it does in
// the real service: HTTP 200 with `errors` and no data.
const schema = buildSchema(`
  scalar Nrql
  scalar NrdbResult
  scalar EpochMilliseconds
  scalar EntityGuid
  scalar Seconds
  type Query { actor: Actor }
  type Actor { account(id: Int!): Account, user: User }
  type User { id: Int, name: String, email: String }
  type Account {
    id: Int!
    name: String
    nrql(query: Nrql!, timeout: Seconds, async: Boolean): NrdbResultContainer
    aiIssues: AiIssuesForAccount
  }
  type NrdbResultContainer { results: [NrdbResult] }
  type AiIssuesForAccount { issues(cursor: String, filter: AiIssuesFilterIssues, timeWindow: TimeWindowInput): AiIssuesIssueData }
  input AiIssuesFilterIssues { entityGuids: [EntityGuid!], entityTypes: [String!], ids: [ID!], priority: [String!], states: [AiIssuesIssueState!] }
  input TimeWindowInput { startTime: EpochMilliseconds!, endTime: EpochMilliseconds! }
  enum AiIssuesIssueState { CREATED ACTIVATED DEACTIVATED CLOSED }
  type AiIssuesIssueData { issues: [AiIssuesIssue!], nextCursor: String }
  type AiIssuesIssue {
    issueId: ID!
    title: [String!]!
    priority: String!
    state: AiIssuesIssueState!
    createdAt: EpochMilliseconds
    activatedAt: EpochMilliseconds
    closedAt: EpochMilliseconds
    updatedAt: EpochMilliseconds!
    entityNames: [String!]
    entityGuids: [EntityGuid!]
    totalIncidents: Int!
    sources: [String!]!
  }
`);

const BAD_KEY: FakeReply = {
  status: 401,
  body: { errors: [{ message: 'Bad API Key or no API Key provided', extensions: { error_code: 'BAD_API_KEY' } }] }
};

const TOO_MANY: FakeReply = {
  status: 429,
  body: { errors: [{ message: `Too many concurrent requests: at most ${NERDGRAPH_CONCURRENCY_LIMIT} per user` }] }
};

function invalidInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { errorClass: 'INVALID_INPUT' } });
}

/** Was this argument of the field written as `$variable` (rather than a literal in the query text)? */
function fromVariable(info: GraphQLResolveInfo, name: string): boolean {
  const arg = info.fieldNodes[0]?.arguments?.find((a) => a.name.value === name);
  return arg?.value.kind === Kind.VARIABLE;
}

interface IssuesArgs {
  cursor?: string | null;
  filter?: { states?: string[] | null; priority?: string[] | null; ids?: string[] | null } | null;
  timeWindow?: { startTime: number; endTime: number } | null;
}

/**
 * New Relic NerdGraph: `POST /graphql` with `API-Key`, executed against the documented schema subset above
 * (`actor.account(id).nrql(query)`, `actor.account(id).aiIssues.issues(filter, cursor, timeWindow)`, `actor.user`).
 * NRQL results are seeded per NRQL string; GraphQL errors arrive as 200 with `errors`, as NerdGraph sends them; a bad
 * or missing key is a 401; more than 25 requests in flight for the key is a 429.
 */
export class FakeNewRelic extends FakeHttpServer {
  readonly nrqlCalls: NrqlCall[] = [];
  readonly #apiKey: string;
  readonly #accountId: number | undefined;
  readonly #user: { id: number; name: string; email: string };
  #results = new Map<string, unknown[]>();
  #errors = new Map<string, string>();
  #issues: NewRelicIssueSeed[] = [];
  #inFlight = 0;
  #held: Array<() => void> | undefined;

  constructor(options: FakeNewRelicOptions) {
    super();
    this.#apiKey = options.apiKey;
    this.#accountId = options.accountId;
    this.#user = options.user ?? { id: 1, name: 'Operator Test', email: 'operator@example.com' };
  }

  /** Requests being answered right now (the concurrency limit counts these). */
  get inFlight(): number {
    return this.#inFlight;
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

  /** The account's issues, in the order the API lists them. */
  seedIssues(issues: NewRelicIssueSeed[]): this {
    this.#issues = [...issues];
    return this;
  }

  /**
   * Holds every authorised request (they count as in flight) until the returned function is called: how a test puts
   * 25 requests in flight to see the 26th refused.
   */
  hold(): () => void {
    const held: Array<() => void> = [];
    this.#held = held;
    return () => {
      if (this.#held === held) this.#held = undefined;
      for (const release of held.splice(0)) release();
    };
  }

  override async close(): Promise<void> {
    for (const release of this.#held?.splice(0) ?? []) release();
    await super.close();
  }

  protected async handle(request: RecordedRequest): Promise<FakeReply> {
    if (request.path !== '/graphql') return { status: 404, body: { errors: [{ message: 'Not Found' }] } };
    if (headerValue(request.headers, 'api-key') !== this.#apiKey) return BAD_KEY;
    if (request.method !== 'POST') return { status: 405, body: { errors: [{ message: 'Method Not Allowed' }] } };
    if (this.#inFlight >= NERDGRAPH_CONCURRENCY_LIMIT) return TOO_MANY;
    this.#inFlight += 1;
    try {
      const held = this.#held;
      if (held !== undefined) await new Promise<void>((resolve) => held.push(resolve));
      return await this.#execute(request);
    } finally {
      this.#inFlight -= 1;
    }
  }

  async #execute(request: RecordedRequest): Promise<FakeReply> {
    const payload = request.json as { query?: unknown; variables?: unknown } | undefined;
    if (payload === undefined || typeof payload.query !== 'string') {
      return { status: 400, body: { errors: [{ message: 'Must provide query string.' }] } };
    }
    const variables = payload.variables;
    if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) {
      return { status: 400, body: { errors: [{ message: 'Variables must be provided as an Object.' }] } };
    }
    const result = await graphql({
      schema,
      source: payload.query,
      variableValues: variables as Record<string, unknown> | null | undefined,
      rootValue: { actor: () => this.#actor() }
    });
    return { status: 200, body: result.errors === undefined ? { data: result.data } : result };
  }

  #actor(): object {
    return {
      user: () => this.#user,
      account: ({ id }: { id: number }) => {
        if (this.#accountId !== undefined && id !== this.#accountId) {
          throw new GraphQLError(`Account ${id} not found or not authorized`);
        }
        return {
          id,
          name: `Account ${id}`,
          nrql: (args: { query: unknown }, _ctx: unknown, info: GraphQLResolveInfo) => this.#nrql(id, args.query, info),
          aiIssues: () => ({ issues: (args: IssuesArgs) => this.#listIssues(args) }),
        };
      },
    };
  }

  #nrql(accountId: number, query: unknown, info: GraphQLResolveInfo): { results: unknown[] } {
    // `Nrql` is a string scalar: anything else is refused before NRDB sees it.
    if (typeof query !== 'string') throw invalidInput('Nrql must be a string');
    this.nrqlCalls.push({ accountId, nrql: query, viaVariable: fromVariable(info, 'query') });
    const error = this.#errors.get(query);
    if (error !== undefined) throw invalidInput(error);
    return { results: this.#results.get(query) ?? [] };
  }

  /** Filters by states, priority and ids; without a time window, issues created in the last 24 hours (as documented). */
  #listIssues(args: IssuesArgs): { issues: object[]; nextCursor: string | null } {
    const now = Date.now();
    const window = args.timeWindow ?? { startTime: now - DAY_MS, endTime: now };
    const { states, priority, ids } = args.filter ?? {};
    const matching = this.#issues.filter((i) =>
      i.createdAt >= window.startTime && i.createdAt <= window.endTime &&
      (states == null || states.includes(i.state)) &&
      (priority == null || priority.includes(i.priority)) &&
      (ids == null || ids.includes(i.issueId)));
    let start = 0;
    if (args.cursor != null && args.cursor !== '') {
      start = Number.parseInt(Buffer.from(args.cursor, 'base64url').toString('utf8'), 10);
      if (!Number.isInteger(start) || start < 0) throw invalidInput('Invalid cursor');
    }
    const page = matching.slice(start, start + ISSUES_PAGE);
    const next = start + ISSUES_PAGE < matching.length ? Buffer.from(String(start + ISSUES_PAGE)).toString('base64url') : null;
    return {
      issues: page.map((i) => ({ updatedAt: i.createdAt, totalIncidents: 1, sources: ['newrelic'], ...i })),
      nextCursor: next,
    };
  }
}

export async function fakeNewRelic(options: FakeNewRelicOptions): Promise<FakeNewRelic> {
  return await new FakeNewRelic(options).start();
}
