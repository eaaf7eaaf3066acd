import type { HttpClient } from '@operator/core'
import { graphqlError, translateError, unexpectedAnswer } from './errors.js'

/** One row of NRQL results: aggregate names to numbers (or objects, for percentiles), facets, timestamps. */
export type NrqlRow = Readonly<Record<string, unknown>>

/** An issue as `aiIssues.issues` returns the fields this plugin asks for. */
export interface NewRelicIssue {
  readonly issueId: string
  readonly title: readonly string[]
  readonly priority: string
  readonly state: string
  readonly activatedAt?: number | null
  readonly createdAt?: number | null
  readonly entityNames?: readonly string[] | null
}

export interface IssuesPage {
  readonly issues: readonly NewRelicIssue[]
  /** More issues are there past this page. */
  readonly more: boolean
}

// NRQL travels only as the `$nrql` variable, never spliced into the document: no quoting to get wrong, and NerdGraph
// validates it as the `Nrql` type.
const NRQL_DOCUMENT = 'query($accountId: Int!, $nrql: Nrql!, $timeout: Seconds) ' +
  '{ actor { account(id: $accountId) { nrql(query: $nrql, timeout: $timeout) { results } } } }'

const ISSUES_DOCUMENT = 'query($accountId: Int!, $window: TimeWindowInput) { actor { account(id: $accountId) { aiIssues { ' +
  'issues(filter: { states: [ACTIVATED] }, timeWindow: $window) { ' +
  'issues { issueId title priority state activatedAt createdAt entityNames } nextCursor } } } } }'

const WHOAMI_DOCUMENT = 'query($accountId: Int!) { actor { user { name } account(id: $accountId) { id name } } }'

export interface NerdGraphOptions {
  readonly accountId: number
  readonly timeoutMs: number
}

interface GraphQLAnswer {
  readonly data?: unknown
  readonly errors?: unknown
}

/**
 * The NerdGraph calls Operator makes, with every failure turned into one line. The key travels only as the client's
 * `API-Key` default header, never in a message or a log.
 */
export class NerdGraph {
  readonly #http: HttpClient
  readonly #accountId: number
  readonly #timeoutMs: number

  constructor (http: HttpClient, options: NerdGraphOptions) {
    this.#http = http
    this.#accountId = options.accountId
    this.#timeoutMs = options.timeoutMs
  }

  get accountId (): number {
    return this.#accountId
  }

  /** Runs NRQL against the account; NRDB gets a little less time than we wait, so its own timeout error wins. */
  async nrql (nrql: string, signal: AbortSignal): Promise<NrqlRow[]> {
    const timeout = Math.max(1, Math.floor(this.#timeoutMs / 1000) - 1)
    const data = await this.#query(NRQL_DOCUMENT, { accountId: this.#accountId, nrql, timeout }, signal)
    const results = (data as { actor?: { account?: { nrql?: { results?: unknown } | null } | null } }).actor?.account?.nrql?.results
    if (!Array.isArray(results)) throw unexpectedAnswer('NRQL')
    return results.filter((r): r is NrqlRow => r !== null && typeof r === 'object' && !Array.isArray(r))
  }

  /** Issues in the ACTIVATED state created within the last `hours`, first page. */
  async openIssues (hours: number, signal: AbortSignal): Promise<IssuesPage> {
    const endTime = Date.now()
    const window = { startTime: endTime - hours * 3_600_000, endTime }
    const data = await this.#query(ISSUES_DOCUMENT, { accountId: this.#accountId, window }, signal)
    const page = (data as { actor?: { account?: { aiIssues?: { issues?: { issues?: unknown; nextCursor?: unknown } | null } | null } | null } })
      .actor?.account?.aiIssues?.issues
    if (page === undefined || page === null || !Array.isArray(page.issues)) throw unexpectedAnswer('issues')
    const issues = (page.issues as unknown[]).filter((i): i is NewRelicIssue =>
      i !== null && typeof i === 'object' && typeof (i as { issueId?: unknown }).issueId === 'string' &&
      Array.isArray((i as { title?: unknown }).title))
    return { issues, more: typeof page.nextCursor === 'string' && page.nextCursor !== '' }
  }

  /** The key's user and the account's name: proves the key works and can reach the account. */
  async whoami (signal: AbortSignal): Promise<{ user: string | undefined; account: string | undefined }> {
    const data = await this.#query(WHOAMI_DOCUMENT, { accountId: this.#accountId }, signal)
    const actor = (data as { actor?: { user?: { name?: unknown } | null; account?: { name?: unknown } | null } }).actor
    if (actor?.account === undefined || actor.account === null) throw unexpectedAnswer('account')
    const name = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined)
    return { user: name(actor.user?.name), account: name(actor.account.name) }
  }

  async #query (document: string, variables: Record<string, unknown>, signal: AbortSignal): Promise<unknown> {
    let answer: GraphQLAnswer | null
    try {
      answer = await this.#http.postJson<GraphQLAnswer | null>('/graphql', {
        json: { query: document, variables },
        signal,
        timeoutMs: this.#timeoutMs
      })
    } catch (err) {
      throw translateError(err, this.#timeoutMs)
    }
    if (answer === null || typeof answer !== 'object') throw unexpectedAnswer('GraphQL')
    // GraphQL reports failures with HTTP 200 and `errors`, sometimes next to partial data: any error fails the call.
    if (Array.isArray(answer.errors) && answer.errors.length > 0) throw graphqlError(answer.errors)
    if (answer.data === null || typeof answer.data !== 'object') throw unexpectedAnswer('GraphQL')
    return answer.data
  }
}
