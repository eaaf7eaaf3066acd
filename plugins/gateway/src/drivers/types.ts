import type { TypedResult } from '@operator/core'
import type { GatewayType } from '../config.js'
import type { Reading } from '../reading.js'

/** The `gateway` command's answer: the reading behind the status line plus a few lines of detail. */
export interface Overview {
  readonly reading: Reading
  readonly extra: readonly string[]
}

export interface TargetHealth {
  readonly upstream: string
  readonly target: string
  /** Kong's word: HEALTHY, UNHEALTHY, DNS_ERROR or HEALTHCHECKS_OFF. */
  readonly health: string
}

export interface UpstreamsData {
  readonly upstreams: number
  /** How many upstreams had their targets checked (bounded). */
  readonly checked: number
  readonly targets: readonly TargetHealth[]
}

/** One backend type behind the `gateway` command, its health check and status line. */
export interface GatewayDriver {
  readonly type: GatewayType
  /** The cheapest look that decides health: for `health gateway` and `status`. */
  read(signal: AbortSignal): Promise<Reading>
  /** `gateway`: the reading plus detail lines. */
  overview(signal: AbortSignal): Promise<Overview>
  /** `gateway status`: what this backend can say about itself, as a typed result. */
  details(signal: AbortSignal): Promise<TypedResult>
  /** `gateway upstreams`: only backends that know their targets (Kong). */
  upstreams?(signal: AbortSignal): Promise<UpstreamsData>
  close(): Promise<void>
}
