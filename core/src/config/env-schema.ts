/** The config file read when OPERATOR_CONFIG names none; a missing default file is fine (the embedded default). */
export const DEFAULT_CONFIG_FILE = 'operator.config.json'

/**
 * The environment Operator reads, validated at start-up by `validateEnv` (env-validate.ts). The variables of the
 * original setup guide keep their names; plugin-specific variables are also mapped onto plugin config by each plugin's
 * `env` table.
 */
export const envSchema = {
  type: 'object',
  properties: {
    NODE_ENV: { type: 'string', default: 'development' },
    PORT: { type: 'integer', minimum: 0, maximum: 65535, default: 5000 },
    /** Empty: 127.0.0.1 when TWILIO_AUTH_TOKEN is unset (the embedded default), else 0.0.0.0. */
    HOST: { type: 'string', default: '' },
    PUBLIC_URL: { type: 'string', default: '' },
    OPERATOR_CONFIG: { type: 'string', default: DEFAULT_CONFIG_FILE },
    LOG_LEVEL: { type: 'string', enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' },
    LOG_FORMAT: { type: 'string', enum: ['', 'json', 'pretty'], default: '' },
    COMMAND_DEADLINE_MS: { type: 'integer', minimum: 100, default: 20000 },
    HEALTH_DEADLINE_MS: { type: 'integer', minimum: 50, default: 5000 },
    SHUTDOWN_GRACE_MS: { type: 'integer', minimum: 0, default: 10000 },
    /** Time a client gets to send a whole request (headers and body); Twilio sends each at once. */
    REQUEST_TIMEOUT_MS: { type: 'integer', minimum: 100, maximum: 120000, default: 5000 },
    TWILIO_ACCOUNT_SID: { type: 'string', default: '' },
    TWILIO_AUTH_TOKEN: { type: 'string', default: '' },
    TWILIO_MESSAGING_SERVICE_SID: { type: 'string', default: '' },
    TWILIO_FROM_NUMBER: { type: 'string', default: '' },
    TWILIO_VERIFY_SIGNATURE: { type: 'boolean', default: true },
    AUTHORIZED_NUMBERS: { type: 'string', default: '' },
    SMS_MAX_SEGMENTS: { type: 'integer', minimum: 1, maximum: 10, default: 3 },
    /** A command still running after this answers "working on it"; its result follows as an outbound SMS. */
    SMS_REPLY_DEADLINE_MS: { type: 'integer', minimum: 100, maximum: 14000, default: 8000 },
    /** Messages one sender may send per window (SMS_RATE_LIMIT_WINDOW). */
    SMS_RATE_LIMIT_PER_SENDER: { type: 'integer', minimum: 1, default: 10 },
    /** `1 minute`, `30s`, `2m`, `1h`, or milliseconds. */
    SMS_RATE_LIMIT_WINDOW: { type: 'string', default: '1 minute' },
    /** Messages all senders together may send per window. */
    SMS_RATE_LIMIT_GLOBAL: { type: 'integer', minimum: 1, default: 300 },
    /** The role of an authorised number that names none. */
    DEFAULT_ROLE: { type: 'string', enum: ['viewer', 'responder', 'admin'], default: 'viewer' },
    /** Twilio REST API base URL; only for pointing the client at a local fake or a proxy. */
    TWILIO_API_BASE_URL: { type: 'string', default: '' },
    /** `memory` (the embedded default) or `redis`; empty: redis when REDIS_URL is set. */
    STATE_STORE: { type: 'string', enum: ['', 'memory', 'redis'], default: '' },
    REDIS_URL: { type: 'string', default: '' },
    /** What one message may spend waiting on Redis over all its calls; past it Redis is treated as down (breaker). */
    STATE_BUDGET_MS: { type: 'integer', minimum: 10, maximum: 5000, default: 300 },
    /** The embedded store's directory (SQLite `operator.db`), relative to the working directory. */
    OPERATOR_DATA_DIR: { type: 'string', default: './data' },
    /** postgres://…: the store in PostgreSQL instead, shared by several replicas. */
    DATABASE_URL: { type: 'string', default: '' },
    /** Paging: who is on call, a weekly rotation in this order (E.164, comma-separated). */
    ONCALL_NUMBERS: { type: 'string', default: '' },
    /** Paging: how long the person paged has to ack before the next one is paged. */
    ONCALL_ESCALATE_AFTER: { type: 'string', default: '10m' },
    /** Paging: whether those paged get `RESOLVED 3: …` when an incident's alerts all resolve. */
    ONCALL_RESOLVED_NOTICES: { type: 'boolean', default: true },
    /** Paging: SMS segments the daemon may send per UTC day (0: no budget); admins are warned at 80%. */
    SMS_DAILY_SEGMENTS: { type: 'integer', minimum: 0, default: 500 },
    ALERTMANAGER_URL: { type: 'string' },
    ALERTMANAGER_WEBHOOK_TOKEN: { type: 'string' },
    ALERTMANAGER_WEBHOOK_USERNAME: { type: 'string' },
    ALERTMANAGER_WEBHOOK_PASSWORD: { type: 'string' },
    ALERT_WEBHOOK_TOKEN: { type: 'string' },
    /** Days of message history kept in the store; 0 keeps it forever. */
    HISTORY_RETENTION_DAYS: { type: 'integer', minimum: 0, maximum: 36500, default: 90 },
    PROMETHEUS_URL: { type: 'string' },
    DATADOG_API_KEY: { type: 'string' },
    DATADOG_APP_KEY: { type: 'string' },
    DATADOG_SITE: { type: 'string' },
    LOGS_TYPE: { type: 'string' },
    LOGS_URL: { type: 'string' },
    DB_TYPE: { type: 'string' },
    DB_URL: { type: 'string' },
    DB_STATS_URL: { type: 'string' },
    GATEWAY_TYPE: { type: 'string' },
    GATEWAY_URL: { type: 'string' },
    GATEWAY_ADMIN_KEY: { type: 'string' }
  }
} as const

/** The validated environment, as decorated onto `fastify.config`. */
export interface OperatorEnv {
  NODE_ENV: string
  PORT: number
  HOST: string
  PUBLIC_URL: string
  OPERATOR_CONFIG: string
  LOG_LEVEL: string
  LOG_FORMAT: '' | 'json' | 'pretty'
  COMMAND_DEADLINE_MS: number
  HEALTH_DEADLINE_MS: number
  SHUTDOWN_GRACE_MS: number
  REQUEST_TIMEOUT_MS: number
  TWILIO_ACCOUNT_SID: string
  TWILIO_AUTH_TOKEN: string
  TWILIO_MESSAGING_SERVICE_SID: string
  TWILIO_FROM_NUMBER: string
  TWILIO_VERIFY_SIGNATURE: boolean
  AUTHORIZED_NUMBERS: string
  SMS_MAX_SEGMENTS: number
  SMS_REPLY_DEADLINE_MS: number
  SMS_RATE_LIMIT_PER_SENDER: number
  SMS_RATE_LIMIT_WINDOW: string
  SMS_RATE_LIMIT_GLOBAL: number
  DEFAULT_ROLE: 'viewer' | 'responder' | 'admin'
  TWILIO_API_BASE_URL: string
  STATE_STORE: '' | 'memory' | 'redis'
  REDIS_URL: string
  STATE_BUDGET_MS: number
  OPERATOR_DATA_DIR: string
  DATABASE_URL: string
  ONCALL_NUMBERS: string
  ONCALL_ESCALATE_AFTER: string
  ONCALL_RESOLVED_NOTICES: boolean
  SMS_DAILY_SEGMENTS: number
  HISTORY_RETENTION_DAYS: number
  [key: string]: unknown
}
