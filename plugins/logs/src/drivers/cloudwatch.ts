import { networkReason, usageError, type HealthResult } from '@operator/core'
import type { CloudWatchLogsClient, FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs'
import { levelVariants, logGroupList, type LogsConfig } from '../config.js'
import { LogsError, shortReason } from '../errors.js'
import type { ErrorCounts, LogDriver, LogLine, SearchResult, TimeWindow } from './types.js'

const NAME = 'cloudwatch'
/** The service asking us to slow down (HTTP 400 for ThrottlingException): not a bad request. */
const THROTTLED = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded'])
const AUTH_ERRORS = new Set([
  'UnrecognizedClientException', 'InvalidSignatureException', 'AccessDeniedException', 'ExpiredTokenException',
  'IncompleteSignatureException', 'MissingAuthenticationTokenException', 'InvalidClientTokenId', 'SignatureDoesNotMatch'
])

/**
 * A filter pattern for `text` as data: quoted terms, so `?`, `-`, `*`, `{`, `[` and `%` are plain characters. Filter
 * patterns document no escape inside quotes, so a `"` or `\` cannot be searched for: the text is cut there and every
 * piece must appear (a line holding the whole text always matches; rarely, one holding the pieces apart does too).
 * Control characters become spaces. Undefined when nothing but quotes, backslashes and spaces is left.
 */
export function filterPatternTerm (text: string): string | undefined {
  const pieces = text.replace(/[\u0000-\u001f\u007f]/g, ' ').split(/["\\]/).filter((p) => p.trim() !== '')
  return pieces.length === 0 ? undefined : pieces.map((p) => `"${p}"`).join(' ')
}

/** `?"error" ?"ERROR" …`: any of the error levels (filter patterns are case-sensitive; levels are plain words). */
export function errorPattern (levels: readonly string[]): string {
  return levelVariants(levels).map((l) => `?"${l}"`).join(' ')
}

/** `/aws/lambda/checkout` → `checkout`: what fits in a line. */
function shortGroup (group: string): string {
  const parts = group.split('/').filter((p) => p !== '')
  return parts[parts.length - 1] ?? group
}

interface AwsLikeError {
  name?: string
  code?: string
  message?: string
  $metadata?: { httpStatusCode?: number }
  $response?: unknown
  cause?: { code?: string }
}

/** One line for any failure of the SDK client; never the credentials, the request or the URL. */
export function mapAwsError (err: unknown, signal: AbortSignal, context = ''): Error {
  if (err instanceof LogsError) return err
  const e = (err ?? {}) as AwsLikeError
  const name = e.name ?? ''
  const code = e.code ?? e.cause?.code ?? ''
  const status = e.$metadata?.httpStatusCode
  if (signal.aborted || name === 'AbortError') return new LogsError('OPR_ERR_LOGS_TIMEOUT', `${NAME} timed out (deadline reached)`)
  if (name === 'TimeoutError' || code === 'ETIMEDOUT' || code === 'ECONNABORTED' || name === 'RequestTimeout') {
    return new LogsError('OPR_ERR_LOGS_TIMEOUT', `${NAME} timed out (no answer in time)`)
  }
  if (name === 'CredentialsProviderError') {
    return new LogsError('OPR_ERR_LOGS_CREDENTIALS', `${NAME} has no AWS credentials (set them for the default AWS chain)`)
  }
  if (THROTTLED.has(name)) return new LogsError('OPR_ERR_LOGS_OVERLOADED', `${NAME} throttled the request (${name}), try again in a minute`)
  const network = networkReason(code)
  if (network !== undefined) return new LogsError('OPR_ERR_LOGS_UNREACHABLE', `${NAME} unreachable (${network})`)
  if (AUTH_ERRORS.has(name) || status === 401 || status === 403) {
    return new LogsError('OPR_ERR_LOGS_AUTH', `${NAME} refused the credentials (${name !== '' && name !== 'Unknown' ? name : `HTTP ${status}`})`)
  }
  if (name === 'SyntaxError' || (status !== undefined && status < 300)) {
    return new LogsError('OPR_ERR_LOGS_BODY', `${NAME} sent a non-JSON answer`)
  }
  const reason = shortReason(e.message ?? '')
  const said = reason === '' || reason === 'UnknownError' || reason === 'Unknown' ? (name === '' ? '' : name) : reason
  if (status !== undefined && status >= 500) {
    return new LogsError('OPR_ERR_LOGS_UPSTREAM', `${NAME} failed (HTTP ${status})${said === '' ? '' : `: ${said}`}`)
  }
  if (status !== undefined && status >= 400) {
    return new LogsError('OPR_ERR_LOGS_QUERY', `${NAME} rejected the request: ${said === '' ? `HTTP ${status}` : said}${context}`)
  }
  return new LogsError('OPR_ERR_LOGS_UNREACHABLE', `${NAME} unreachable (${code !== '' ? code : shortReason(name || 'network error', 40)})`)
}

interface GroupScan {
  events: Array<FilteredLogEvent & { group: string }>
  count: number
  truncated: boolean
}

export function createCloudWatchDriver (config: LogsConfig): LogDriver {
  const groups = logGroupList(config.logGroups)
  const errorFilter = errorPattern(config.errorLevels)
  let clientPromise: Promise<{ client: CloudWatchLogsClient; sdk: typeof import('@aws-sdk/client-cloudwatch-logs') }> | undefined

  // The SDK is loaded and the client built on first use: importing it costs time nobody needs at start-up.
  function client (): Promise<{ client: CloudWatchLogsClient; sdk: typeof import('@aws-sdk/client-cloudwatch-logs') }> {
    clientPromise ??= import('@aws-sdk/client-cloudwatch-logs').then((sdk) => {
      const c = new sdk.CloudWatchLogsClient({
        ...(config.region !== undefined ? { region: config.region } : {}),
        ...(config.url !== undefined ? { endpoint: config.url } : {}),
        maxAttempts: config.maxAttempts,
        requestHandler: {
          connectionTimeout: Math.min(3000, config.requestTimeoutMs),
          requestTimeout: config.requestTimeoutMs,
          // Without this the handler only logs a warning and the request runs on to the command's deadline.
          throwOnRequestTimeout: true
        }
      })
      return { client: c, sdk }
    })
    return clientPromise
  }

    /**
   * Newest first (`startFromHead: false`), following `nextToken` until the window is searched, `scanLimit` matches are
   * counted, `maxPages` pages with events are read, or `scanUntil` passes. A page may be empty and still carry a
   * `nextToken` (the service searched a stretch and found nothing): empty pages cost no page budget, only time.
   */
  async function scanGroup (group: string, pattern: string, window: TimeWindow, want: number, signal: AbortSignal, scanUntil: number): Promise<GroupScan> {
    const { client: c, sdk } = await client()
    const kept: GroupScan['events'] = []
    let count = 0
    let pagesWithEvents = 0
    let nextToken: string | undefined
    do {
      if (count >= config.scanLimit || pagesWithEvents >= config.maxPages || (nextToken !== undefined && Date.now() >= scanUntil)) {
        return { events: kept, count, truncated: true }
      }
      let out
      try {
        out = await c.send(new sdk.FilterLogEventsCommand({
          logGroupName: group,
          startTime: window.startMs,
          endTime: window.endMs,
          filterPattern: pattern,
          startFromHead: false,
          limit: Math.min(config.scanLimit - count, 10_000),
          ...(nextToken !== undefined ? { nextToken } : {})
        }), { abortSignal: signal })
      } catch (err) {
        throw mapAwsError(err, signal, ` (${group})`)
      }
      const events = out.events ?? []
      if (events.length > 0) pagesWithEvents += 1
      count += events.length
      for (const ev of events) if (kept.length < want) kept.push({ ...ev, group })
      nextToken = out.nextToken === '' ? undefined : out.nextToken
    } while (nextToken !== undefined)
    return { events: kept, count, truncated: false }
  }

  async function countErrors (window: TimeWindow, signal: AbortSignal, scanUntil = Infinity): Promise<ErrorCounts> {
    const scans = await Promise.all(groups.map((g) => scanGroup(g, errorFilter, window, 0, signal, scanUntil)))
    const services = scans.map((s, i) => ({ service: shortGroup(groups[i]!), count: s.count }))
      .filter((s) => s.count > 0)
      .sort((a, b) => b.count - a.count || a.service.localeCompare(b.service))
    return { total: scans.reduce((n, s) => n + s.count, 0), atLeast: scans.some((s) => s.truncated), services }
  }

  async function health (signal: AbortSignal): Promise<HealthResult> {
    const started = Date.now()
    const { client: c, sdk } = await client()
    const found = await Promise.all(groups.map(async (group) => {
      try {
        const out = await c.send(new sdk.DescribeLogGroupsCommand({ logGroupNamePrefix: group, limit: 5 }), { abortSignal: signal })
        return (out.logGroups ?? []).some((g) => g.logGroupName === group)
      } catch (err) {
        throw mapAwsError(err, signal)
      }
    }))
    const latencyMs = Date.now() - started
    const missing = groups.filter((_, i) => !found[i])
    if (missing.length === 0) return { status: 'ok', summary: `${groups.length} log group${groups.length === 1 ? '' : 's'} found`, latencyMs }
    const status = missing.length === groups.length ? 'down' : 'degraded'
    return { status, summary: `${missing.length} of ${groups.length} log groups missing: ${missing.join(', ')}`, latencyMs }
  }

  return {
    name: NAME,
    async close () {
      if (clientPromise === undefined) return
      const { client: c } = await clientPromise
      c.destroy()
    },
    async search (text: string, window: TimeWindow, limit: number, signal: AbortSignal, scanUntil = Infinity): Promise<SearchResult> {
      const pattern = filterPatternTerm(text)
      if (pattern === undefined) throw usageError('Nothing to search for: CloudWatch filter patterns cannot search for quotes or backslashes alone.')
      const scans = await Promise.all(groups.map((g) => scanGroup(g, pattern, window, limit, signal, scanUntil)))
      const lines: LogLine[] = scans.flatMap((s) => s.events)
        .sort((a, b) => (b.timestamp ?? 0) - (a.timestamp ?? 0))
        .slice(0, limit)
        .map((ev) => ({ timeMs: ev.timestamp ?? 0, service: shortGroup(ev.group), message: ev.message ?? '' }))
      return { total: scans.reduce((n, s) => n + s.count, 0), atLeast: scans.some((s) => s.truncated), lines }
    },
    countErrors,
    health
  }
}
