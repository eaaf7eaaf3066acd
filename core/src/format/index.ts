export { formatNumber, formatPercent, formatAge } from './numbers.js'
export { fitLines, fitReply, truncate } from './lines.js'
export { distinguishingLabels, describeLabels } from './labels.js'
