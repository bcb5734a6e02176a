import type { EndModel } from '../end-model/end-model.js';
import type { Row } from '../data/types.js';
import { probsToPreds } from '../label-model/predict.js';
import { toGold } from '../matrix/checked.js';
import type { LabelModel, TiePolicy } from '../label-model/types.js';
import type { LabelMatrix } from '../matrix/label-matrix.js';
import { binaryF1, classF1, type ClassCounts, macroF1, METRICS, type Metric } from '../label-model/metrics.js';

/** Precision and recall of one class, with its gold count (support) and its predicted count. */
export interface ClassScore {
  label: string;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  support: number;
  predicted: number;
}

/** How well hard predictions match gold labels (rows whose gold is -1 are left out everywhere). */
export interface ScoreSummary {
  labels: string[];
  /** Rows with a gold label. */
  scored: number;
  /** Rows with no gold label (left out). */
  unlabeled: number;
  /** Share of scored rows with a prediction (not abstained). */
  coverage: number;
  /** Correct / scored: an abstained row counts as wrong (as Snorkel's scorer does). */
  accuracy: number;
  /** Correct / covered rows: accuracy where the model made a call. */
  accuracyCovered: number | null;
  /** Binary F1 of class 1 (null when there are not exactly two classes). */
  f1: number | null;
  /** Mean F1 over the classes (a class with no support and no predictions is left out). */
  f1Macro: number;
  perClass: ClassScore[];
  /** confusion[g][p]: gold class g predicted as p; the last column counts abstains. */
  confusion: number[][];
  /** The metrics asked for, by name. */
  metrics: Partial<Record<Metric, number | null>>;
}

/**
 * Scores hard predictions (class index, -1 = abstain) against gold labels (class index, -1 = unknown): accuracy,
 * binary and macro F1, per-class precision/recall, coverage and the confusion matrix.
 */
export function scoreSummary(
  gold: ArrayLike<number>,
  preds: ArrayLike<number>,
  labels: readonly string[],
  metrics: readonly Metric[] = METRICS,
): ScoreSummary {
  const tally = new ScoreTally(labels.length);
  tally.add(gold, preds);
  return tally.summary(labels, metrics);
}

/** The counts behind a ScoreSummary, added batch by batch (a streamed predict scores as it writes). */
export class ScoreTally {
  /** confusion[g][p]: gold class g predicted as p; the last column counts abstains. */
  readonly confusion: number[][];
  rows = 0;
  scored = 0;
  covered = 0;
  correct = 0;
  constructor(private readonly k: number) {
    this.confusion = Array.from({ length: k }, () => new Array<number>(k + 1).fill(0));
  }

  /** Adds a batch of gold labels and predictions; `rowOffset` (its first row) only names rows in errors. */
  add(gold: ArrayLike<number>, preds: ArrayLike<number>, rowOffset = 0): void {
    const { k, confusion } = this;
    if (gold.length !== preds.length) throw new RangeError(`${gold.length} gold labels but ${preds.length} predictions`);
    this.rows += gold.length;
    for (let i = 0; i < gold.length; i++) {
      const g = gold[i]!;
      if (g < 0) continue;
      if (g >= k) throw new RangeError(`gold label ${g} at row ${rowOffset + i} is not a class index below ${k}`);
      const p = preds[i]!;
      if (p >= k) throw new RangeError(`prediction ${p} at row ${rowOffset + i} is not a class index below ${k}`);
      this.scored++;
      confusion[g]![p < 0 ? k : p]!++;
      if (p >= 0) this.covered++;
      if (p === g) this.correct++;
    }
  }

  summary(labels: readonly string[], metrics: readonly Metric[] = METRICS): ScoreSummary {
    const { k, confusion, scored, covered, correct } = this;
    const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);
    const perClass: ClassScore[] = [];
    const counts: ClassCounts[] = labels.map((label, c) => {
      const tp = confusion[c]![c]!;
      const support = confusion[c]!.reduce((s, v) => s + v, 0);
      let predicted = 0;
      for (let g = 0; g < k; g++) predicted += confusion[g]![c]!;
      const cc = { tp, fp: predicted - tp, fn: support - tp };
      perClass.push({ label, precision: ratio(tp, predicted), recall: ratio(tp, support), f1: classF1(cc), support, predicted });
      return cc;
    });
    const accuracy = scored === 0 ? 0 : correct / scored;
    const f1 = k === 2 ? binaryF1(counts) : null;
    const f1Macro = macroF1(counts);
    const all: Record<Metric, number | null> = { accuracy, f1, f1_macro: f1Macro };
    return {
      labels: [...labels],
      scored,
      unlabeled: this.rows - scored,
      coverage: scored === 0 ? 0 : covered / scored,
      accuracy,
      accuracyCovered: ratio(correct, covered),
      f1,
      f1Macro,
      perClass,
      confusion: confusion.map((r) => [...r]),
      metrics: Object.fromEntries(metrics.map((m) => [m, all[m]])),
    };
  }
}

/** Options of `scoreLabelModel`. */
export interface ScoreModelOptions {
  /** Classes tied for the top probability (default 'abstain', as `predict`). */
  tiePolicy?: TiePolicy;
  seed?: number;
  metrics?: readonly Metric[];
}

/** Predicts with a fitted label model on L (as `predict` does) and scores the predictions against gold labels. */
export function scoreLabelModel(
  model: LabelModel,
  L: LabelMatrix,
  gold: ArrayLike<number>,
  options: ScoreModelOptions = {},
): ScoreSummary & { model: string; tiePolicy: TiePolicy } {
  const tiePolicy = options.tiePolicy ?? 'abstain';
  const preds = model.predict(L, tiePolicy, options.seed ?? 0);
  return { model: model.kind, tiePolicy, ...scoreSummary(gold, preds, L.labels, options.metrics) };
}

/** Scores an end model on gold labels: its hard labels for `rows` (most probable class, ties by `tiePolicy`). */
export function scoreEndModel(
  model: EndModel,
  rows: readonly Row[],
  gold: ArrayLike<number>,
  options: ScoreModelOptions & { source?: string } = {},
): ScoreSummary & { model: string; tiePolicy: TiePolicy } {
  const tiePolicy = options.tiePolicy ?? 'abstain';
  const checked = toGold(gold, model.labels, 'gold labels', rows.length);
  const preds = probsToPreds(model.predictProba(rows, options.source), model.labels.length, tiePolicy, options.seed ?? 0);
  return { model: 'end model', tiePolicy, ...scoreSummary(checked.values, preds, model.labels, options.metrics) };
}
