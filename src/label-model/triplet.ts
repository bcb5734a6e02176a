import type { LabelMatrix } from '../matrix/label-matrix.js';
import { ConfigError } from '../util/errors.js';
import { FactorModel } from './base.js';
import { withCollapseCheck } from './collapse.js';
import { clamp, median } from './linalg.js';
import { checkClassBalance, checkOptions, isNumber, numbersOr, type OptionSpec } from './options.js';
import { accuraciesFromMu } from './posterior.js';
import { readClassBalance, readProbabilities } from './saved.js';
import { OverlapStats } from './stats.js';
import type { FitReport, LabelModelJSON } from './types.js';

export interface TripletOptions {
  /** Class balance: fixed [P(class 0), P(class 1)] or 'uniform' (default). */
  classBalance?: 'uniform' | readonly number[];
  /** A covariance takes part in a triplet only when it is this many standard errors from 0 (default 2). */
  minZ?: number;
  /** Each (LF, class) column is solved from triplets with at most this many partners, its strongest (default 50). */
  maxPartners?: number;
  /** Precision P(Y = l | λ_j = l) given to a column that is in no usable triplet (default 0.7, Snorkel's prior). */
  fallbackPrecision?: number;
}

export const TRIPLET_OPTIONS: OptionSpec<TripletOptions> = {
  classBalance: numbersOr('uniform'),
  minZ: isNumber,
  maxPartners: isNumber,
  fallbackPrecision: isNumber,
};

/**
 * The closed-form triplet method of FlyingSquid (Fu et al., ICML 2020) for binary tasks, on the centered vote
 * indicators so that abstains and one-class LFs fit the model. Column a = (LF j, class l) is x_a = 1{λ_j = l}; with
 * z = 1{Y = 1} and conditionally independent LFs, E[x_a | Y] = c_a + d_a z, hence Cov(x_a, x_b) = d_a d_b p(1 − p)
 * for columns of different LFs — a rank-one matrix — and for any triplet of LFs
 *   d_a² p(1 − p) = Cov_ab Cov_ac / Cov_bc.
 * d_a² is the median over the usable triplets; its sign comes from assuming every LF is better than random (a vote
 * for l makes l more likely). With the class balance p (given or uniform) and P(λ_j = l) this gives
 * P(λ_j = l | Y = l) = γ + |d_a| and P(λ_j = l | Y ≠ l) = γ = P(λ_j = l) − p_l |d_a|. No iterations, no seed.
 * P(Y | λ) ∝ p_y Π_{j votes} P(λ_j | y), abstains left out.
 */
export class TripletModel extends FactorModel {
  readonly kind = 'triplet';
  /** μ as in the matrix-completion model: mu[(j·2 + l)·2 + y] = P(λ_j = l | Y = y). */
  private mu: Float64Array = new Float64Array(0);

  fit(L: LabelMatrix, options: TripletOptions = {}): FitReport {
    checkOptions(this.title, options, TRIPLET_OPTIONS);
    const t0 = performance.now();
    assertBinary(L.k);
    const report = this.fitStats(OverlapStats.fromLabelMatrix(L), L.labels, L.lfNames, options);
    report.seconds = (performance.now() - t0) / 1000;
    return withCollapseCheck(this, L, report);
  }

  /** Fits from overlap statistics alone (built per chunk and merged). */
  fitStats(stats: OverlapStats, labels: readonly string[], lfNames: readonly string[], options: TripletOptions = {}): FitReport {
    checkOptions(this.title, options, TRIPLET_OPTIONS);
    const t0 = performance.now();
    const { m, k, n, d } = stats;
    assertBinary(k);
    if (labels.length !== k || lfNames.length !== m)
      throw new ConfigError(`triplet: ${labels.length} labels / ${lfNames.length} LF names for statistics with k = ${k}, m = ${m}`);
    const minZ = options.minZ ?? 2;
    const maxPartners = options.maxPartners ?? 50;
    const fallback = options.fallbackPrecision ?? 0.7;
    if (!(minZ >= 0)) throw new ConfigError(`triplet minZ must be ≥ 0, got ${minZ}`);
    if (!(maxPartners >= 2)) throw new ConfigError(`triplet maxPartners must be ≥ 2, got ${maxPartners}`);
    if (!(fallback > 0 && fallback < 1)) throw new ConfigError(`triplet fallbackPrecision must be in (0, 1), got ${fallback}`);
    const cb = options.classBalance ?? 'uniform';
    const p = cb === 'uniform' ? new Float64Array(2).fill(0.5) : checkClassBalance(cb, 2);

    const O = stats.overlap();
    const marg = new Float64Array(d);
    for (let a = 0; a < d; a++) marg[a] = O[a * d + a];
    const { cov, z } = covariances(O, marg, d, n);
    const { mu, unsolved } = solveColumns({ cov, z, marg, d, p, minZ, maxPartners, fallback });
    const muEps = Math.min(0.01, 1 / 10 ** Math.ceil(Math.log10(Math.max(n, 1))));
    for (let i = 0; i < mu.length; i++) mu[i] = clamp(mu[i], muEps, 1 - muEps);

    this.fittedOn({ labels, lfNames });
    this.mu = mu;
    this.prior = p;
    this.buildTables();
    const notes: string[] = [];
    if (unsolved) notes.push(`${unsolved} (LF, class) columns are in no triplet of significant covariances; they get precision ${fallback}`);
    return {
      model: this.kind,
      n,
      m,
      k,
      uncoveredRows: stats.uncovered,
      iterations: 0,
      converged: true,
      seconds: (performance.now() - t0) / 1000,
      notes,
    };
  }

  private buildTables(): void {
    this.logTable = this.mu.map(Math.log);
  }

  /** P(correct | LF votes) = Σ_y p_y μ[j·2 + y, y] / Σ_y p_y Σ_l μ[j·2 + l, y]. */
  accuracies(): Float64Array {
    return accuraciesFromMu(this.mu, this.prior, this.lfNames.length, 2);
  }

  protected params(): Record<string, unknown> {
    return { classBalance: Array.from(this.prior), mu: Array.from(this.mu) };
  }

  static fromJSON(json: LabelModelJSON): TripletModel {
    const t = new TripletModel();
    t.restore(json);
    if (json.labels.length !== 2) throw new ConfigError(`saved triplet model has ${json.labels.length} classes; the triplet model is binary`);
    t.prior = readClassBalance(json, 'classBalance', 2);
    t.mu = readProbabilities(json, 'mu', json.lfNames.length * 4);
    t.buildTables();
    return t;
  }
}

function assertBinary(k: number): void {
  if (k !== 2)
    throw new ConfigError(`the triplet model (FlyingSquid) is binary; this label matrix has ${k} classes — use the mc or ds model`, {
      option: 'model',
    });
}

/** Covariance of two columns of different LFs and its z-score (standard error of a co-vote rate ≈ sqrt(P(a)P(b)/n) when unrelated). */
function covariances(O: Float64Array, marg: Float64Array, d: number, n: number): { cov: Float64Array; z: Float64Array } {
  const cov = new Float64Array(d * d);
  const z = new Float64Array(d * d);
  for (let a = 0; a < d; a++) {
    for (let b = a + 1; b < d; b++) {
      if (((a / 2) | 0) === ((b / 2) | 0) || marg[a] === 0 || marg[b] === 0) continue;
      const c = O[a * d + b] - marg[a] * marg[b];
      cov[a * d + b] = cov[b * d + a] = c;
      z[a * d + b] = z[b * d + a] = (Math.abs(c) * Math.sqrt(n)) / Math.sqrt(marg[a] * marg[b]);
    }
  }
  return { cov, z };
}

interface TripletProblem {
  cov: Float64Array;
  z: Float64Array;
  marg: Float64Array;
  d: number;
  p: Float64Array;
  minZ: number;
  maxPartners: number;
  fallback: number;
}

/** μ of every (LF, class) column from the median triplet ratio of its strongest partners (see TripletModel). */
function solveColumns({ cov, z, marg, d, p, minZ, maxPartners, fallback }: TripletProblem): { mu: Float64Array; unsolved: number } {
  const spread = p[0] * p[1];
  const mu = new Float64Array(d * 2);
  let unsolved = 0;
  const ratios: number[] = [];
  for (let a = 0; a < d; a++) {
    const l = a % 2;
    if (marg[a] === 0) continue;
    const partners: number[] = [];
    // Only columns of other LFs that vote: a same-LF or never-voting column has no covariance with a (z stays 0,
    // which minZ = 0 would otherwise admit, dividing by a zero covariance below).
    for (let b = 0; b < d; b++) if (((b / 2) | 0) !== ((a / 2) | 0) && marg[b] > 0 && z[a * d + b] >= minZ) partners.push(b);
    partners.sort((x, y) => z[a * d + y] - z[a * d + x] || x - y);
    partners.length = Math.min(partners.length, maxPartners);
    ratios.length = 0;
    for (let s = 0; s < partners.length; s++) {
      const b = partners[s];
      for (let t = s + 1; t < partners.length; t++) {
        const c = partners[t];
        if (((b / 2) | 0) === ((c / 2) | 0) || z[b * d + c] < minZ || cov[b * d + c] === 0) continue;
        ratios.push((cov[a * d + b] * cov[a * d + c]) / cov[b * d + c]);
      }
    }
    // |d_a| = P(λ = l | Y = l) − P(λ = l | Y ≠ l); keep both probabilities in [0, 1].
    let gap: number;
    if (ratios.length === 0) {
      unsolved++;
      gap = (marg[a] * (fallback - p[l])) / (p[l] * (1 - p[l]));
    } else {
      gap = Math.sqrt(Math.max(median(ratios), 0) / spread);
    }
    gap = clamp(gap, 0, Math.min(marg[a] / p[l], (1 - marg[a]) / (1 - p[l])));
    const off = marg[a] - p[l] * gap;
    mu[a * 2 + l] = off + gap;
    mu[a * 2 + (1 - l)] = off;
  }
  return { mu, unsolved };
}
