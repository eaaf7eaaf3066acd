import createError from '@fastify/error'

// Every error Operator raises is created here once, with a stable code, a message template a person can act on,
// and an HTTP status. Callers throw them by name and compare `err.code`, never classes (two copies of core may
// coexist in one tree).
type Args1 = [string]
type Args2 = [string, string]
type Args3 = [string, string, string]

export const ERR_CONFIG_INVALID = createError<'OPR_ERR_CONFIG_INVALID', Args2>(
  'OPR_ERR_CONFIG_INVALID', 'Invalid configuration in %s: %s', 500)
export const ERR_CONFIG_FILE = createError<'OPR_ERR_CONFIG_FILE', Args2>(
  'OPR_ERR_CONFIG_FILE', 'Cannot read config file %s: %s', 500)
export const ERR_CONFIG_ENV_REF = createError<'OPR_ERR_CONFIG_ENV_REF', Args3>(
  'OPR_ERR_CONFIG_ENV_REF', '%s uses ${%s}, which is not set: %s', 500)
/** A value from an environment variable that fails its rule: the variable first, the value shown (or redacted). */
export const ERR_CONFIG_ENV_VALUE = createError<'OPR_ERR_CONFIG_ENV_VALUE', Args1>(
  'OPR_ERR_CONFIG_ENV_VALUE', '%s', 500)
export const ERR_PLUGIN_NOT_FOUND = createError<'OPR_ERR_PLUGIN_NOT_FOUND', Args2>(
  'OPR_ERR_PLUGIN_NOT_FOUND', "Plugin '%s' cannot be resolved: %s", 500)
export const ERR_PLUGIN_IMPORT = createError<'OPR_ERR_PLUGIN_IMPORT', Args2>(
  'OPR_ERR_PLUGIN_IMPORT', "Plugin '%s' cannot be loaded: %s", 500)
export const ERR_PLUGIN_INVALID = createError<'OPR_ERR_PLUGIN_INVALID', Args2>(
  'OPR_ERR_PLUGIN_INVALID', "Plugin '%s' is not an Operator plugin: %s", 500)
export const ERR_PLUGIN_API_VERSION = createError<'OPR_ERR_PLUGIN_API_VERSION', Args3>(
  'OPR_ERR_PLUGIN_API_VERSION', "Plugin '%s' targets plugin API %s, this Operator provides API %s", 500)
export const ERR_PLUGIN_CONFIG = createError<'OPR_ERR_PLUGIN_CONFIG', Args3>(
  'OPR_ERR_PLUGIN_CONFIG', "Plugin '%s' config key '%s' %s", 500)
export const ERR_PLUGIN_REGISTER = createError<'OPR_ERR_PLUGIN_REGISTER', Args2>(
  'OPR_ERR_PLUGIN_REGISTER', "Plugin '%s' failed to register: %s", 500)
export const ERR_PLUGIN_DEPENDENCY = createError<'OPR_ERR_PLUGIN_DEPENDENCY', Args2>(
  'OPR_ERR_PLUGIN_DEPENDENCY', "Plugin '%s' %s", 500)
export const ERR_PLUGIN_DUPLICATE = createError<'OPR_ERR_PLUGIN_DUPLICATE', Args3>(
  'OPR_ERR_PLUGIN_DUPLICATE', "Plugin name '%s' is used by both %s and %s", 500)
export const ERR_REGISTRY_CONFLICT = createError<'OPR_ERR_REGISTRY_CONFLICT', Args3>(
  'OPR_ERR_REGISTRY_CONFLICT', "%s is registered by both plugin '%s' and plugin '%s'", 500)
export const ERR_REGISTRY_FROZEN = createError<'OPR_ERR_REGISTRY_FROZEN', Args2>(
  'OPR_ERR_REGISTRY_FROZEN', "Plugin '%s' tried to register %s after start-up; register everything in register()", 500)
export const ERR_REGISTRY_INVALID = createError<'OPR_ERR_REGISTRY_INVALID', Args2>(
  'OPR_ERR_REGISTRY_INVALID', "Plugin '%s' registered an invalid entry: %s", 500)
export const ERR_COMMAND_TIMEOUT = createError<'OPR_ERR_COMMAND_TIMEOUT', Args2>(
  'OPR_ERR_COMMAND_TIMEOUT', '%s timed out after %s', 504)
export const ERR_COMMAND_FAILED = createError<'OPR_ERR_COMMAND_FAILED', Args2>(
  'OPR_ERR_COMMAND_FAILED', '%s failed: %s', 502)
export const ERR_COMMAND_FORBIDDEN = createError<'OPR_ERR_COMMAND_FORBIDDEN', Args2>(
  'OPR_ERR_COMMAND_FORBIDDEN', "'%s' needs the %s role", 403)
export const ERR_COMMAND_USAGE = createError<'OPR_ERR_COMMAND_USAGE', Args1>(
  'OPR_ERR_COMMAND_USAGE', '%s', 400)
export const ERR_HTTP_UNREACHABLE = createError<'OPR_ERR_HTTP_UNREACHABLE', Args2>(
  'OPR_ERR_HTTP_UNREACHABLE', '%s unreachable (%s)', 502)
export const ERR_HTTP_TIMEOUT = createError<'OPR_ERR_HTTP_TIMEOUT', Args2>(
  'OPR_ERR_HTTP_TIMEOUT', '%s timed out (%s)', 504)
export const ERR_HTTP_STATUS = createError<'OPR_ERR_HTTP_STATUS', Args2>(
  'OPR_ERR_HTTP_STATUS', '%s answered %s', 502)
export const ERR_HTTP_BODY = createError<'OPR_ERR_HTTP_BODY', Args2>(
  'OPR_ERR_HTTP_BODY', '%s sent %s', 502)
export const ERR_HTTP_ABORTED = createError<'OPR_ERR_HTTP_ABORTED', Args1>(
  'OPR_ERR_HTTP_ABORTED', '%s request cancelled', 499)
export const ERR_EXEC_NOT_LOCAL = createError<'OPR_ERR_EXEC_NOT_LOCAL', Args1>(
  'OPR_ERR_EXEC_NOT_LOCAL', 'operator exec over HTTP is served to loopback callers only: %s', 403)
export const ERR_EXEC_PROOF = createError<'OPR_ERR_EXEC_PROOF', Args1>(
  'OPR_ERR_EXEC_PROOF', 'operator exec over HTTP needs proof of the daemon\'s TWILIO_AUTH_TOKEN: %s', 401)
export const ERR_EXEC_BODY = createError<'OPR_ERR_EXEC_BODY', Args1>(
  'OPR_ERR_EXEC_BODY', 'operator exec over HTTP takes a JSON body {"text": "<command>"}: %s', 400)
export const ERR_EXEC_URL = createError<'OPR_ERR_EXEC_URL', Args1>(
  'OPR_ERR_EXEC_URL', "--url must be an http(s) URL like http://127.0.0.1:5000, got '%s'", 400)
export const ERR_EXEC_UNREACHABLE = createError<'OPR_ERR_EXEC_UNREACHABLE', Args2>(
  'OPR_ERR_EXEC_UNREACHABLE', "No Operator daemon answering at %s (%s); start one with 'operator start', or leave out --url to run the command in this process", 502)
export const ERR_STATE_UNAVAILABLE = createError<'OPR_ERR_STATE_UNAVAILABLE', Args1>(
  'OPR_ERR_STATE_UNAVAILABLE', 'Shared state (Redis) is unavailable: %s', 503)
// What a phone sees when `more` cannot reach the stored pages: one plain line, never the library's text.
export const ERR_PAGES_UNAVAILABLE = createError<'OPR_ERR_PAGES_UNAVAILABLE'>(
  'OPR_ERR_PAGES_UNAVAILABLE', 'Pages are unavailable right now; try again in a minute.', 503)
/** A `logging.transports` entry whose target package cannot be found from the config file's folder or Operator's own. */
export const ERR_LOG_TRANSPORT_MISSING = createError<'OPR_ERR_LOG_TRANSPORT_MISSING', Args3>(
  'OPR_ERR_LOG_TRANSPORT_MISSING', "%s.target '%s' is not installed: npm install %s", 500)
// The durable store (SQLite in OPERATOR_DATA_DIR, or PostgreSQL at DATABASE_URL).
export const ERR_STORE_OPEN = createError<'OPR_ERR_STORE_OPEN', Args2>(
  'OPR_ERR_STORE_OPEN', 'Cannot open the store at %s: %s', 500)
export const ERR_STORE_MIGRATE = createError<'OPR_ERR_STORE_MIGRATE', Args2>(
  'OPR_ERR_STORE_MIGRATE', 'Cannot apply the store\'s migrations (%s): %s', 500)
export const ERR_STORE_SETTINGS = createError<'OPR_ERR_STORE_SETTINGS', Args1>(
  'OPR_ERR_STORE_SETTINGS', '%s', 500)
export const ERR_STORE_QUERY = createError<'OPR_ERR_STORE_QUERY', Args1>(
  'OPR_ERR_STORE_QUERY', 'Invalid history query: %s', 400)
export const ERR_STORE_CURSOR = createError<'OPR_ERR_STORE_CURSOR'>(
  'OPR_ERR_STORE_CURSOR', 'Invalid history cursor: give back the `next` of an earlier page', 400)
// `op.host.history` in a process that opened no store; the message says why.
export const ERR_HISTORY_OFF = createError<'OPR_ERR_HISTORY_OFF', Args1>(
  'OPR_ERR_HISTORY_OFF', 'History is off: %s', 503)
// The app directory (`operator init`, `operator plugins add|remove|enable|disable|new`).
export const ERR_CLI_USAGE = createError<'OPR_ERR_CLI_USAGE', Args1>(
  'OPR_ERR_CLI_USAGE', '%s', 400)
export const ERR_APP_DIR_MISSING = createError<'OPR_ERR_APP_DIR_MISSING', Args1>(
  'OPR_ERR_APP_DIR_MISSING', '%s has no package.json: run this in an app directory (operator init <dir> makes one)', 400)
export const ERR_TARGET_NOT_EMPTY = createError<'OPR_ERR_TARGET_NOT_EMPTY', Args1>(
  'OPR_ERR_TARGET_NOT_EMPTY', '%s already exists and is not empty: choose a new directory', 400)
export const ERR_NPM_FAILED = createError<'OPR_ERR_NPM_FAILED', Args2>(
  'OPR_ERR_NPM_FAILED', 'npm %s failed: %s', 500)
export const ERR_PLUGIN_UNKNOWN = createError<'OPR_ERR_PLUGIN_UNKNOWN', Args2>(
  'OPR_ERR_PLUGIN_UNKNOWN', "No plugin '%s' in this app: %s", 400)
// Paging (core/src/paging): what an alert source answers its sender.
export const ERR_PAGING_UNAVAILABLE = createError<'OPR_ERR_PAGING_UNAVAILABLE', Args1>(
  'OPR_ERR_PAGING_UNAVAILABLE', 'Alerts cannot be stored right now (%s); send them again', 503)
export const ERR_ALERT_INVALID = createError<'OPR_ERR_ALERT_INVALID', Args1>(
  'OPR_ERR_ALERT_INVALID', 'Invalid alert notification: %s', 400)
export const ERR_PAGING_CONFIG = createError<'OPR_ERR_PAGING_CONFIG', Args1>(
  'OPR_ERR_PAGING_CONFIG', 'Invalid paging settings: %s', 500)
