import type { GoldLabels } from '../matrix/checked.js';
import { ABSTAIN } from '../matrix/labels.js';
import type { LabelMatrix } from '../matrix/label-matrix.js';
import { ConfigError } from '../util/errors.js';
import { alignToModel, countUncovered } from './alignment.js';
import { FactorModel } from './base.js';
import { withCollapseCheck } from './collapse.js';
import { goldFor } from './gold.js';
import { clamp } from './linalg.js';
import { MatrixCompletionModel } from './mc/model.js';
import type { MatrixCompletionOptions } from './mc/options.js';
import { checkClassBalance, checkOptions, isDev, isNumber, isNumberOrList, isObject, numbersOr, type OptionSpec } from './options.js';
import { readClassBalance, readProbabilities } from './saved.js';
import type { FitReport, LabelModelJSON } from './types.js';

export interface WeightedMajorityVoteOptions {
  /** Use these per-LF accuracies P(correct | votes) as they are. */
  accuracies?: readonly number[];
  /** Gold-labelled rows: accuracies are counted on them, shrunk toward the unsupervised estimate (see devPriorStrength). */
  dev?: { L: LabelMatrix; gold: GoldLabels | ArrayLike<number> };
  /** How many dev votes the unsupervised accuracy estimate is worth when dev labels are given (default 10). */
  devPriorStrength?: number;
  /** Class balance: 'uniform' (default) or fixed probabilities. */
  classBalance?: 'uniform' | readonly number[];
  /** Options of the matrix-completion fit that supplies the unsupervised accuracies. */
  mc?: MatrixCompletionOptions;
}

export const WMV_OPTIONS: OptionSpec<WeightedMajorityVoteOptions> = {
  accuracies: isNumberOrList,
  dev: isDev,
  devPriorStrength: isNumber,
  classBalance: numbersOr('uniform'),
  mc: isObject,
};

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
export class WeightedMajorityVote extends FactorModel {
  readonly kind = 'wmv';
  private acc: Float64Array = new Float64Array(0);
  private source = '';

  fit(L: LabelMatrix, options: WeightedMajorityVoteOptions = {}): FitReport {
    checkOptions(this.title, options, WMV_OPTIONS);
    const t0 = performance.now();
    const { n, m, k } = L;
    const cb = options.classBalance ?? 'uniform';
    const prior = cb === 'uniform' ? new Float64Array(k).fill(1 / k) : checkClassBalance(cb, k);
    const { acc, source } = this.resolveAccuracies(L, options);
    this.fittedOn(L);
    this.acc = acc;
    this.prior = prior;
    this.source = source;
    this.buildTables();
    return withCollapseCheck(this, L, {
      model: this.kind,
      n,
      m,
      k,
      uncoveredRows: countUncovered(L),
      iterations: 0,
      converged: true,
      seconds: (performance.now() - t0) / 1000,
      notes: [`accuracies from ${source}`],
    });
  }

  private resolveAccuracies(L: LabelMatrix, options: WeightedMajorityVoteOptions): { acc: Float64Array; source: string } {
    if (options.accuracies) {
      if (options.accuracies.length !== L.m)
        throw new ConfigError(`weighted majority vote: ${options.accuracies.length} accuracies for ${L.m} LFs`, { option: 'accuracies' });
      const acc = Float64Array.from(options.accuracies);
      for (const a of acc)
        if (!(a >= 0 && a <= 1)) throw new ConfigError(`weighted majority vote: accuracies must be in [0, 1], got ${a}`, { option: 'accuracies' });
      return { acc, source: 'given' };
    }
    const mc = new MatrixCompletionModel();
    mc.fit(L, options.mc);
    if (!options.dev) return { acc: mc.accuracies(), source: 'mc' };
    return { acc: devAccuracies(options.dev.L, options.dev.gold, L, mc.accuracies(), options.devPriorStrength ?? 10), source: 'dev+mc' };
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

  accuracies(): Float64Array {
    return Float64Array.from(this.acc);
  }

  /** The vote weight of each LF. */
  weights(): Float64Array {
    const k = this.labels.length;
    return this.acc.map((a) => weightOf(a, k));
  }

  protected params(): Record<string, unknown> {
    return { accuracySource: this.source, classBalance: Array.from(this.prior), accuracies: Array.from(this.acc) };
  }

  static fromJSON(json: LabelModelJSON): WeightedMajorityVote {
    const w = new WeightedMajorityVote();
    w.restore(json);
    w.prior = readClassBalance(json, 'classBalance', json.labels.length);
    w.acc = readProbabilities(json, 'accuracies', json.lfNames.length);
    w.source = typeof json.accuracySource === 'string' ? json.accuracySource : '';
    w.buildTables();
    return w;
  }
}

function weightOf(acc: number, k: number): number {
  const a = clamp(acc, 0.01, 0.99);
  return Math.max(0, Math.log(((k - 1) * a) / (1 - a)));
}

/** acc_j = (correct_j + s · prior_j) / (votes_j + s), counted on the dev rows (unknown gold, -1, skipped). */
export function devAccuracies(
  devL: LabelMatrix,
  gold: GoldLabels | ArrayLike<number>,
  L: LabelMatrix,
  priorAcc: Float64Array,
  s: number,
): Float64Array {
  if (!(s >= 0)) throw new ConfigError(`devPriorStrength must be ≥ 0, got ${s}`, { option: 'devPriorStrength' });
  const A = alignToModel(devL, 'weighted-majority-vote (dev)', L.lfNames, L.labels);
  const g = goldFor(gold, L.labels, 'dev gold label', A.n).values;
  const { m, votes } = A;
  const correct = new Float64Array(m);
  const total = new Float64Array(m);
  for (let i = 0; i < A.n; i++) {
    if (g[i] < 0) continue;
    for (let j = 0; j < m; j++) {
      const v = votes[i * m + j];
      if (v === ABSTAIN) continue;
      total[j]++;
      if (v === g[i]) correct[j]++;
    }
  }
  return priorAcc.map((p, j) => (total[j] + s > 0 ? (correct[j] + s * p) / (total[j] + s) : p));
}
