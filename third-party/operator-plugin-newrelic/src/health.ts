import { oneLine, type HealthCheckSpec, type HealthResult, type StatusLine, type StatusLineSpec } from '@operator/core'
import type { NerdGraph } from './nerdgraph.js'
import type { Settings } from './config.js'

/** Too many requests at once means New Relic is there but busy; anything else that fails means we cannot ask it. */
function failureStatus (err: unknown): 'degraded' | 'down' {
  return (err as { code?: unknown }).code === 'OPR_ERR_NEWRELIC_RATE_LIMITED' ? 'degraded' : 'down'
}

/** `newrelic` is already the line's first word; drop it from our own messages. */
function reason (err: unknown): string {
  return oneLine(err).replace(/^newrelic:?\s+/, '')
}

/** `newrelic ok key valid for account 1234567 (Acme prod, EU)`: the key works and reaches the account. */
export function healthCheck (api: NerdGraph, settings: Settings): HealthCheckSpec {
  return {
    system: 'newrelic',
    async check (ctx): Promise<HealthResult> {
      const started = Date.now()
      try {
        const who = await api.whoami(ctx.signal)
        const where = [who.account, settings.region.toUpperCase()].filter((s) => s !== undefined).join(', ')
        return { status: 'ok', summary: `key valid for account ${api.accountId} (${where})`, latencyMs: Date.now() - started }
      } catch (err) {
        return { status: failureStatus(err), summary: reason(err), latencyMs: Date.now() - started }
      }
    }
  }
}

/** `newrelic ok 0 open issues`; DEGRADED while any issue is open, DOWN when New Relic cannot be asked. */
export function statusLine (api: NerdGraph, settings: Settings): StatusLineSpec {
  return {
    system: 'newrelic',
    async line (ctx): Promise<StatusLine> {
      try {
        const { issues, more } = await api.openIssues(settings.issuesWindowHours, ctx.signal)
        const critical = issues.filter((i) => i.priority === 'CRITICAL').length
        const count = `${issues.length}${more ? '+' : ''} open issue${issues.length === 1 && !more ? '' : 's'}`
        const text = critical > 0 ? `${count} (${critical} critical)` : count
        return { status: issues.length > 0 ? 'degraded' : 'ok', text }
      } catch (err) {
        return { status: failureStatus(err), text: reason(err) }
      }
    }
  }
}
