/**
 * Snorkel's route as one call: train the end model on a label model's probabilities of the rows with at least one
 * LF vote, and report agreement with the label model, optional K-fold out-of-sample agreement, and dev calibration.
 */
import { argmaxRow } from '../matrix/covered-sample.js';
import type { Row } from '../data/types.js';
import type { LabelMatrix } from '../matrix/label-matrix.js';
import { DataError } from '../util/errors.js';
import { calibrationReport, type CalibrationReport } from './calibration.js';
import { crossFitProba, EndModel, type EndModelOptions, type TrainingSummary } from './end-model.js';
import { Featurizer } from './features.js';

export interface WeakTrainingInput {
  rows: readonly Row[];
  /** File the rows came from (named in errors). */
  rowsSource: string;
  L: LabelMatrix;
  matrixFile: string;
  /** The label model's n × k probabilities for L. */
  probs: Float64Array;
  options: EndModelOptions;
  /** K of the out-of-sample agreement check (none when absent). */
  cv?: number;
  /** Dev rows with gold class indices (−1 = unlabelled) for accuracy and calibration. */
  dev?: { rows: readonly Row[]; gold: Int32Array; source: string };
}

export interface WeakTrainingReport {
  rows: number;
  trainedOn: number;
  uncovered: number;
  training: TrainingSummary;
  /** Share of the trained-on rows whose end-model top class is the label model's. */
  agreement: number;
  cv?: { folds: number; agreement: number };
  dev?: CalibrationReport;
}

/**
 * Trains on the covered rows only: an uncovered row's label-model "probabilities" are just the class balance, and
 * fitting them from its text would teach the end model to be unsure exactly where it should generalise.
 */
export function trainOnLabelModel(input: WeakTrainingInput): { model: EndModel; report: WeakTrainingReport } {
  const { L, probs, rows } = input;
  const votes = L.voteCounts();
  const weights = Float64Array.from(votes, (c) => (c > 0 ? 1 : 0));
  let covered = 0;
  for (let i = 0; i < L.n; i++) if (votes[i] > 0) covered++;
  if (covered === 0) throw new DataError(input.matrixFile, 'no row has a vote from any LF: there are no labels to train the end model on');
  const targets = { kind: 'soft' as const, probs, weights };
  const k = L.k;
  const { featurizer, X } = Featurizer.fitTransform(rows, input.options, input.rowsSource);
  const model = EndModel.trainOnFeatures(X, featurizer, targets, L.labels, input.options);
  const lmTop = argmaxAll(probs, k);
  const report: WeakTrainingReport = {
    rows: L.n,
    trainedOn: covered,
    uncovered: L.n - covered,
    training: model.training,
    agreement: agree(model.predictProbaFeatures(X), lmTop, k, weights),
  };
  if (input.cv !== undefined) {
    const oos = crossFitProba(X, featurizer, targets, L.labels, { ...input.options, folds: input.cv, seed: input.options.seed ?? 0 });
    report.cv = { folds: input.cv, agreement: agree(oos, lmTop, k, weights) };
  }
  if (input.dev) {
    if (!input.dev.gold.some((g) => g >= 0)) throw new DataError(input.dev.source, 'no row has a gold label');
    report.dev = calibrationReport(model.predictProba(input.dev.rows, input.dev.source), input.dev.gold, 10);
  }
  return { model, report };
}

function argmaxAll(probs: Float64Array, k: number): Int32Array {
  const n = probs.length / k;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = argmaxRow(probs, i, k);
  return out;
}

/** Share of the weighted rows where the probabilities' top class equals `top`. */
function agree(probs: Float64Array, top: Int32Array, k: number, weights: Float64Array): number {
  const mine = argmaxAll(probs, k);
  let n = 0,
    same = 0;
  for (let i = 0; i < top.length; i++) {
    if (weights[i] === 0) continue;
    n++;
    if (mine[i] === top[i]) same++;
  }
  return n ? same / n : NaN;
}
