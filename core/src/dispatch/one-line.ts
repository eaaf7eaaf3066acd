/** Strips credentials from any URL in a message (`https://user:pass@host` → `https://host`). */
export function redactUrls (text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+(?::[^/\s@]*)?@/gi, '$1')
}

/** The first line of an error's message, credentials removed, kept short: what may reach a phone. */
export function oneLine (err: unknown, max = 140): string {
  const message = err instanceof Error ? err.message : typeof err === 'string' ? err : 'unexpected error'
  const first = redactUrls(message.split('\n')[0]!.trim()) || 'unexpected error'
  return first.length > max ? `${first.slice(0, max - 3)}...` : first
}
