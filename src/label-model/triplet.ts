import type { LabelMatrix } from '../matrix/label-matrix.js';
import { ConfigError } from '../util/errors.js';
import { alignToModel, checkClassBalance, checkModelJSON, posteriorFromLogTable, readNumbers } from './common.js';
import { clamp, median } from './linalg.js';
import { probsToPreds } from './predict.js';
import { OverlapStats } from './stats.js';
import type { FitReport, LabelModel, LabelModelJSON, TiePolicy } from './types.js';

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
export class TripletModel implements LabelModel {
  readonly kind = 'triplet';
  private labels: string[] = [];
  private lfNames: string[] = [];
  /** μ as in the matrix-completion model: mu[(j·2 + l)·2 + y] = P(λ_j = l | Y = y). */
  private mu: Float64Array = new Float64Array(0);
  private prior: Float64Array = new Float64Array(0);
  private logTable: Float64Array = new Float64Array(0);

  fit(L: LabelMatrix, options: TripletOptions = {}): FitReport {
    const t0 = performance.now();
    assertBinary(L.k);
    const report = this.fitStats(OverlapStats.fromLabelMatrix(L), L.labels, L.lfNames, options);
    report.seconds = (performance.now() - t0) / 1000;
    return report;
  }

  /** Fits from overlap statistics alone (built per chunk and merged). */
  fitStats(stats: OverlapStats, labels: readonly string[], lfNames: readonly string[], options: TripletOptions = {}): FitReport {
    const t0 = performance.now();
    const { m, k, n, d } = stats;
    assertBinary(k);
    if (labels.length !== k || lfNames.length !== m) throw new ConfigError(`triplet: ${labels.length} labels / ${lfNames.length} LF names for statistics with k = ${k}, m = ${m}`);
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
    // Covariance of two columns and its z-score (standard error of a co-vote rate ≈ sqrt(P(a)P(b)/n) when unrelated).
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
    const muEps = Math.min(0.01, 1 / 10 ** Math.ceil(Math.log10(Math.max(n, 1))));
    for (let i = 0; i < mu.length; i++) mu[i] = clamp(mu[i], muEps, 1 - muEps);

    this.labels = [...labels];
    this.lfNames = [...lfNames];
    this.mu = mu;
    this.prior = p;
    this.buildTables();
    const notes: string[] = [];
    if (unsolved) notes.push(`${unsolved} (LF, class) columns are in no triplet of significant covariances; they get precision ${fallback}`);
    return { model: this.kind, n, m, k, uncoveredRows: stats.uncovered, iterations: 0, converged: true, seconds: (performance.now() - t0) / 1000, notes };
  }

  private buildTables(): void {
    this.logTable = this.mu.map(Math.log);
  }

  predictProba(L: LabelMatrix): Float64Array {
    const A = alignToModel(L, 'triplet', this.lfNames, this.labels);
    return posteriorFromLogTable(A, this.logTable, this.prior);
  }

  predict(L: LabelMatrix, tiePolicy: TiePolicy = 'abstain', seed = 0): Int32Array {
    return probsToPreds(this.predictProba(L), L.k, tiePolicy, seed);
  }

  /** P(correct | LF votes) = Σ_y p_y μ[j·2 + y, y] / Σ_y p_y Σ_l μ[j·2 + l, y]. */
  accuracies(): Float64Array {
    const m = this.lfNames.length;
    const acc = new Float64Array(m);
    for (let j = 0; j < m; j++) {
      let correct = 0;
      let votes = 0;
      for (let y = 0; y < 2; y++) {
        correct += this.prior[y] * this.mu[(j * 2 + y) * 2 + y];
        for (let l = 0; l < 2; l++) votes += this.prior[y] * this.mu[(j * 2 + l) * 2 + y];
      }
      acc[j] = votes > 0 ? correct / votes : 0;
    }
    return acc;
  }

  classBalance(): Float64Array {
    return Float64Array.from(this.prior);
  }

  toJSON(): LabelModelJSON {
    return { model: this.kind, version: 1, labels: this.labels, lfNames: this.lfNames, classBalance: Array.from(this.prior), mu: Array.from(this.mu) };
  }

  static fromJSON(json: LabelModelJSON): TripletModel {
    checkModelJSON(json, 'triplet');
    if (json.labels.length !== 2) throw new ConfigError(`saved triplet model has ${json.labels.length} classes; the triplet model is binary`);
    const t = new TripletModel();
    t.labels = [...json.labels];
    t.lfNames = [...json.lfNames];
    t.prior = readNumbers(json, 'classBalance', 2);
    t.mu = readNumbers(json, 'mu', json.lfNames.length * 4);
    t.buildTables();
    return t;
  }
}

function assertBinary(k: number): void {
  if (k !== 2) throw new ConfigError(`the triplet model (FlyingSquid) is binary; this label matrix has ${k} classes — use \`model\` mc or ds`, { option: 'model' });
}
