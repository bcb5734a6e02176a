import type { LabelMatrix } from '../matrix/label-matrix.js';
import type { Probabilities } from '../matrix/checked.js';
import type { LabelModelKind } from './kinds.js';

/**
 * How `predict` resolves classes tied (within 1e-5) for the top probability: `abstain` (-1), `random` (seeded hash of
 * seed and row) or `snorkel` (Snorkel's default deterministic pick, sha1 of the row index; see probsToPreds).
 */
export type TiePolicy = 'abstain' | 'random' | 'snorkel';

export interface FitReport {
  model: string;
  n: number;
  m: number;
  k: number;
  /** Rows where every LF abstained: they get the class balance as their probabilistic label. */
  uncoveredRows: number;
  iterations?: number;
  converged?: boolean;
  /** Loss (or negative log-likelihood) per iteration, so non-convergence is visible. */
  lossHistory?: number[];
  seconds?: number;
  notes?: string[];
  /** Signs of a degenerate fit (see collapse.ts); each also appears in `notes`. */
  warnings?: string[];
  /** `auto` only: each candidate's dev score and the one chosen. */
  selection?: ModelSelection;
}

/** How `auto` chose: each candidate's score on the dev gold labels (NaN when it could not be fitted). */
export interface ModelSelection {
  metric: string;
  devRows: number;
  /**
   * `threshold`: binary F1 only, present when a decision threshold on P(class 1) tuned on dev beat the most probable
   * class for that candidate; `score` is then its cross-fitted F1.
   */
  scores: { model: string; score: number; threshold?: number; error?: string }[];
  chosen: string;
  /** Binary F1 only: the chosen candidate's threshold; `predict` labels class 1 iff P(class 1) > threshold. */
  threshold?: number;
}

/** Serialized model: `{ model: '<kind>', version, ... }`, read back by `loadLabelModel`. */
export interface LabelModelJSON {
  model: string;
  version: number;
  labels: string[];
  lfNames: string[];
  [key: string]: unknown;
}

/**
 * Every label model: fit on a label matrix without gold labels, then turn votes into probabilistic labels.
 * Probabilities are row-major n × k in a Float64Array.
 */
export interface LabelModel {
  readonly kind: LabelModelKind;
  /** Classes in vote order; empty until fitted (or loaded). */
  readonly labels: readonly string[];
  /** The LFs it was fitted on, in its column order; empty until fitted (or loaded). */
  readonly lfNames: readonly string[];
  fit(L: LabelMatrix, options?: Record<string, unknown>): FitReport;
  /** Row-local: a row's probabilities depend only on its votes and the fitted parameters (streamed predict relies on it). */
  predictProba(L: LabelMatrix): Float64Array;
  /** Hard labels: `predictFromProbs(predictProba(L))`. */
  predict(L: LabelMatrix, tiePolicy?: TiePolicy, seed?: number): Int32Array;
  /**
   * The model's decision rule on probabilities it computed: the most probable class (ties by `tiePolicy`), or for an
   * `auto` model tuned for binary F1 its dev-tuned cut. Everything that turns this model's probabilities into labels
   * (predict, sampling's `_label`, disagreements) should call this, so one model gives one label per row.
   */
  predictFromProbs(probs: Float64Array | Probabilities, tiePolicy?: TiePolicy, seed?: number, rowOffset?: number): Int32Array;
  /** Learned P(vote correct | LF votes) per LF, or null when the model has no such notion. */
  accuracies(): Float64Array | null;
  /** Learned or assumed class balance P(Y = y). */
  classBalance(): Float64Array;
  toJSON(): LabelModelJSON;
}
