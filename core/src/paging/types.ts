/** One alert as every source hands it to core: what Alertmanager, Grafana or any JSON poster says, normalised. */
export interface NormalizedAlert {
  /** Stable per alert within its source (Alertmanager's fingerprint; a hash of the labels for sources without one). */
  readonly fingerprint: string
  readonly status: 'firing' | 'resolved'
  readonly labels: Readonly<Record<string, string>>
  readonly annotations: Readonly<Record<string, string>>
  /** One line saying what is wrong; default: the `summary` annotation, else the alert's name. */
  readonly summary?: string
  /** Default: the `severity` label. */
  readonly severity?: string
  /** Epoch milliseconds. */
  readonly startsAt: number
  /** Epoch milliseconds; undefined while firing. */
  readonly endsAt?: number
  /** Where to look: the rule's graph, a dashboard, a runbook. */
  readonly links?: readonly string[]
}

/** One notification: the alerts of one group, as the source grouped them. */
export interface AlertBatch {
  /** The source's group key: alerts with the same key are one incident while it is open. */
  readonly groupKey: string
  /** The group's status: `firing` while any alert in it fires. */
  readonly status: 'firing' | 'resolved'
  /** The labels the group is keyed by (`alertname`…); routes and silences of the whole group use them. */
  readonly groupLabels?: Readonly<Record<string, string>>
  readonly alerts: readonly NormalizedAlert[]
}

/** What an ingest did, for the source's HTTP answer. */
export interface IngestResult {
  /** The notification was seen before (an HA twin, a retry): stored nothing, paged nobody. */
  readonly duplicate: boolean
  readonly alerts: number
  /** Incidents opened, and closed (all their alerts resolved), by this notification. */
  readonly opened: number
  readonly closed: number
  /** Texts written to the outbox. */
  readonly queued: number
}

/** A silence to create at the source (the reply side: `silence 3 2h`). */
export interface SilenceRequest {
  readonly matchers: ReadonlyArray<{ readonly name: string, readonly value: string, readonly isRegex: boolean, readonly isEqual: boolean }>
  readonly startsAt: number
  readonly endsAt: number
  readonly createdBy: string
  readonly comment: string
  readonly signal: AbortSignal
}

/** What a source can do back in its system; each is optional (a generic webhook can do none). */
export interface AlertSourceActions {
  /** Creates a silence; returns its id at the source. */
  silence?(request: SilenceRequest): Promise<string>
  /** Expires a silence by id. */
  expire?(id: string, signal: AbortSignal): Promise<void>
}

export interface AlertSourceSpec {
  /** The source's name in incidents and history; default the plugin's name. */
  readonly name?: string
  readonly actions?: AlertSourceActions
}

/**
 * Stores a notification's alerts, decides who is paged and writes the texts to the outbox, all in one transaction.
 * Resolves once everything is durable (answer 2xx then); rejects with `OPR_ERR_PAGING_UNAVAILABLE` (503: the sender
 * should retry) while the store is unavailable, and `OPR_ERR_ALERT_INVALID` (400) for an alert that breaks the shape.
 */
export type AlertIngest = (batch: AlertBatch) => Promise<IngestResult>
