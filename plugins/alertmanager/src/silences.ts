import type { AlertSourceActions, HttpClient, SilenceRequest } from '@operator/core'

/**
 * A 400 from Alertmanager's silences API is a JSON string (`"Failed to create silence: …"`), a schema violation a
 * JSON object with a `message` (422), older versions' misses plain text: one line for the phone.
 */
function reason (status: number, text: string): string {
  let said = text
  try {
    const parsed = JSON.parse(text) as unknown
    if (typeof parsed === 'string') said = parsed
    else if (typeof (parsed as { message?: unknown })?.message === 'string') said = (parsed as { message: string }).message
  } catch {}
  return `Alertmanager answered ${status}: ${said.split('\n')[0]!.slice(0, 160)}`
}

/** Silence and expire through Alertmanager's API v2 (`ALERTMANAGER_URL`), for the reply side (`silence 3 2h`). */
export function silenceActions (client: () => HttpClient, timeoutMs: number): AlertSourceActions {
  return {
    async silence (request: SilenceRequest): Promise<string> {
      const response = await client().request({
        method: 'POST',
        path: '/api/v2/silences',
        json: {
          matchers: request.matchers,
          startsAt: new Date(request.startsAt).toISOString(),
          endsAt: new Date(request.endsAt).toISOString(),
          createdBy: request.createdBy,
          comment: request.comment
        },
        signal: request.signal,
        timeoutMs
      })
      if (!response.ok) throw new Error(reason(response.status, response.text))
      return response.json<{ silenceID: string }>().silenceID
    },
    async expire (id: string, signal: AbortSignal): Promise<void> {
      const response = await client().request({ method: 'DELETE', path: `/api/v2/silence/${encodeURIComponent(id)}`, signal, timeoutMs })
      if (!response.ok) throw new Error(reason(response.status, response.text))
    }
  }
}
