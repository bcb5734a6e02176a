import type { LabelMatrix } from '../../matrix/label-matrix.js';
import { ConfigError } from '../../util/errors.js';
import { FactorModel } from '../base.js';
import { withCollapseCheck, withWarnings } from '../collapse.js';
import { DawidSkene } from '../dawid-skene.js';
import { clamp } from '../linalg.js';
import { checkOptions } from '../options.js';
import { accuraciesFromMu } from '../posterior.js';
import { readClassBalance, readProbabilities } from '../saved.js';
import { OverlapStats } from '../stats.js';
import type { FitReport, LabelModelJSON } from '../types.js';
import { isConverged, MC_OPTIONS, resolveOptions, type MatrixCompletionOptions } from './options.js';
import { disagreementShare, PRESET_DISAGREEMENT } from './cross-check.js';
import { dependentPairs, describeDependencies } from './dependencies.js';
import { fitPrecisions, type PrecisionProblem } from './precision-fit.js';
import { breakPermutationSymmetry, fitFullMu, snorkelInitialMu } from './snorkel-fit.js';

/**
 * The matrix-completion label model of Ratner et al. (AAAI 2019), the method behind Snorkel's LabelModel.
 *
 * With the one-hot augmented label matrix (d = m·k columns, abstains dropped) and O = LᵀL / n, a conditionally
 * independent model says O ≈ μ P μᵀ off the per-LF diagonal blocks and diag(O) = μ p, with
 * μ[j·k + l, y] = P(λ_j = l | Y = y) and P = diag(class balance). μ is fitted to those moments plus a pull toward a prior
 * precision; then P(Y | λ) ∝ p_y Π_{j votes} μ[j·k + λ_j, y] (abstains left out, so uncovered rows get p).
 */
export class MatrixCompletionModel extends FactorModel {
  readonly kind = 'mc';
  private preset: 'ballot' | 'snorkel' = 'ballot';
  /** μ, d × k row-major. */
  private mu: Float64Array = new Float64Array(0);

  fit(L: LabelMatrix, options: MatrixCompletionOptions = {}): FitReport {
    checkOptions(this.title, options, MC_OPTIONS);
    const t0 = performance.now();
    const stats = OverlapStats.fromLabelMatrix(L);
    if (options.classBalance !== 'estimate') {
      const report = this.presetCheck(L, stats, this.fitStats(stats, L.labels, L.lfNames, options));
      report.seconds = (performance.now() - t0) / 1000;
      return withCollapseCheck(this, L, report);
    }
    // Second moments cannot tell the class balance apart from the LF parameters (for k = 2, O only pins d_a·√(p(1−p))),
    // so it comes from the maximum-likelihood fit of the Dawid-Skene model, which uses every vote pattern.
    const ds = new DawidSkene();
    ds.fit(L);
    // Floored so that a class EM all but emptied keeps finite parameters.
    const floored = ds.classBalance().map((x) => Math.max(x, 1e-3));
    const total = floored.reduce((x, y) => x + y, 0);
    const p = Array.from(floored, (x) => x / total);
    const report = this.presetCheck(L, stats, this.fitStats(stats, L.labels, L.lfNames, { ...options, classBalance: p }));
    report.notes = [...(report.notes ?? []), `class balance from the Dawid-Skene fit: ${p.map((x) => x.toFixed(3)).join(', ')}`];
    report.seconds = (performance.now() - t0) / 1000;
    return withCollapseCheck(this, L, report);
  }

  /**
   * The snorkel preset beside the ballot preset on the same statistics and class balance (see cross-check.ts): where
   * they disagree on more than 10% of the rows with votes the report warns, since Snorkel's early stop decides there.
   */
  private presetCheck(L: LabelMatrix, stats: OverlapStats, report: FitReport): FitReport {
    if (this.preset !== 'snorkel' || report.m < 3) return report;
    const ref = new MatrixCompletionModel();
    ref.fitStats(stats, L.labels, L.lfNames, { classBalance: Array.from(this.prior) });
    const share = disagreementShare(L, this, ref);
    if (share <= PRESET_DISAGREEMENT) return report;
    return withWarnings(report, [
      `the snorkel preset disagrees with the converged ballot preset (same statistics and class balance) on ${(100 * share).toFixed(1)}% of the rows with votes: its ${report.iterations} epochs stopped far from an optimum there; compare it with majority vote on gold labels`,
    ]);
  }

  /** Fits from overlap statistics alone (built per chunk and merged); no rows needed. */
  fitStats(stats: OverlapStats, labels: readonly string[], lfNames: readonly string[], options: MatrixCompletionOptions = {}): FitReport {
    checkOptions(this.title, options, MC_OPTIONS);
    const t0 = performance.now();
    const { m, k, d, n } = stats;
    if (labels.length !== k || lfNames.length !== m)
      throw new ConfigError(`matrix completion: ${labels.length} labels / ${lfNames.length} LF names for statistics with k = ${k}, m = ${m}`);
    const opts = resolveOptions(options, m, k, n);
    const O = stats.overlap();
    const p = opts.classBalance;
    let lossHistory: number[];
    let mu: Float64Array;
    let converged: boolean;
    let problem: PrecisionProblem | undefined;
    if (opts.preset === 'snorkel') {
      const muInit = snorkelInitialMu(O, d, k, p, opts.precInit);
      mu = muInit.map((x) => x * opts.initScale);
      lossHistory = fitFullMu(O, d, k, p, mu, muInit, opts);
      converged = isConverged(lossHistory);
    } else {
      ({ mu, lossHistory, converged, problem } = fitPrecisions(O, n, d, k, p, opts));
    }
    // Dependent LF pairs, judged on the first fit; with dependencies 'exclude', one refit without their moments.
    const dependent = opts.preset === 'snorkel' ? [] : dependentPairs(O, n, d, k, p, mu);
    const refit = options.dependencies === 'exclude' && dependent.length > 0;
    if (refit) ({ mu, lossHistory, converged } = fitPrecisions(O, n, d, k, p, opts, 'auto', dependent, problem));
    const last = lossHistory.length ? lossHistory[lossHistory.length - 1] : 0;
    if (!Number.isFinite(last)) throw new ConfigError(`matrix completion diverged (loss ${last}); lower the learning rate`, { option: 'lr' });
    for (let i = 0; i < mu.length; i++) mu[i] = clamp(mu[i], opts.muEps, 1 - opts.muEps);
    // The free k × k blocks can be relabelled at no cost; the ballot fit is pinned by its better-than-random bound.
    if (opts.preset === 'snorkel') breakPermutationSymmetry(mu, d, k, p);
    const notes: string[] = [];
    if (!converged) notes.push('loss still falling at the last epoch; more epochs may change the result');
    if (n === 0) notes.push('no rows: μ is the prior-precision initialization');
    if (m < 3) notes.push(`only ${m} LF${m === 1 ? '' : 's'}: accuracies are not identifiable from agreements, so they stay at the prior precision`);
    if (dependent.length)
      notes.push(
        `LFs that co-vote beyond what the class explains (dependent LFs: a same-class pair overstates both accuracies; ${refit ? `refitted without those ${dependent.length} co-vote moments` : "merge or drop one, or fit with dependencies: 'exclude'"}): ${describeDependencies(dependent, k, lfNames, labels).join('; ')}`,
      );

    this.fittedOn({ labels, lfNames });
    this.preset = opts.preset;
    this.mu = mu;
    this.prior = Float64Array.from(p);
    this.buildTables();
    return {
      model: this.kind,
      n,
      m,
      k,
      uncoveredRows: stats.uncovered,
      iterations: lossHistory.length,
      converged,
      lossHistory,
      seconds: (performance.now() - t0) / 1000,
      notes,
    };
  }

  private buildTables(): void {
    // logTable[(j·k + l)·k + y] = log μ[j·k + l, y]: the same layout as μ.
    this.logTable = this.mu.map(Math.log);
  }

  /** P(correct | LF votes) = Σ_y p_y μ[j·k + y, y] / Σ_y p_y Σ_l μ[j·k + l, y]. */
  accuracies(): Float64Array {
    return accuraciesFromMu(this.mu, this.prior, this.lfNames.length, this.labels.length);
  }

  /** μ as an m·k × k table: entry [(j·k + l)·k + y] = P(λ_j = l | Y = y); abstaining is the remaining mass. */
  conditionalProbs(): Float64Array {
    return Float64Array.from(this.mu);
  }

  protected params(): Record<string, unknown> {
    return { preset: this.preset, classBalance: Array.from(this.prior), mu: Array.from(this.mu) };
  }

  static fromJSON(json: LabelModelJSON): MatrixCompletionModel {
    const mc = new MatrixCompletionModel();
    mc.restore(json);
    const k = json.labels.length;
    const m = json.lfNames.length;
    mc.preset = json.preset === 'snorkel' ? 'snorkel' : 'ballot';
    mc.prior = readClassBalance(json, 'classBalance', k);
    mc.mu = readProbabilities(json, 'mu', m * k * k);
    mc.buildTables();
    return mc;
  }
}
