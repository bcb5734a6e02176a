import type { LabelMatrix } from '../matrix/label-matrix.js';
import { ConfigError } from '../util/errors.js';
import { alignToModel, checkClassBalance, checkModelJSON, posteriorFromLogTable, readNumbers } from './common.js';
import { logSumExp, normalizeInPlace } from './linalg.js';
import { probsToPreds } from './predict.js';
import { toSparseVotes } from '../matrix/sparse-votes.js';
import type { FitReport, LabelModel, LabelModelJSON, TiePolicy } from './types.js';

export interface DawidSkeneOptions {
  /** EM iterations at most (default 100). */
  maxIterations?: number;
  /** Stop when the mean log-likelihood per covered row changes by less than this (default 1e-6). */
  tolerance?: number;
  /** Laplace pseudo-count added to every confusion-matrix cell (default 1); 0 gives the plain MLE. */
  smoothing?: number;
  /** 'estimate' (default): learned in the M-step; 'uniform'; or fixed class probabilities. */
  classBalance?: 'estimate' | 'uniform' | readonly number[];
  /**
   * 'model' (default): abstaining is one more outcome of each LF, so θ_j[y, ·] has k + 1 entries and "LF j stayed
   * silent" is evidence too (what WRENCH's Dawid-Skene does); without it an LF that only ever votes one class carries
   * no information. 'ignore': the textbook adaptation, abstaining LFs contribute no factor.
   * Either way a row where every LF abstained gets the class balance.
   */
  abstains?: 'model' | 'ignore';
}

/**
 * Dawid & Skene (1979): EM over one confusion matrix per LF, θ_j[y, l] = P(λ_j = l | Y = y), and the class prior.
 * By default abstaining is one more outcome of each LF (see `abstains`); rows where every LF abstained get the class
 * balance either way. Initialized from majority-vote soft labels; deterministic (no seed).
 *
 * Caveats worth knowing: with abstains ignored, an LF that only ever votes one class ("unipolar", e.g. a keyword that
 * votes SPAM or abstains) has θ_j[y, ·] ≈ one-hot on that class for every y, i.e. it carries no information.
 * Sets built from such LFs (sms, trec) are where matrix completion, which models abstention, does better. With abstains
 * modelled, the latent class can follow who fires rather than the label when LFs depend on each other (on the spam
 * demo it labels most bare-link comments HAM, because they co-occur with the short-comment HAM LF).
 */
export class DawidSkene implements LabelModel {
  readonly kind = 'ds';
  private labels: string[] = [];
  private lfNames: string[] = [];
  private abstains: 'model' | 'ignore' = 'model';
  /** θ as m·k·k: theta[(j·k + l)·k + y] = P(λ_j = l | Y = y) (given a vote when abstains are ignored). */
  private theta: Float64Array = new Float64Array(0);
  /** P(λ_j abstains | Y = y) as m·k (abstains modelled only; empty otherwise). */
  private thetaAbstain: Float64Array = new Float64Array(0);
  private prior: Float64Array = new Float64Array(0);
  /**
   * P(Y = y | LF j votes) on the training rows, m·k, from the final posteriors (abstains ignored only): that model has
   * no P(vote | Y), so an LF's accuracy needs it. Empty when abstains are modelled or for a model saved without it.
   */
  private voteClassShare: Float64Array = new Float64Array(0);
  private logTable: Float64Array = new Float64Array(0);
  private coveredOffset: Float64Array | undefined;

  fit(L: LabelMatrix, options: DawidSkeneOptions = {}): FitReport {
    const t0 = performance.now();
    const { n, m, k } = L;
    // Under 3 LFs, EM cannot tell LF accuracy from class and drifts anywhere: keep the confusion tables counted against
    // the majority-vote labels (one M-step).
    const identifiable = m >= 3;
    const maxIterations = identifiable ? (options.maxIterations ?? 100) : 1;
    const tolerance = options.tolerance ?? 1e-6;
    const alpha = options.smoothing ?? 1;
    const abstains = options.abstains ?? 'model';
    if (!(alpha >= 0)) throw new ConfigError(`Dawid-Skene smoothing must be ≥ 0, got ${alpha}`);
    if (!(maxIterations >= 1)) throw new ConfigError(`Dawid-Skene maxIterations must be ≥ 1, got ${maxIterations}`);
    if (abstains !== 'model' && abstains !== 'ignore') throw new ConfigError(`Dawid-Skene abstains must be "model" or "ignore", got "${String(abstains)}"`);
    const cb = options.classBalance ?? 'estimate';
    const fixedPrior = cb === 'estimate' ? null : cb === 'uniform' ? new Float64Array(k).fill(1 / k) : checkClassBalance(cb, k);
    const modelAbstain = abstains === 'model';

    const { rowStart, code } = toSparseVotes(L);
    const covered: number[] = [];
    for (let i = 0; i < n; i++) if (rowStart[i + 1] > rowStart[i]) covered.push(i);
    const nUncovered = n - covered.length;
    // Uncovered rows all share one posterior; with abstains modelled they are evidence, so they count as one weighted group.
    const uncoveredWeight = modelAbstain ? nUncovered : 0;
    const T = new Float64Array(n * k);
    const Tunc = new Float64Array(k).fill(1 / k);
    // Majority-vote soft labels to start: uniform over the classes with the most votes.
    for (const i of covered) {
      const base = i * k;
      for (let c = rowStart[i]; c < rowStart[i + 1]; c++) T[base + (code[c] % k)]++;
      let max = 0;
      for (let y = 0; y < k; y++) max = Math.max(max, T[base + y]);
      let tied = 0;
      for (let y = 0; y < k; y++) tied += T[base + y] === max ? 1 : 0;
      for (let y = 0; y < k; y++) T[base + y] = T[base + y] === max ? 1 / tied : 0;
    }

    const counts = new Float64Array(m * k * k); // expected votes: counts[(j·k + l)·k + y]
    const voteMass = new Float64Array(m * k); // Σ over rows where LF j votes of T_iy
    const classMass = new Float64Array(k); // Σ over all rows in the fit of T_iy
    const prior = fixedPrior ? Float64Array.from(fixedPrior) : new Float64Array(k);
    const theta = new Float64Array(m * k * k);
    const thetaAbstain = new Float64Array(modelAbstain ? m * k : 0);
    const logTable = new Float64Array(m * k * k);
    const logPrior = new Float64Array(k);
    const offset = new Float64Array(k); // Σ_j log P(abstain_j | y), abstains modelled only
    const scores = new Float64Array(k);
    const lossHistory: number[] = [];
    const outcomes = modelAbstain ? k + 1 : k;
    const fitRows = covered.length + uncoveredWeight;
    let converged = false;
    let iterations = 0;
    let prevLL = -Infinity;
    for (let it = 0; it < maxIterations; it++) {
      iterations = it + 1;
      // M-step: expected confusion counts and class prior from the soft labels.
      counts.fill(0);
      voteMass.fill(0);
      classMass.fill(0);
      for (const i of covered) {
        const base = i * k;
        for (let c = rowStart[i]; c < rowStart[i + 1]; c++) {
          const a = code[c];
          const j = (a / k) | 0;
          for (let y = 0; y < k; y++) {
            counts[a * k + y] += T[base + y];
            voteMass[j * k + y] += T[base + y];
          }
        }
        for (let y = 0; y < k; y++) classMass[y] += T[base + y];
      }
      for (let y = 0; y < k; y++) classMass[y] += uncoveredWeight * Tunc[y];
      if (!fixedPrior) {
        // With abstains ignored, uncovered rows carry no evidence (their posterior is the prior itself): the fixed point is the covered mean.
        if (fitRows === 0) prior.fill(1 / k);
        else {
          for (let y = 0; y < k; y++) prior[y] = Math.max(classMass[y] / fitRows, 1e-12);
          normalizeInPlace(prior);
        }
      }
      offset.fill(0);
      for (let j = 0; j < m; j++) {
        for (let y = 0; y < k; y++) {
          // Denominator: rows of class y where LF j voted (ignore) or all rows of class y (model).
          const tot = modelAbstain ? classMass[y] : voteMass[j * k + y];
          const denom = tot + outcomes * alpha;
          let logAbs = 0;
          if (modelAbstain) {
            const abs = denom > 0 ? (Math.max(classMass[y] - voteMass[j * k + y], 0) + alpha) / denom : 1 / outcomes;
            thetaAbstain[j * k + y] = abs;
            logAbs = Math.log(Math.max(abs, 1e-12));
            offset[y] += logAbs;
          }
          for (let l = 0; l < k; l++) {
            const idx = (j * k + l) * k + y;
            const th = denom > 0 ? (counts[idx] + alpha) / denom : 1 / outcomes;
            theta[idx] = th;
            // A vote replaces LF j's abstain factor, which `offset` already counted for every LF.
            logTable[idx] = Math.log(Math.max(th, 1e-12)) - logAbs;
          }
        }
      }
      for (let y = 0; y < k; y++) logPrior[y] = Math.log(prior[y]);
      // E-step: posteriors and the log-likelihood of the parameters just estimated.
      let ll = 0;
      for (const i of covered) {
        const base = i * k;
        for (let y = 0; y < k; y++) scores[y] = logPrior[y] + offset[y];
        for (let c = rowStart[i]; c < rowStart[i + 1]; c++) {
          const t = code[c] * k;
          for (let y = 0; y < k; y++) scores[y] += logTable[t + y];
        }
        const lse = logSumExp(scores);
        ll += lse;
        for (let y = 0; y < k; y++) T[base + y] = Math.exp(scores[y] - lse);
      }
      if (uncoveredWeight > 0) {
        for (let y = 0; y < k; y++) scores[y] = logPrior[y] + offset[y];
        const lse = logSumExp(scores);
        ll += uncoveredWeight * lse;
        for (let y = 0; y < k; y++) Tunc[y] = Math.exp(scores[y] - lse);
      }
      const meanLL = fitRows ? ll / fitRows : 0;
      lossHistory.push(-meanLL);
      if (Math.abs(meanLL - prevLL) < tolerance) {
        converged = true;
        break;
      }
      prevLL = meanLL;
    }

    // Class mix of each LF's votes under the final posteriors (T is the last E-step's).
    const voteClassShare = new Float64Array(modelAbstain ? 0 : m * k);
    if (!modelAbstain) {
      for (const i of covered) {
        for (let c = rowStart[i]; c < rowStart[i + 1]; c++) {
          const j = (code[c] / k) | 0;
          for (let y = 0; y < k; y++) voteClassShare[j * k + y] += T[i * k + y];
        }
      }
      for (let j = 0; j < m; j++) {
        let s = 0;
        for (let y = 0; y < k; y++) s += voteClassShare[j * k + y];
        for (let y = 0; y < k; y++) voteClassShare[j * k + y] = s > 0 ? voteClassShare[j * k + y] / s : prior[y];
      }
    }

    this.labels = [...L.labels];
    this.lfNames = [...L.lfNames];
    this.abstains = abstains;
    this.voteClassShare = voteClassShare;
    this.theta = theta;
    this.thetaAbstain = thetaAbstain;
    this.prior = prior;
    this.buildTables();
    return {
      model: this.kind, n, m, k,
      uncoveredRows: nUncovered,
      iterations, converged: identifiable ? converged : true, lossHistory,
      notes: identifiable ? [] : [`only ${m} LF${m === 1 ? '' : 's'}: one M-step from majority-vote labels, no EM`],
      seconds: (performance.now() - t0) / 1000,
    };
  }

  /** Log tables for prediction, computed the same way after fit and after fromJSON (so both predict bit-for-bit alike). */
  private buildTables(): void {
    const k = this.labels.length;
    const m = this.lfNames.length;
    this.logTable = new Float64Array(m * k * k);
    const offset = new Float64Array(k);
    for (let j = 0; j < m; j++) {
      for (let y = 0; y < k; y++) {
        const logAbs = this.abstains === 'model' ? Math.log(Math.max(this.thetaAbstain[j * k + y], 1e-12)) : 0;
        offset[y] += logAbs;
        for (let l = 0; l < k; l++) {
          const idx = (j * k + l) * k + y;
          this.logTable[idx] = Math.log(Math.max(this.theta[idx], 1e-12)) - logAbs;
        }
      }
    }
    this.coveredOffset = this.abstains === 'model' ? offset : undefined;
  }

  predictProba(L: LabelMatrix): Float64Array {
    const A = alignToModel(L, 'Dawid-Skene', this.lfNames, this.labels);
    return posteriorFromLogTable(A, this.logTable, this.prior, this.coveredOffset);
  }

  predict(L: LabelMatrix, tiePolicy: TiePolicy = 'abstain', seed = 0): Int32Array {
    return probsToPreds(this.predictProba(L), L.k, tiePolicy, seed);
  }

  /**
   * P(correct | LF votes) under the fitted model. Abstains modelled: Σ_y p_y θ_j[y, y] / Σ_y p_y Σ_l θ_j[y, l].
   * Abstains ignored: θ_j is conditional on a vote and says nothing of which classes LF j votes on, so it is weighted
   * by the class mix of LF j's votes under the final posteriors, Σ_y P(Y = y | j votes) θ_j[y, y]; at convergence
   * either form equals the mean posterior probability that LF j's votes are right, the model's counterpart of an
   * empirical accuracy on gold labels. (An abstains-ignored model saved without that mix falls back to the class
   * balance, which is only right for an LF that votes equally often on every class.)
   */
  accuracies(): Float64Array {
    const k = this.labels.length;
    const m = this.lfNames.length;
    const acc = new Float64Array(m);
    if (this.abstains === 'ignore') {
      const share = this.voteClassShare.length === m * k ? this.voteClassShare : null;
      for (let j = 0; j < m; j++) {
        let a = 0;
        for (let y = 0; y < k; y++) a += (share ? share[j * k + y] : this.prior[y]) * this.theta[(j * k + y) * k + y];
        acc[j] = a;
      }
      return acc;
    }
    for (let j = 0; j < m; j++) {
      let correct = 0;
      let votes = 0;
      for (let y = 0; y < k; y++) {
        correct += this.prior[y] * this.theta[(j * k + y) * k + y];
        for (let l = 0; l < k; l++) votes += this.prior[y] * this.theta[(j * k + l) * k + y];
      }
      acc[j] = votes > 0 ? correct / votes : 0;
    }
    return acc;
  }

  classBalance(): Float64Array {
    return Float64Array.from(this.prior);
  }

  /** LF j's confusion table, k × k row-major: entry (l, y) = P(λ_j = l | Y = y). */
  confusion(j: number): Float64Array {
    const k = this.labels.length;
    return this.theta.slice(j * k * k, (j + 1) * k * k);
  }

  toJSON(): LabelModelJSON {
    return {
      model: this.kind, version: 1, labels: this.labels, lfNames: this.lfNames,
      abstains: this.abstains,
      classBalance: Array.from(this.prior),
      theta: Array.from(this.theta),
      ...(this.abstains === 'model' ? { thetaAbstain: Array.from(this.thetaAbstain) } : { voteClassShare: Array.from(this.voteClassShare) }),
    };
  }

  static fromJSON(json: LabelModelJSON): DawidSkene {
    checkModelJSON(json, 'ds');
    const ds = new DawidSkene();
    const k = json.labels.length;
    const m = json.lfNames.length;
    if (json.abstains !== 'model' && json.abstains !== 'ignore') throw new ConfigError('saved ds model: "abstains" must be "model" or "ignore"');
    ds.labels = [...json.labels];
    ds.lfNames = [...json.lfNames];
    ds.abstains = json.abstains;
    ds.prior = readNumbers(json, 'classBalance', k);
    ds.theta = readNumbers(json, 'theta', m * k * k);
    if (ds.abstains === 'model') ds.thetaAbstain = readNumbers(json, 'thetaAbstain', m * k);
    else if (json.voteClassShare !== undefined) ds.voteClassShare = readNumbers(json, 'voteClassShare', m * k);
    ds.buildTables();
    return ds;
  }
}
