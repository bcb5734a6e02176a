// `ballot report`: one self-contained HTML page over a label matrix, its label model, gold labels, sample and flags.
export { collectReportData, MAX_HEATMAP_LFS } from './collect.js';
export { buildReport, escapeHtml, scriptJSON } from './html.js';
export { buildCharts, type ChartSpec } from './charts.js';
export { sliceHeadlines, MAX_SLICES } from './slices.js';
export { sampleComposition } from './sample.js';
export { wilsonInterval } from './aggregates.js';
export { DEFAULT_MAX_FLAGS, MAX_TEXT, endModelContradictions } from './flags.js';
export type * from './types.js';
