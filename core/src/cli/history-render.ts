import { maskNumber } from '../channels/sms/numbers.js'
import type { MessageRecord } from '../store/types.js'

const TEXT_WIDTH = 60

/** The number as the output shows it: masked (`+1415***0100`) unless the admin asked for full numbers. */
export type ShowNumber = (number: string) => string
export const masked: ShowNumber = maskNumber
export const asStored: ShowNumber = (number) => number

/** `2026-11-25 23:01:02`, UTC: the same on every machine an admin might compare it from. */
function utc (time: number): string {
  return new Date(time).toISOString().slice(0, 19).replace('T', ' ')
}

/** One line, at most TEXT_WIDTH characters: a reply's line breaks shown as ` / `. */
function oneLineText (text: string | null): string {
  if (text === null) return '-'
  const line = text.replace(/\s*\n\s*/g, ' / ').replace(/\s+/g, ' ').trim()
  return line.length > TEXT_WIDTH ? `${line.slice(0, TEXT_WIDTH - 3)}...` : line
}

/** A compact table, newest first, every column but the last padded to its widest cell. */
export function historyTable (records: readonly MessageRecord[], show: ShowNumber): string {
  const header = ['TIME (UTC)', 'DIR', 'NUMBER', 'COMMAND', 'OUTCOME', 'SEG', 'TEXT']
  const rows = records.map((r) => [
    utc(r.time), r.direction, show(r.number), r.command ?? '-', r.outcome, String(r.segments), oneLineText(r.text)
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)))
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')
  return [line(header), ...rows.map(line)].join('\n')
}

/**
 * One JSON object per message: `from` is the sender of a message in, `to` the recipient of one out (Operator's own
 * Twilio number is not kept, so the other side is null).
 */
export function historyJson (r: MessageRecord, show: ShowNumber): string {
  return JSON.stringify({
    id: r.id,
    time: new Date(r.time).toISOString(),
    direction: r.direction,
    channel: r.channel,
    from: r.direction === 'in' ? show(r.number) : null,
    to: r.direction === 'out' ? show(r.number) : null,
    role: r.role,
    text: r.text,
    command: r.command,
    plugin: r.plugin,
    outcome: r.outcome,
    segments: r.segments,
    durationMs: r.durationMs,
    messageSid: r.messageSid,
    providerSid: r.providerSid,
    deliveryStatus: r.deliveryStatus
  })
}
