import type { FastifyInstance, FastifyBaseLogger } from 'fastify'
import type { HttpClient, HttpClientOptions } from '../http/client.js'
import type { Bucket, MessageFilter, MessagePage, MessageQuery, SegmentsDay } from '../store/types.js'
import type { AlertIngest, AlertSourceSpec } from '../paging/types.js'

/** The plugin API this core provides; a plugin declares the one it was written for. */
export type Logger = FastifyBaseLogger

export const PLUGIN_API_VERSION = 1
/** A brand instead of `instanceof`, so two copies of core in one tree still recognise each other's plugins. */
export const PLUGIN_BRAND: unique symbol = Symbol.for('operator.plugin') as never

/** Roles, weakest first. A command needs a role; a sender has one. */
export const ROLES = ['viewer', 'responder', 'admin'] as const
export type Role = (typeof ROLES)[number]

/** Where a reply goes; formatters may render differently per channel. */
export type Channel = 'sms' | 'console' | 'json'

/** Who sent a command: a masked id for logs, the role used for authorisation. */
export interface Sender {
  /** Stable id of the sender (E.164 number, `console`, ...). */
  readonly id: string
  readonly role: Role
  readonly channel: Channel
}

/** A typed result: a formatter registered for `kind` renders `data` for a channel. */
export interface TypedResult<T = unknown> {
  readonly kind: string
  readonly data: T
}
/** What a command returns: plain text, or a typed result rendered by a formatter. */
export type CommandResult = string | TypedResult

export interface CommandContext {
  /** The words after the command name (and after the source, for a shared capability), whitespace-normalised. */
  readonly args: string
  /** `args` split on whitespace. */
  readonly argv: readonly string[]
  /** Aborted when the command's deadline passes or the daemon shuts down: pass it to every outbound call. */
  readonly signal: AbortSignal
  readonly sender: Sender
  /** The milliseconds this command was given. */
  readonly deadlineMs: number
  /** The character budget of one reply on the sender's channel (formatters get it too). */
  readonly budget: number
  readonly log: Logger
}

export interface CommandSpec {
  /** What the user types; lower case, one word. */
  readonly name: string
  readonly aliases?: readonly string[]
  /** One short line for `help`. */
  readonly summary: string
  /** e.g. `metrics <name|PromQL> [over 1h]`. */
  readonly usage?: string
  readonly examples?: readonly string[]
  /** The role a sender needs (default `viewer`). */
  readonly role?: Role
  /** Per-command deadline in ms (default: the daemon's COMMAND_DEADLINE_MS). */
  readonly deadlineMs?: number
  /**
   * A shared capability (`metrics`, `logs`): several plugins may provide it; the configured primary answers
   * `metrics <q>` and `metrics <source> <q>` picks one by plugin name. Without this flag a second plugin
   * registering the same name is a start-up error.
   */
  readonly shared?: boolean
  /**
   * The command changes something (acknowledges, silences, takes the pager). Read from free text it never runs:
   * the interpreter's reading is answered with the exact command to send instead.
   */
  readonly changes?: boolean
  /** How people ask for it in plain words, for the interpreter (see CommandPhrase). */
  readonly phrases?: readonly CommandPhrase[]
  /**
   * Values the phrases' slots take, each with the other words people use for it: `{ metric: { errors: ['error
   * rate', '5xx'] } }`. Values of one slot type are pooled across commands: a `system` value taught here fills the
   * `{system}` of every command (every registered system is a value already, under its own name).
   */
  readonly entities?: EntityVocabulary
  run(ctx: CommandContext): Promise<CommandResult> | CommandResult
}

/** The slot types a phrase may use. `duration` is read from `last hour`, `past 30 minutes`, `since 2pm`... */
export type EntityType = 'system' | 'metric' | 'duration' | 'text'

/** Per slot type: value → the other words people use for it. */
export type EntityVocabulary = Readonly<Partial<Record<'system' | 'metric', Readonly<Record<string, readonly string[]>>>>>

/**
 * A plain-words form of a command. `say` lists what people text, with slots in braces: `is {system} ok`,
 * `{metric} graph`, `any {text} in the logs`. `run` is the command line it means, with the same slots: `health
 * {system}`; a part in square brackets is kept only when its slot was filled: `metrics {metric}[ over {duration}]`.
 * A `{duration}` anywhere in the text fills the run's `{duration}` (rendered as `30m`, `2h`, `1d`), so `say` need
 * not place it.
 */
export interface CommandPhrase {
  readonly say: readonly string[]
  readonly run: string
}

export type HealthStatus = 'ok' | 'degraded' | 'down'

export interface HealthResult {
  readonly status: HealthStatus
  /** One short line, e.g. `ready in 12ms` or `unreachable (connection refused)`. */
  readonly summary: string
  readonly latencyMs?: number
}

export interface CheckContext {
  readonly signal: AbortSignal
  readonly deadlineMs: number
  readonly log: Logger
}

export interface HealthCheckSpec {
  /** The system name users type: `health prometheus`. */
  readonly system: string
  readonly deadlineMs?: number
  check(ctx: CheckContext): Promise<HealthResult> | HealthResult
}

export interface StatusLine {
  readonly status: HealthStatus
  /** The words after `<system> <status>`, e.g. `142/145 up, 3 firing`. */
  readonly text: string
}

export interface StatusLineSpec {
  readonly system: string
  readonly deadlineMs?: number
  line(ctx: CheckContext): Promise<StatusLine> | StatusLine
}

export interface FormatContext {
  readonly channel: Channel
  /** Characters the rendering should stay within (a formatter ends with `+N more` rather than overflow). */
  readonly budget: number
  /**
   * Takes the lines a list could not fit, so that `more` sends them next; each call replaces the last. `fitLines` and
   * `fitReply` call it when given the whole context (and then end with `+N more: text MORE`). Absent where there is
   * no `more` (the json channel).
   */
  readonly overflow?: (lines: readonly string[]) => void
}

export interface FormatterSpec<T = unknown> {
  /** The result kind it renders, conventionally `<plugin>.<what>`: `prometheus.vector`. */
  readonly kind: string
  format(data: T, ctx: FormatContext): string
}

/** Everything a plugin gets in `register`: registry calls and shared services, scoped to the plugin. */
export interface PluginContext {
  /** The plugin's name (its system name). */
  readonly name: string
  command(spec: CommandSpec): void
  healthCheck(spec: HealthCheckSpec): void
  statusLine(spec: StatusLineSpec): void
  formatter<T>(spec: FormatterSpec<T>): void
  /** A pooled HTTP client for one upstream origin, with timeouts; closed when the daemon stops. */
  http(baseUrl: string, options?: HttpClientOptions): HttpClient
  /** A pino child logger bound to the plugin's name; secrets are redacted. */
  readonly log: Logger
  /** The plugin's own encapsulated Fastify context, for routes it owns. */
  readonly fastify: FastifyInstance
  /** Called when the daemon stops (close pools and clients here). */
  onClose(fn: () => Promise<void> | void): void
  /** A read-only view of the daemon: what built-in style commands (`help`, `health`) need. */
  readonly host: HostView
  /**
   * Reads texts that are not commands (one interpreter per daemon; a second one is a start-up error). Turn the
   * first-party one off in the config file to use another.
   */
  interpreter(spec: InterpreterSpec): void
  /**
   * Makes this plugin an alert source: returns the ingest function its route calls with each notification,
   * normalised. It resolves once the alerts are stored (answer 2xx then) and rejects with an error whose `statusCode`
   * is the answer to give: 400 for a malformed notification, 503 while the store is unavailable. `actions` are what the
   * reply side can do back at the source (silence, expire).
   */
  alertSource(spec?: AlertSourceSpec): AlertIngest
}

/** A text that is not a command, for the interpreter. */
export interface InterpretRequest {
  /** As received (trimmed). */
  readonly text: string
  readonly sender: Sender
  /** Epoch milliseconds: `since 2pm` is read against it. */
  readonly now: number
  /**
   * The text began with a command that refused its words (`db ok?`, `health check`): read it only when every word
   * is accounted for, never by leaving some out (`metrics up over soon` must keep its usage error).
   */
  readonly strict: boolean
}

/**
 * What the interpreter made of a text:
 * - `run`: one command line (`health db`); dispatch runs it, shown as `> health db` above the answer (a command that
 *   `changes` state is not run: the reply names the command to send).
 * - `choose`: two or three close readings; the reply asks `Did you mean 1) … 2) …?` and a reply `1` runs the first.
 * - `reply`: small talk, answered with this text ('' answers nothing) and nothing run.
 * - `unclear`: not understood; `closest` names commands worth trying (may be empty).
 * `why` says which phrase and values gave the reading, for logs and tests.
 */
export type Interpretation =
  | { readonly kind: 'run'; readonly command: string; readonly why?: string }
  | { readonly kind: 'choose'; readonly commands: readonly string[]; readonly why?: string }
  | { readonly kind: 'reply'; readonly text: string }
  | { readonly kind: 'unclear'; readonly closest: readonly string[] }

export interface InterpreterSpec {
  /** Must not do I/O: it runs on every text that is not a command. Undefined: leave the text to `Unknown command`. */
  interpret(request: InterpretRequest): Interpretation | undefined
}

/** A command as `help` shows it. */
export interface CommandInfo {
  readonly name: string
  readonly aliases: readonly string[]
  readonly summary: string
  readonly usage: string | undefined
  readonly examples: readonly string[]
  readonly role: Role
  readonly shared: boolean
  /** The plugins answering it; for a shared capability the primary first. */
  readonly sources: readonly string[]
  /** True for a command that changes state (see CommandSpec.changes). */
  readonly changes: boolean
  /** Its plain-words forms, from every provider. */
  readonly phrases: readonly CommandPhrase[]
  readonly entities: readonly EntityVocabulary[]
}

/** One system's answer to `health` or `status`. */
export interface SystemReport {
  readonly system: string
  readonly plugin: string
  readonly status: HealthStatus
  readonly summary: string
  readonly latencyMs: number
}

export interface HostView {
  readonly version: string
  commands(): readonly CommandInfo[]
  /** By name or alias, case-insensitive. */
  command(word: string): CommandInfo | undefined
  /**
   * For a command of a plugin that is known but not loaded (not configured, or disabled in the config file): one
   * line saying what to set, e.g. `metrics needs a metrics source: set PROMETHEUS_URL or DATADOG_API_KEY`.
   */
  unavailable(word: string): string | undefined
  /** Every system with a health check or status line, in registration order. */
  systems(): readonly string[]
  /** Runs the named systems' health checks (all when undefined) at once, each under its own deadline. */
  health(systems: readonly string[] | undefined, signal: AbortSignal): Promise<readonly SystemReport[]>
  /** One report per system: its status line, or its health check where it has no status line. */
  status(signal: AbortSignal): Promise<readonly SystemReport[]>
  /** The next page of this sender's last long reply, if any is left and not expired. */
  nextPage(sender: Sender): Promise<string | undefined>
  /** The message history, read-only (the `history` command, the console). */
  readonly history: HistoryView
}

/**
 * The message history in the durable store, read-only. Every input is checked: a bad one throws
 * OPR_ERR_STORE_QUERY (or OPR_ERR_STORE_CURSOR) with one line naming the field; with no store open every call throws
 * OPR_ERR_HISTORY_OFF. Records carry full numbers as stored: mask them (`maskNumber`) wherever people see them.
 */
export interface HistoryView {
  /** Why this process has no history to read (no store open), or undefined when it has. */
  readonly off: string | undefined
  /** One page, newest first; give `next` back as `cursor` for the next (older) page. Limit 1..1000, default 50. */
  query(query?: MessageQuery, signal?: AbortSignal): Promise<MessagePage>
  /** Messages per UTC hour or day, oldest bucket first; empty buckets are left out. */
  count(unit: 'hour' | 'day', filter?: MessageFilter, signal?: AbortSignal): Promise<Bucket[]>
  /** SMS segments in and out per UTC day, oldest first. */
  segmentsPerDay(filter?: Pick<MessageFilter, 'since' | 'until'>, signal?: AbortSignal): Promise<SegmentsDay[]>
}

/** A JSON Schema object for the plugin's config (validated with Ajv at start-up, defaults applied). */
export type JsonSchema = Record<string, unknown>

export interface PluginDefinition<C = Record<string, unknown>> {
  /** The system name users type (`health prometheus`): lower case letters, digits and dashes. */
  readonly name: string
  readonly version?: string
  readonly description?: string
  /** Other plugins (by name) that must be registered first. */
  readonly dependencies?: readonly string[]
  readonly configSchema?: JsonSchema
  /**
   * How documented environment variables map onto config keys: `{ PROMETHEUS_URL: 'url' }`. A dotted key
   * (`auth.token`) sets a nested value. Values from the config file win over the environment.
   */
  readonly env?: Readonly<Record<string, string>>
  register(op: PluginContext, config: C): Promise<void> | void
}

export interface OperatorPlugin<C = Record<string, unknown>> extends PluginDefinition<C> {
  readonly [PLUGIN_BRAND]: { readonly api: number }
}

const NAME_RE = /^[a-z][a-z0-9-]{0,31}$/

/** Make an Operator plugin: the default export of a plugin package. */
export function definePlugin<C = Record<string, unknown>> (definition: PluginDefinition<C>): OperatorPlugin<C> {
  if (!NAME_RE.test(definition.name)) {
    throw new TypeError(`definePlugin: name '${definition.name}' must be lower case letters, digits or dashes`)
  }
  if (typeof definition.register !== 'function') {
    throw new TypeError(`definePlugin: plugin '${definition.name}' needs a register(op, config) function`)
  }
  return Object.freeze({ ...definition, [PLUGIN_BRAND]: Object.freeze({ api: PLUGIN_API_VERSION }) })
}

/** True for anything made by `definePlugin` from any copy of core. */
export function isOperatorPlugin (value: unknown): value is OperatorPlugin {
  return typeof value === 'object' && value !== null && PLUGIN_BRAND in value &&
    typeof (value as { register?: unknown }).register === 'function'
}

export function pluginApiVersion (plugin: OperatorPlugin): number {
  return plugin[PLUGIN_BRAND].api
}

export function roleAllows (have: Role, need: Role): boolean {
  return ROLES.indexOf(have) >= ROLES.indexOf(need)
}
