import type { Row } from '../data/types.js';
import type { LabelMatrix } from '../matrix/label-matrix.js';
import type { LabelModel, TiePolicy } from './types.js';

/** Prediction rows and what a writer needs to type them. */
export interface PredictionRecords {
  /** row, label, label_index, p_<class>… */
  columns: string[];
  /** Column types pinned for Arrow (p_* stay Float64 even when every probability is 0 or 1). */
  types: Record<string, 'int32' | 'utf8' | 'float64'>;
  rows: Row[];
  /** Hard labels by the model's decision rule (-1 = tie, abstained). */
  preds: Int32Array;
  /** Rows per class, and rows abstained on. */
  perClass: Record<string, number>;
  abstained: number;
}

/**
 * One record per row of L: its index, the model's label (by `model.predictFromProbs`, so an auto model's F1 cut is
 * applied exactly as `predict` does) and the probability of each class.
 */
export function predictionRecords(model: LabelModel, L: LabelMatrix, tiePolicy: TiePolicy = 'abstain', seed = 0): PredictionRecords {
  const probs = model.predictProba(L);
  const preds = model.predictFromProbs(probs, tiePolicy, seed);
  const { k, n } = L;
  const probColumns = L.labels.map((name) => `p_${name}`);
  const rows = new Array<Row>(n);
  const counts = new Array<number>(k + 1).fill(0);
  for (let i = 0; i < n; i++) {
    const r: Row = { row: i, label: preds[i] >= 0 ? L.labels[preds[i]] : '', label_index: preds[i] };
    for (let y = 0; y < k; y++) r[probColumns[y]] = probs[i * k + y];
    rows[i] = r;
    counts[preds[i] + 1]++;
  }
  return {
    columns: ['row', 'label', 'label_index', ...probColumns],
    types: { row: 'int32', label: 'utf8', label_index: 'int32', ...Object.fromEntries(probColumns.map((c) => [c, 'float64' as const])) },
    rows,
    preds,
    perClass: Object.fromEntries(L.labels.map((name, y) => [name, counts[y + 1]])),
    abstained: counts[0],
  };
}
