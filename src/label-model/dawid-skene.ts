import type { LabelMatrix } from '../matrix/label-matrix.js';
import { ConfigError } from '../util/errors.js';
import { FactorModel } from './base.js';
import { type CollapseCheck, collapseCheck, withWarnings } from './collapse.js';
import { DEFAULT_GUARD, majorityVoteShares, runEm, voteClassShares, type EmRun, type EmState, type ResolvedDsOptions } from './dawid-skene-em.js';
import { checkClassBalance, checkOptions, isBoolean, isInteger, isNumber, numbersOr, oneOf, type OptionSpec } from './options.js';
import { accuraciesFromMu } from './posterior.js';
import { readClassBalance, readProbabilities } from './saved.js';
import type { FitReport, LabelModelJSON } from './types.js';

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
  /**
   * Pseudo-votes of a Dirichlet prior on each confusion row that says a vote is evidence for the class it names
   * (`priorAccuracy` on the diagonal, the rest spread evenly); replaces the flat `smoothing` when > 0 (default 0).
   * With abstains modelled, the vote rate per class is shrunk toward the LF's overall rate with `ratePrior` rows (100).
   */
  votePrior?: number;
  ratePrior?: number;
  /** The prior's accuracy on the diagonal (default 0.7). */
  priorAccuracy?: number;
  /**
   * Default true: when the fit looks degenerate (see collapse.ts: a class absorbing everything or vanishing, most LFs
   * below chance, switched classes), refit once with votePrior 10 and keep whichever is less degenerate, saying so.
   */
  collapseGuard?: boolean;
}

export const DS_OPTIONS: OptionSpec<DawidSkeneOptions> = {
  maxIterations: isInteger,
  tolerance: isNumber,
  smoothing: isNumber,
  classBalance: numbersOr('estimate', 'uniform'),
  abstains: oneOf('model', 'ignore'),
  votePrior: isNumber,
  ratePrior: isNumber,
  priorAccuracy: isNumber,
  collapseGuard: isBoolean,
};

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
export class DawidSkene extends FactorModel {
  readonly kind = 'ds';
  private abstains: 'model' | 'ignore' = 'model';
  private theta: Float64Array = new Float64Array(0);
  private thetaAbstain: Float64Array = new Float64Array(0);
  /**
   * P(Y = y | LF j votes) on the training rows, m·k, from the final posteriors (abstains ignored only): that model has
   * no P(vote | Y), so an LF's accuracy needs it. Empty when abstains are modelled or for a model saved without it.
   */
  private voteClassShare: Float64Array = new Float64Array(0);

  fit(L: LabelMatrix, options: DawidSkeneOptions = {}): FitReport {
    checkOptions(this.title, options, DS_OPTIONS);
    const t0 = performance.now();
    const { n, m, k } = L;
    const o = resolveDsOptions(options, m, k);
    const first = runEm(L, o);
    this.adoptRun(L, o, first.state);
    const notes = o.identifiable ? [] : [`only ${m} LF${m === 1 ? '' : 's'}: one M-step from majority-vote labels, no EM`];
    let run = first;
    let check = collapseCheck(this, L);
    let warnings = check.warnings;
    if (warnings.length && o.guard && o.votePrior === 0 && o.identifiable) {
      const guarded = this.guardCollapse(L, o, first, check);
      ({ run, warnings, check } = guarded);
      if (guarded.note) notes.push(guarded.note);
    }
    // The soft sign (a class mix far from MV's) is reported, never refitted for; `check` is the kept fit's.
    if (warnings.length === 0 && check.classMix) warnings = [check.classMix];
    const report: FitReport = {
      model: this.kind,
      n,
      m,
      k,
      uncoveredRows: n - run.state.covered.length,
      iterations: run.iterations,
      converged: o.identifiable ? run.converged : true,
      lossHistory: run.lossHistory,
      notes,
      seconds: (performance.now() - t0) / 1000,
    };
    return withWarnings(report, warnings);
  }

  /**
   * Collapse guard: EM from majority vote drifted to a degenerate fit. Refit with a diagonal prior on the confusion
   * rows (votes are evidence for their class) and a class balance EM does not move (uniform, or majority vote's
   * shares; the caller's when fixed): abstains ignored, then abstains modelled. When most LFs vote one class only,
   * keep the first refit without a sign of collapse; else the refit with the fewest signs and, among those, the
   * highest agreement with majority vote on the rows where it has one winner.
   * Why these: with abstains modelled the latent class can follow who fires rather than the label (on sparse,
   * correlated one-class LFs "no LF fired" and "this LF group co-fires" are the strongest structure in the matrix:
   * WRENCH sms and trec), and an estimated class balance drifts toward the class that takes the ambiguous rows; with
   * abstains ignored a one-class LF informs only through the prior, which suits few votes per LF but not many. A
   * refit that still shows a sign stays a warning; one that shows none is a note.
   */
  private guardCollapse(
    L: LabelMatrix,
    o: ResolvedDsOptions,
    first: EmRun,
    firstCheck: CollapseCheck,
  ): { run: EmRun; warnings: string[]; check: CollapseCheck; note?: string } {
    const { warnings } = firstCheck;
    const diagonal = { ...o, votePrior: DEFAULT_GUARD.votePrior, ratePrior: DEFAULT_GUARD.ratePrior };
    const prior = `a diagonal prior on the confusion rows (votePrior ${diagonal.votePrior})`;
    const balances: { p: Float64Array; how: string }[] = o.fixedPrior
      ? [{ p: o.fixedPrior, how: 'the given class balance' }]
      : [
          { p: new Float64Array(L.k).fill(1 / L.k), how: 'a uniform class balance' },
          { p: majorityVoteShares(L), how: "the class balance fixed at majority vote's shares" },
        ];
    const variants: { o: ResolvedDsOptions; how: string }[] = [];
    for (const modelAbstain of [false, true])
      for (const b of balances)
        variants.push({
          o: { ...diagonal, modelAbstain, fixedPrior: b.p },
          how: `with ${prior}, abstains ${modelAbstain ? `modelled (ratePrior ${diagonal.ratePrior})` : 'ignored'} and ${b.how}`,
        });
    // Mostly one-class LFs: the first refit without a sign is kept (the modelled-abstain refits are the ones that
    // follow who fires); else the one agreeing most with majority vote.
    const firstClean = mostlyOneClass(L);
    let kept = { run: first, o, check: firstCheck, warnings, agreement: -1, how: '' };
    for (const v of variants) {
      const run = runEm(L, v.o);
      this.adoptRun(L, v.o, run.state);
      const c = collapseCheck(this, L);
      const w = c.warnings;
      if (w.length < kept.warnings.length || (w.length === kept.warnings.length && c.agreement > kept.agreement))
        kept = { run, o: v.o, check: c, warnings: w, agreement: c.agreement, how: v.how };
      if (firstClean && kept.warnings.length === 0) break;
    }
    this.adoptRun(L, kept.o, kept.run.state);
    const { check } = kept;
    if (kept.run === first) return { run: first, warnings, check };
    const what = `EM from majority vote collapsed (${warnings.join('; ')}); refitted ${kept.how}`;
    if (kept.warnings.length === 0) return { run: kept.run, warnings: [], check, note: `${what}: the refit shows none of those signs` };
    return { run: kept.run, warnings: [`${what}: compare it with majority vote on gold labels`, ...kept.warnings], check };
  }

  private adoptRun(L: LabelMatrix, o: ResolvedDsOptions, s: EmState): void {
    this.fittedOn(L);
    this.abstains = o.modelAbstain ? 'model' : 'ignore';
    this.voteClassShare = o.modelAbstain ? new Float64Array(0) : voteClassShares(s);
    this.theta = s.theta;
    this.thetaAbstain = s.thetaAbstain;
    this.prior = s.prior;
    this.buildTables();
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
    if (this.abstains === 'model') return accuraciesFromMu(this.theta, this.prior, m, k);
    const acc = new Float64Array(m);
    const share = this.voteClassShare.length === m * k ? this.voteClassShare : null;
    for (let j = 0; j < m; j++) {
      let a = 0;
      for (let y = 0; y < k; y++) a += (share ? share[j * k + y] : this.prior[y]) * this.theta[(j * k + y) * k + y];
      acc[j] = a;
    }
    return acc;
  }

  /** LF j's confusion table, k × k row-major: entry (l, y) = P(λ_j = l | Y = y). */
  confusion(j: number): Float64Array {
    const k = this.labels.length;
    return this.theta.slice(j * k * k, (j + 1) * k * k);
  }

  protected params(): Record<string, unknown> {
    return {
      abstains: this.abstains,
      classBalance: Array.from(this.prior),
      theta: Array.from(this.theta),
      ...(this.abstains === 'model' ? { thetaAbstain: Array.from(this.thetaAbstain) } : { voteClassShare: Array.from(this.voteClassShare) }),
    };
  }

  static fromJSON(json: LabelModelJSON): DawidSkene {
    const ds = new DawidSkene();
    ds.restore(json);
    const k = json.labels.length;
    const m = json.lfNames.length;
    if (json.abstains !== 'model' && json.abstains !== 'ignore') throw new ConfigError('saved ds model: "abstains" must be "model" or "ignore"');
    ds.abstains = json.abstains;
    ds.prior = readClassBalance(json, 'classBalance', k);
    ds.theta = readProbabilities(json, 'theta', m * k * k);
    if (ds.abstains === 'model') ds.thetaAbstain = readProbabilities(json, 'thetaAbstain', m * k);
    else if (json.voteClassShare !== undefined) ds.voteClassShare = readProbabilities(json, 'voteClassShare', m * k);
    ds.buildTables();
    return ds;
  }
}

/** Whether more than half of the LFs that vote at all vote one class only (keyword-style LFs). */
function mostlyOneClass(L: LabelMatrix): boolean {
  const { n, m, k, votes } = L;
  const seen = new Uint8Array(m * k);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++) {
      const v = votes[i * m + j];
      if (v >= 0) seen[j * k + v] = 1;
    }
  let voting = 0;
  let one = 0;
  for (let j = 0; j < m; j++) {
    let c = 0;
    for (let y = 0; y < k; y++) c += seen[j * k + y];
    if (c > 0) voting++;
    if (c === 1) one++;
  }
  return one > voting / 2;
}

/** Defaults and range checks. Under 3 LFs EM cannot tell LF accuracy from class: one M-step from majority vote. */
function resolveDsOptions(options: DawidSkeneOptions, m: number, k: number): ResolvedDsOptions {
  const identifiable = m >= 3;
  const maxIterations = identifiable ? (options.maxIterations ?? 100) : 1;
  const tolerance = options.tolerance ?? 1e-6;
  const alpha = options.smoothing ?? 1;
  const abstains = options.abstains ?? 'model';
  if (!(alpha >= 0)) throw new ConfigError(`Dawid-Skene smoothing must be ≥ 0, got ${alpha}`, { option: 'smoothing' });
  if (!(maxIterations >= 1)) throw new ConfigError(`Dawid-Skene maxIterations must be ≥ 1, got ${maxIterations}`, { option: 'maxIterations' });
  if (abstains !== 'model' && abstains !== 'ignore')
    throw new ConfigError(`Dawid-Skene abstains must be "model" or "ignore", got "${String(abstains)}"`, { option: 'abstains' });
  const cb = options.classBalance ?? 'estimate';
  const fixedPrior = cb === 'estimate' ? null : cb === 'uniform' ? new Float64Array(k).fill(1 / k) : checkClassBalance(cb, k);
  const votePrior = options.votePrior ?? 0;
  const ratePrior = options.ratePrior ?? DEFAULT_GUARD.ratePrior;
  const priorAccuracy = options.priorAccuracy ?? 0.7;
  if (!(votePrior >= 0)) throw new ConfigError(`Dawid-Skene votePrior must be ≥ 0, got ${votePrior}`, { option: 'votePrior' });
  if (!(ratePrior >= 0)) throw new ConfigError(`Dawid-Skene ratePrior must be ≥ 0, got ${ratePrior}`, { option: 'ratePrior' });
  if (!(priorAccuracy > 1 / k && priorAccuracy < 1))
    throw new ConfigError(`Dawid-Skene priorAccuracy must be in (1/k, 1), got ${priorAccuracy}`, { option: 'priorAccuracy' });
  return {
    maxIterations,
    tolerance,
    alpha,
    modelAbstain: abstains === 'model',
    fixedPrior,
    identifiable,
    votePrior,
    ratePrior,
    priorAccuracy,
    guard: options.collapseGuard ?? true,
  };
}
