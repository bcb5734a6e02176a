import { isProbabilities, toProbabilities, type Probabilities } from '../matrix/checked.js';
import type { LabelMatrix } from '../matrix/label-matrix.js';
import { ConfigError } from '../util/errors.js';
import { alignToModel } from './alignment.js';
import { LABEL_MODEL_TITLES, type LabelModelKind } from './kinds.js';
import { posteriorFromLogTable } from './posterior.js';
import { probsToPreds } from './predict.js';
import { checkModelJSON } from './saved.js';
import type { FitReport, LabelModel, LabelModelJSON, TiePolicy } from './types.js';

/**
 * The label-model contract written once: the fitted label space and LFs, `predict` through `predictFromProbs`,
 * alignment of a matrix to the model's columns, the class balance and the JSON envelope. A model writes `fit`,
 * `predictProba`, `accuracies` and its own saved fields (`params`).
 */
export abstract class BaseLabelModel implements LabelModel {
  abstract readonly kind: LabelModelKind;
  labels: readonly string[] = [];
  lfNames: readonly string[] = [];
  /** Class balance; empty until fitted. */
  protected prior: Float64Array = new Float64Array(0);

  abstract fit(L: LabelMatrix, options?: object): FitReport;
  abstract predictProba(L: LabelMatrix): Float64Array;
  abstract accuracies(): Float64Array | null;
  /** The model's own saved fields (beside model, version, labels, lfNames). */
  protected abstract params(): Record<string, unknown>;

  /** The display name used in messages. */
  get title(): string {
    return LABEL_MODEL_TITLES[this.kind];
  }

  predict(L: LabelMatrix, tiePolicy: TiePolicy = 'abstain', seed = 0): Int32Array {
    const probs = this.predictProba(L);
    // An unfitted model that votes on any matrix (majority vote) takes k from the matrix.
    return this.predictFromProbs(this.labels.length ? probs : toProbabilities(probs, L.labels, this.title, L.n), tiePolicy, seed);
  }

  /**
   * The most probable class, ties resolved by `tiePolicy` (see probsToPreds). `rowOffset`: the index of the first row
   * in the whole matrix, so a shard's seeded tie-breaks equal the single-process ones.
   */
  predictFromProbs(probs: Float64Array | Probabilities, tiePolicy: TiePolicy = 'abstain', seed = 0, rowOffset = 0): Int32Array {
    const values = isProbabilities(probs) ? probs.values : probs;
    return probsToPreds(values, this.classCount(probs), tiePolicy, seed, rowOffset);
  }

  classBalance(): Float64Array {
    return Float64Array.from(this.prior);
  }

  toJSON(): LabelModelJSON {
    return { model: this.kind, version: 1, labels: [...this.labels], lfNames: [...this.lfNames], ...this.params() };
  }

  /** k of probabilities handed to predictFromProbs: the fitted label space, or a checked value's k. */
  protected classCount(probs: Float64Array | Probabilities): number {
    const k = this.labels.length || (isProbabilities(probs) ? probs.k : 0);
    if (k === 0) throw new ConfigError(`${this.title} model is not fitted yet: call fit() or load a saved model`);
    if (isProbabilities(probs) && probs.k !== k) throw new ConfigError(`${this.title} model has ${k} classes; the probabilities have ${probs.k}`);
    return k;
  }

  /** L with its columns in this model's LF order (see alignToModel). */
  protected aligned(L: LabelMatrix): LabelMatrix {
    return alignToModel(L, this.title, this.lfNames, this.labels);
  }

  /** Records the label space and LFs a fit ran on. */
  protected fittedOn(L: { labels: readonly string[]; lfNames: readonly string[] }): void {
    this.labels = [...L.labels];
    this.lfNames = [...L.lfNames];
  }

  /** Checks a saved model's envelope and takes its label space and LFs. */
  protected restore(json: LabelModelJSON): void {
    checkModelJSON(json, this.kind);
    this.labels = [...json.labels];
    this.lfNames = [...json.lfNames];
  }
}

/**
 * A conditionally independent factor model: P(Y | λ) ∝ p_y Π_{j votes} exp(logTable[j, λ_j, y]) (+ an offset on
 * covered rows for models that score abstains). ds, mc, triplet and wmv fill `logTable` from their parameters and
 * share the posterior.
 */
export abstract class FactorModel extends BaseLabelModel {
  protected logTable: Float64Array = new Float64Array(0);
  protected coveredOffset: Float64Array | undefined;

  predictProba(L: LabelMatrix): Float64Array {
    return posteriorFromLogTable(this.aligned(L), this.logTable, this.prior, this.coveredOffset);
  }
}
