import { emptyLabelMatrix, readLabelMatrixHeader } from '../data/label-matrix-stream.js';
import { readRowsAsync } from '../data/read.js';
import { readEndModelFile } from '../end-model/file.js';
import { probsToPreds } from '../label-model/predict.js';
import type { LabelModel, TiePolicy } from '../label-model/types.js';
import type { LabelMatrix } from '../matrix/label-matrix.js';
import { DataError } from '../util/errors.js';
import { type PredictionSummary, predictFile, type StreamedPredictionSummary, writePredictionRows } from './predictions.js';

export interface PredictRunOptions {
  /** The label matrix file (.arrow from ballot apply, or a WRENCH .json split). */
  L: string;
  /** The label model for the matrix's header: the caller reads and checks the model file. */
  loadModel: (L: LabelMatrix) => LabelModel;
  /** Output: .csv, .tsv, .jsonl or .arrow with columns row, label, label_index, p_<class>…. */
  out: string;
  tiePolicy?: TiePolicy;
  seed?: number;
  /** Gold labels to score the predictions on: a row file in matrix order and its label column. */
  gold?: { file: string; column: string };
}

/**
 * `ballot predict` with a label model: streamed (predictFile), the matrix read, predicted and written one chunk at a
 * time (memory flat in n), the gold labels scored in step. Returns what was written, the score, and the model's kind.
 */
export async function runPredict(o: PredictRunOptions): Promise<StreamedPredictionSummary & { model: string }> {
  const header = await readLabelMatrixHeader(o.L);
  const model = o.loadModel(emptyLabelMatrix(header));
  const written = await predictFile(o.L, o.out, model, { tiePolicy: o.tiePolicy, seed: o.seed, gold: o.gold });
  return { ...written, model: model.kind };
}

/** `ballot predict --end-model`: a saved end model's probabilities and labels for the rows of `data` (same output columns). */
export async function runEndModelPredict(o: {
  endModel: string;
  data: string;
  out: string;
  tiePolicy?: TiePolicy;
  seed?: number;
}): Promise<Omit<PredictionSummary, 'preds'>> {
  const model = readEndModelFile(o.endModel);
  const ds = await readRowsAsync(o.data);
  if (ds.rows.length === 0) throw new DataError(o.data, 'has no rows to label');
  const probs = model.predictProba(ds.rows, o.data);
  const preds = probsToPreds(probs, model.labels.length, o.tiePolicy ?? 'abstain', o.seed ?? 0);
  const { preds: _written, ...summary } = writePredictionRows(o.out, probs, preds, model.labels);
  return summary;
}
