export { formatNumber, formatPercent, formatAge, summarizeSeries, type SeriesSummary } from './numbers.js'
export { fitLines, fitReply, truncate } from './lines.js'
export { distinguishingLabels, describeLabels } from './labels.js'
