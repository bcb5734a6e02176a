import { ABSTAIN } from '../matrix/labels.js';
import type { LabelMatrix } from '../matrix/label-matrix.js';
import { ConfigError } from '../util/errors.js';
import { alignToModel, checkClassBalance, checkModelJSON, countUncovered, posteriorFromLogTable, readNumbers } from './common.js';
import { clamp } from './linalg.js';
import { MatrixCompletionModel, type MatrixCompletionOptions } from './matrix-completion.js';
import { probsToPreds } from './predict.js';
import type { FitReport, LabelModel, LabelModelJSON, TiePolicy } from './types.js';

export interface WeightedMajorityVoteOptions {
  /** Use these per-LF accuracies P(correct | votes) as they are. */
  accuracies?: readonly number[];
  /** Gold-labelled rows: accuracies are counted on them, shrunk toward the unsupervised estimate (see devPriorStrength). */
  dev?: { L: LabelMatrix; gold: ArrayLike<number> };
  /** How many dev votes the unsupervised accuracy estimate is worth when dev labels are given (default 10). */
  devPriorStrength?: number;
  /** Class balance: 'uniform' (default) or fixed probabilities. */
  classBalance?: 'uniform' | readonly number[];
  /** Options of the matrix-completion fit that supplies the unsupervised accuracies. */
  mc?: MatrixCompletionOptions;
}

/**
 * Weighted majority vote: each vote for class y adds w_j = log((k − 1) · acc_j / (1 − acc_j)) to y's score and
 * P(Y | λ) = softmax(log p + scores). That is the exact posterior when every LF is right with probability acc_j and
 * otherwise picks a wrong class uniformly (the "one-coin" model); for k = 2 it is log(acc / (1 − acc)).
 * Accuracies are clamped to [0.01, 0.99] and weights below 0 (worse than random) are set to 0.
 *
 * Where the accuracies come from, in order: `accuracies` as given; else the matrix-completion model's learned
 * accuracies on L, and when `dev` gold labels are given, the dev counts with that estimate as a prior worth
 * `devPriorStrength` votes: acc_j = (correct_j + s · acc_mc_j) / (votes_j + s).
 */
export class WeightedMajorityVote implements LabelModel {
  readonly kind = 'wmv';
  private labels: string[] = [];
  private lfNames: string[] = [];
  private acc: Float64Array = new Float64Array(0);
  private prior: Float64Array = new Float64Array(0);
  private source = '';
  private logTable: Float64Array = new Float64Array(0);

  fit(L: LabelMatrix, options: WeightedMajorityVoteOptions = {}): FitReport {
    const t0 = performance.now();
    const { n, m, k } = L;
    const cb = options.classBalance ?? 'uniform';
    const prior = cb === 'uniform' ? new Float64Array(k).fill(1 / k) : checkClassBalance(cb, k);
    let acc: Float64Array;
    let source: string;
    if (options.accuracies) {
      if (options.accuracies.length !== m) throw new ConfigError(`weighted majority vote: ${options.accuracies.length} accuracies for ${m} LFs`);
      acc = Float64Array.from(options.accuracies);
      for (const a of acc) if (!(a >= 0 && a <= 1)) throw new ConfigError(`weighted majority vote: accuracies must be in [0, 1], got ${a}`);
      source = 'given';
    } else {
      const mc = new MatrixCompletionModel();
      mc.fit(L, options.mc);
      acc = mc.accuracies();
      source = 'mc';
      if (options.dev) {
        acc = devAccuracies(options.dev.L, options.dev.gold, L, acc, options.devPriorStrength ?? 10);
        source = 'dev+mc';
      }
    }
    this.labels = [...L.labels];
    this.lfNames = [...L.lfNames];
    this.acc = acc;
    this.prior = prior;
    this.source = source;
    this.buildTables();
    return { model: this.kind, n, m, k, uncoveredRows: countUncovered(L), iterations: 0, converged: true, seconds: (performance.now() - t0) / 1000, notes: [`accuracies from ${source}`] };
  }

  private buildTables(): void {
    const k = this.labels.length;
    const m = this.lfNames.length;
    this.logTable = new Float64Array(m * k * k);
    for (let j = 0; j < m; j++) {
      const w = weightOf(this.acc[j], k);
      for (let l = 0; l < k; l++) this.logTable[(j * k + l) * k + l] = w;
    }
  }

  predictProba(L: LabelMatrix): Float64Array {
    const A = alignToModel(L, 'weighted-majority-vote', this.lfNames, this.labels);
    return posteriorFromLogTable(A, this.logTable, this.prior);
  }

  predict(L: LabelMatrix, tiePolicy: TiePolicy = 'abstain', seed = 0): Int32Array {
    return probsToPreds(this.predictProba(L), L.k, tiePolicy, seed);
  }

  accuracies(): Float64Array {
    return Float64Array.from(this.acc);
  }

  /** The vote weight of each LF. */
  weights(): Float64Array {
    const k = this.labels.length;
    return this.acc.map((a) => weightOf(a, k));
  }

  classBalance(): Float64Array {
    return Float64Array.from(this.prior);
  }

  toJSON(): LabelModelJSON {
    return { model: this.kind, version: 1, labels: this.labels, lfNames: this.lfNames, accuracySource: this.source, classBalance: Array.from(this.prior), accuracies: Array.from(this.acc) };
  }

  static fromJSON(json: LabelModelJSON): WeightedMajorityVote {
    checkModelJSON(json, 'wmv');
    const w = new WeightedMajorityVote();
    w.labels = [...json.labels];
    w.lfNames = [...json.lfNames];
    w.prior = readNumbers(json, 'classBalance', json.labels.length);
    w.acc = readNumbers(json, 'accuracies', json.lfNames.length);
    w.source = typeof json.accuracySource === 'string' ? json.accuracySource : '';
    w.buildTables();
    return w;
  }
}

function weightOf(acc: number, k: number): number {
  const a = clamp(acc, 0.01, 0.99);
  return Math.max(0, Math.log(((k - 1) * a) / (1 - a)));
}

/** acc_j = (correct_j + s · prior_j) / (votes_j + s), counted on the dev rows (gold -1 rows skipped). */
export function devAccuracies(devL: LabelMatrix, gold: ArrayLike<number>, L: LabelMatrix, priorAcc: Float64Array, s: number): Float64Array {
  if (!(s >= 0)) throw new ConfigError(`devPriorStrength must be ≥ 0, got ${s}`);
  const A = alignToModel(devL, 'weighted-majority-vote (dev)', L.lfNames, L.labels);
  if (gold.length !== A.n) throw new ConfigError(`dev set has ${A.n} rows but ${gold.length} gold labels`);
  const { m, votes } = A;
  const correct = new Float64Array(m);
  const total = new Float64Array(m);
  for (let i = 0; i < A.n; i++) {
    const g = gold[i];
    if (g < 0) continue;
    if (!Number.isInteger(g) || g >= L.k) throw new ConfigError(`dev gold label ${g} at row ${i} is not -1 (unknown) or a class index 0..${L.k - 1} (${L.labels.join(', ')})`);
    for (let j = 0; j < m; j++) {
      const v = votes[i * m + j];
      if (v === ABSTAIN) continue;
      total[j]++;
      if (v === g) correct[j]++;
    }
  }
  return priorAcc.map((p, j) => (total[j] + s > 0 ? (correct[j] + s * p) / (total[j] + s) : p));
}
