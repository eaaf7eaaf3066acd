/**
 * Seconds since midnight where the sender is, for `since 2pm` and `today`. UTC needs no Intl; another zone makes one
 * formatter, on first use (the first Intl formatter loads ICU's locale data, ~10 ms).
 */
export function localSecondsIn (timeZone: string): (now: number) => number {
  if (timeZone === 'UTC') return (now) => Math.floor(now / 1000) % 86_400
  let format: Intl.DateTimeFormat | undefined
  return (now) => {
    format ??= new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit', second: '2-digit' })
    const parts: Record<string, number> = {}
    for (const p of format.formatToParts(now)) parts[p.type] = Number(p.value)
    return parts.hour! * 3600 + parts.minute! * 60 + parts.second!
  }
}

/** True for a zone name Intl knows (checked once at start-up, with the setting named in the error). */
export function isTimeZone (timeZone: string): boolean {
  if (timeZone === 'UTC') return true
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone })
    return true
  } catch {
    return false
  }
}
