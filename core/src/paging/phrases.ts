import type { CommandPhrase } from '../plugins/contract.js'

/**
 * The words `alerts` (open incidents) answers to. Prometheus's `alerts` teaches the same firing words: both run
 * `alerts`, which the shared capability answers with this list first, so they read as one command, never a choice.
 */
export const ALERTS_PHRASES: readonly CommandPhrase[] = [{
  say: [
    'alerts', 'what is firing', 'anything firing', 'is anything firing', 'any alerts', 'show alerts', 'list alerts',
    'what alerts are firing', 'active alerts', 'current alerts', 'what is alerting', 'firing alerts', 'alerts firing',
    'open alerts', 'what fired', 'why did i get paged', 'what paged me', 'what is paging', 'critical alerts',
    'incidents', 'open incidents', 'any incidents', 'active incidents', 'what incidents are open', 'what is open',
    'unacked alerts', 'unacked', 'what needs an ack', 'what woke me up'
  ],
  run: 'alerts'
}]

/** The words `oncall` answers to: `who's on call`, `who has the pager`, `who is next`. */
export const ONCALL_PHRASES: readonly CommandPhrase[] = [{
  say: [
    'oncall', 'on call', 'who is on call', 'whose on call', 'who is on call this week', 'who is oncall', 'who has the pager', 'who has pager', 'who is on pager',
    'who is on duty', 'who is carrying the pager', 'who is holding the pager', 'on call rotation', 'oncall rotation',
    'on call schedule', 'oncall schedule', 'who is next on call', 'who is on call next', 'next on call',
    'when is the handoff', 'when is my handoff', 'when do i hand off', 'when does my shift end', 'when am i on call', 'am i on call',
    'who is primary', 'who do i escalate to', 'whose week is it'
  ],
  run: 'oncall'
}]
