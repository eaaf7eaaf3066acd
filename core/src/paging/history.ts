import type { MessageRepository, NewMessage } from '../store/types.js'

/** What paging writes to the message history: each text it sent or failed to send, with the provider's SID. */
export interface PageHistoryEntry {
  readonly time: number
  readonly number: string
  readonly text: string
  /** `page`, `resolved` or `notice`. */
  readonly kind: string
  readonly outcome: 'sent' | 'failed'
  readonly segments: number
  readonly providerSid: string | null
}

/**
 * The one place paging writes history, so it can be pointed at core's history writer when there is one. A failure
 * to write history is the caller's to log; it never stops a page.
 */
export async function recordPageHistory (messages: MessageRepository, entries: readonly PageHistoryEntry[]): Promise<void> {
  await messages.insert(entries.map((e): NewMessage => ({
    time: e.time,
    direction: 'out',
    channel: 'sms',
    number: e.number,
    text: e.text,
    command: e.kind,
    plugin: 'paging',
    outcome: e.outcome,
    segments: e.segments,
    providerSid: e.providerSid
  })))
}

/** Twilio's status callback, on the history row of the text it is about. */
export async function recordDeliveryStatus (messages: MessageRepository, providerSid: string, status: string): Promise<void> {
  await messages.updateDeliveryStatus(providerSid, status)
}
