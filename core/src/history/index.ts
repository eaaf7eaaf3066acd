export { HistoryWriter, NO_HISTORY, type History, type HistoryWriterOptions } from './writer.js'
export { RetentionPruner, type PruneCounts, type RetentionOptions } from './retention.js'
