// Core's paging engine: what app.ts wires up and what the public entry re-exports.
export { PagingEngine, type PagingEngineParts, type IncidentSummary } from './engine.js'
export { pagingSettings, type PagingSettings } from './settings.js'
export { alertsCommand, oncallCommand } from './commands.js'
export { pageText, bundleText, resolvedText, toGsm7, type PageFacts } from './text.js'
export type {
  NormalizedAlert, AlertBatch, IngestResult, AlertSourceSpec, AlertSourceActions, AlertIngest, SilenceRequest
} from './types.js'
