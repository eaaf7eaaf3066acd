export { formatNumber, formatPercent, formatAge, summarizeSeries, type SeriesSummary } from './numbers.js'
export { fitLines, fitReply, truncate, continuesWithMore, type LineBudget } from './lines.js'
export { distinguishingLabels, describeLabels } from './labels.js'
