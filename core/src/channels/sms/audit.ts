import type { FastifyBaseLogger } from 'fastify'
export type AuditOutcome = 'answered' | 'refused' | 'unknown-sender' | 'rate-limited' | 'duplicate' | 'forged' | 'bad-request'

/** One audit line: who (masked), what command, what happened, how long, how many segments the reply cost. */
export interface AuditEntry {
  audit: true
  /** Masked: `+1415***0100`. */
  sender: string
  command: string | undefined
  outcome: AuditOutcome
  latencyMs: number
  segments: number
  /** The dispatcher's finer outcome or the limit hit, when there is one (`timeout`, `failed`, `global`...). */
  detail: string | undefined
  /** True when the answer followed as an outbound message. */
  deferred: boolean
  /** For a refused signature: the URL it was checked against, query values redacted. */
  url?: string
}

/** What an admission refusal tells the audit log (see SmsAdmission). */
export interface Refusal {
  readonly sender: string
  readonly outcome: AuditOutcome
  readonly detail: string | undefined
  readonly level: 'info' | 'warn'
  readonly url?: string
}

/**
 * Writes the audit line through the channel's logger (pino adds `time`). It never holds a full number, a token or a
 * message body: only the command's canonical name.
 */
export function audit (log: FastifyBaseLogger, sender: string, outcome: AuditOutcome, startedAt: number,
  segments: number, command?: string, detail?: string, deferred = false): void {
  const entry: AuditEntry = {
    audit: true,
    sender,
    command,
    outcome,
    latencyMs: Math.round(performance.now() - startedAt),
    segments,
    detail,
    deferred
  }
  log.info(entry, 'sms')
}

/** The audit line of a request turned away before anything ran, at the refusal's level, with the URL it was checked against. */
export function auditRefusal (log: FastifyBaseLogger, refusal: Refusal, startedAt: number): void {
  const entry: AuditEntry = {
    audit: true,
    sender: refusal.sender,
    command: undefined,
    outcome: refusal.outcome,
    latencyMs: Math.round(performance.now() - startedAt),
    segments: 0,
    detail: refusal.detail,
    deferred: false
  }
  if (refusal.url !== undefined) entry.url = refusal.url
  log[refusal.level](entry, 'sms')
}
