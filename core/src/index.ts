// The public face of @operator/core: what plugins and embedders import. Nothing here has side effects.
export {
  definePlugin, isOperatorPlugin, roleAllows, PLUGIN_API_VERSION, ROLES,
  type OperatorPlugin, type PluginDefinition, type PluginContext, type CommandSpec, type CommandContext,
  type CommandResult, type TypedResult, type HealthCheckSpec, type HealthResult, type HealthStatus, type CheckContext,
  type StatusLineSpec, type StatusLine, type FormatterSpec, type FormatContext, type Role, type Sender, type Channel,
  type JsonSchema, type Logger, type HostView, type CommandInfo, type SystemReport, type HistoryView
} from './plugins/contract.js'
export type {
  CommandPhrase, EntityType, EntityVocabulary, InterpreterSpec, InterpretRequest, Interpretation
} from './plugins/contract.js'
export type { HttpClient, HttpClientOptions, HttpRequest, HttpResponse, QueryValue } from './http/client.js'
export { isHttpStatusError, networkReason, type HttpStatusError } from './http/errors.js'
export * as errors from './errors.js'
export { usageError } from './usage.js'
export { OperatorError } from './plugin-error.js'
export { oneLine, formatDuration, runWithDeadline, DeadlineExceeded, HELP_HINT } from './dispatch/index.js'
export type { DispatchResult, DispatchOutcome } from './dispatch/index.js'
export { countSegments, normalizeForSms, paginate, budgetChars, SegmentBudget } from './sms/index.js'
export { buildApp, type BuildOptions } from './app.js'
export type { OperatorCore } from './core.js'
export type { PluginReport, InlinePlugin } from './plugins/loader.js'
export { formatNumber, formatPercent, formatAge, summarizeSeries, type SeriesSummary, fitLines, fitReply, truncate, continuesWithMore, type LineBudget, distinguishingLabels, describeLabels } from './format/index.js'
export { VERSION } from './version.js'
export { openStore, storeSettings, type StoreLog } from './store/index.js'
export type {
  Store, StoreSettings, StoreEngine, StoreCheck, MessageRepository, DurableIdempotencyStore, NewMessage, MessageRecord,
  MessageFilter, MessageQuery, MessagePage, Bucket, SegmentsDay, Direction, Outcome
} from './store/index.js'
// Reading the history (op.host.history, `operator history`, the console): the textual filters and phone numbers.
export { parseHistoryParams, parseHistoryTime, checkHistoryQuery, HISTORY_OUTCOMES, HISTORY_MAX_LIMIT, type HistoryParams } from './history/filters.js'
export { maskNumber, normalizeNumber } from './channels/sms/numbers.js'
export type {
  NormalizedAlert, AlertBatch, IngestResult, AlertSourceSpec, AlertSourceActions, AlertIngest, SilenceRequest
} from './paging/index.js'
export { toGsm7 } from './paging/index.js'
export { webhookAuth, type WebhookAuthSettings, type WebhookAuthCheck } from './paging/webhook-auth.js'
