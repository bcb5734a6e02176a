import type { LabelMatrix } from '../matrix/label-matrix.js';
import { ConfigError } from '../util/errors.js';
import { createRng } from '../util/rng.js';
import { alignToModel, checkClassBalance, checkModelJSON, posteriorFromLogTable, readNumbers } from './common.js';
import { DawidSkene } from './dawid-skene.js';
import { clamp } from './linalg.js';
import { minCostAssignment } from './munkres.js';
import { probsToPreds } from './predict.js';
import { OverlapStats } from './stats.js';
import type { FitReport, LabelModel, LabelModelJSON, TiePolicy } from './types.js';

export interface MatrixCompletionOptions {
  /**
   * 'ballot' (default): one precision per (LF, voted class), moments weighted by their sampling variance, a prior pull
   * measured in votes, Adam. 'snorkel': Snorkel's LabelModel exactly (free k × k block per LF, raw squared error, SGD
   * with momentum 0.9, lr 0.01 × 100 epochs, μ_init scaled by one random number). See the README section on label models for why.
   */
  preset?: 'ballot' | 'snorkel';
  /**
   * Class balance: fixed probabilities, 'uniform' (default, as Snorkel without Y_dev), or 'estimate': the class
   * balance of a Dawid-Skene fit on the same matrix (needs rows, so `fit` only).
   */
  classBalance?: 'uniform' | 'estimate' | readonly number[];
  /** Prior precision P(Y = l | λ_j = l) per LF (or one for all); default 0.7 as in Snorkel. */
  precInit?: number | readonly number[];
  /** μ is clamped to [muEps, 1 − muEps] after training; default min(0.01, 10^-ceil(log10 n)) as in Snorkel. */
  muEps?: number;
  /** Full-batch optimizer steps (snorkel 100, ballot 300). */
  epochs?: number;
  /** Learning rate (0.01 for both presets). */
  lr?: number;
  /** snorkel preset: 'sgd' (default) or 'adam'. The ballot preset always uses Adam. */
  optimizer?: 'sgd' | 'adam';
  /**
   * snorkel preset: Snorkel's `l2` (default 0). As in Snorkel it acts twice: the loss gains ‖l2 · (μ − μ_init)‖²
   * (so the pull toward μ_init grows with l2²) and the optimizer applies weight decay l2 (gradient + l2 · μ).
   */
  l2?: number;
  /** snorkel preset, SGD only: momentum (default 0.9, Snorkel's `sgd_config`); 0 gives plain gradient descent. */
  momentum?: number;
  /** snorkel preset: seed of the random initial scale of μ. */
  seed?: number;
  /** snorkel preset: scale of μ's starting point relative to μ_init; default one uniform draw in [0, 1) from `seed`. */
  initScale?: number;
  /** ballot preset: weight of the prior precision, in votes (default 100). */
  priorStrength?: number;
  /** ballot preset: stop early once the loss changed by less than this fraction over 10 epochs (default 1e-9). */
  tolerance?: number;
}

interface ResolvedOptions {
  preset: 'ballot' | 'snorkel';
  epochs: number;
  lr: number;
  optimizer: 'sgd' | 'adam';
  l2: number;
  momentum: number;
  precInit: Float64Array;
  classBalance: Float64Array;
  muEps: number;
  seed: number;
  initScale: number;
  priorStrength: number;
  tolerance: number;
}

const DEFAULTS = {
  snorkel: { epochs: 100, lr: 0.01, optimizer: 'sgd' },
  ballot: { epochs: 300, lr: 0.01, optimizer: 'adam' },
} as const;

/**
 * The matrix-completion label model of Ratner et al. (AAAI 2019), the method behind Snorkel's LabelModel.
 *
 * With the one-hot augmented label matrix (d = m·k columns, abstains dropped) and O = LᵀL / n, a conditionally
 * independent model says O ≈ μ P μᵀ off the per-LF diagonal blocks and diag(O) = μ p, with
 * μ[j·k + l, y] = P(λ_j = l | Y = y) and P = diag(class balance). μ is fitted to those moments plus a pull toward a prior
 * precision; then P(Y | λ) ∝ p_y Π_{j votes} μ[j·k + λ_j, y] (abstains left out, so uncovered rows get p).
 */
export class MatrixCompletionModel implements LabelModel {
  readonly kind = 'mc';
  private labels: string[] = [];
  private lfNames: string[] = [];
  private preset: 'ballot' | 'snorkel' = 'ballot';
  /** μ, d × k row-major. */
  private mu: Float64Array = new Float64Array(0);
  private prior: Float64Array = new Float64Array(0);
  private logTable: Float64Array = new Float64Array(0);

  fit(L: LabelMatrix, options: MatrixCompletionOptions = {}): FitReport {
    const t0 = performance.now();
    const stats = OverlapStats.fromLabelMatrix(L);
    if (options.classBalance !== 'estimate') {
      const report = this.fitStats(stats, L.labels, L.lfNames, options);
      report.seconds = (performance.now() - t0) / 1000;
      return report;
    }
    // Second moments cannot tell the class balance apart from the LF parameters (for k = 2, O only pins d_a·√(p(1−p))),
    // so it comes from the maximum-likelihood fit of the Dawid-Skene model, which uses every vote pattern.
    const ds = new DawidSkene();
    ds.fit(L);
    // Floored so that a class EM all but emptied keeps finite parameters.
    const floored = ds.classBalance().map((x) => Math.max(x, 1e-3));
    const total = floored.reduce((x, y) => x + y, 0);
    const p = Array.from(floored, (x) => x / total);
    const report = this.fitStats(stats, L.labels, L.lfNames, { ...options, classBalance: p });
    report.notes = [...(report.notes ?? []), `class balance from the Dawid-Skene fit: ${p.map((x) => x.toFixed(3)).join(', ')}`];
    report.seconds = (performance.now() - t0) / 1000;
    return report;
  }

  /** Fits from overlap statistics alone (built per chunk and merged); no rows needed. */
  fitStats(stats: OverlapStats, labels: readonly string[], lfNames: readonly string[], options: MatrixCompletionOptions = {}): FitReport {
    const t0 = performance.now();
    const { m, k, d, n } = stats;
    if (labels.length !== k || lfNames.length !== m) throw new ConfigError(`matrix completion: ${labels.length} labels / ${lfNames.length} LF names for statistics with k = ${k}, m = ${m}`);
    const opts = resolveOptions(options, m, k, n);
    const O = stats.overlap();
    const p = opts.classBalance;
    const notes: string[] = [];
    let lossHistory: number[];
    let mu: Float64Array;
    if (opts.preset === 'snorkel') {
      const muInit = snorkelInitialMu(O, d, k, p, opts.precInit);
      mu = muInit.map((x) => x * opts.initScale);
      lossHistory = fitFullMu(O, d, k, p, mu, muInit, opts);
    } else {
      const fit = fitPrecisions(O, n, d, k, p, opts);
      mu = fit.mu;
      lossHistory = fit.lossHistory;
    }
    const last = lossHistory.length ? lossHistory[lossHistory.length - 1] : 0;
    if (!Number.isFinite(last)) throw new ConfigError(`matrix completion diverged (loss ${last}); lower the learning rate`);
    for (let i = 0; i < mu.length; i++) mu[i] = clamp(mu[i], opts.muEps, 1 - opts.muEps);
    // The free k × k blocks can be relabelled at no cost; the ballot fit is pinned by its better-than-random bound.
    if (opts.preset === 'snorkel') breakPermutationSymmetry(mu, d, k, p);
    const converged = isConverged(lossHistory);
    if (!converged) notes.push('loss still falling at the last epoch; more epochs may change the result');
    if (n === 0) notes.push('no rows: μ is the prior-precision initialization');
    if (m < 3) notes.push(`only ${m} LF${m === 1 ? '' : 's'}: accuracies are not identifiable from agreements, so they stay at the prior precision`);

    this.labels = [...labels];
    this.lfNames = [...lfNames];
    this.preset = opts.preset;
    this.mu = mu;
    this.prior = Float64Array.from(p);
    this.buildTables();
    return {
      model: this.kind, n, m, k,
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

  predictProba(L: LabelMatrix): Float64Array {
    const A = alignToModel(L, 'matrix-completion', this.lfNames, this.labels);
    return posteriorFromLogTable(A, this.logTable, this.prior);
  }

  predict(L: LabelMatrix, tiePolicy: TiePolicy = 'abstain', seed = 0): Int32Array {
    return probsToPreds(this.predictProba(L), L.k, tiePolicy, seed);
  }

  /** P(correct | LF votes) = Σ_y p_y μ[j·k + y, y] / Σ_y p_y Σ_l μ[j·k + l, y]. */
  accuracies(): Float64Array {
    const k = this.labels.length;
    const m = this.lfNames.length;
    const acc = new Float64Array(m);
    for (let j = 0; j < m; j++) {
      let correct = 0;
      let votes = 0;
      for (let y = 0; y < k; y++) {
        correct += this.prior[y] * this.mu[(j * k + y) * k + y];
        for (let l = 0; l < k; l++) votes += this.prior[y] * this.mu[(j * k + l) * k + y];
      }
      acc[j] = votes > 0 ? correct / votes : 0;
    }
    return acc;
  }

  classBalance(): Float64Array {
    return Float64Array.from(this.prior);
  }

  /** μ as an m·k × k table: entry [(j·k + l)·k + y] = P(λ_j = l | Y = y); abstaining is the remaining mass. */
  conditionalProbs(): Float64Array {
    return Float64Array.from(this.mu);
  }

  toJSON(): LabelModelJSON {
    return { model: this.kind, version: 1, labels: this.labels, lfNames: this.lfNames, preset: this.preset, classBalance: Array.from(this.prior), mu: Array.from(this.mu) };
  }

  static fromJSON(json: LabelModelJSON): MatrixCompletionModel {
    checkModelJSON(json, 'mc');
    const mc = new MatrixCompletionModel();
    const k = json.labels.length;
    const m = json.lfNames.length;
    mc.labels = [...json.labels];
    mc.lfNames = [...json.lfNames];
    mc.preset = json.preset === 'snorkel' ? 'snorkel' : 'ballot';
    mc.prior = readNumbers(json, 'classBalance', k);
    mc.mu = readNumbers(json, 'mu', m * k * k);
    mc.buildTables();
    return mc;
  }
}

function resolveOptions(o: MatrixCompletionOptions, m: number, k: number, n: number): ResolvedOptions {
  const preset = o.preset ?? 'ballot';
  if (preset !== 'ballot' && preset !== 'snorkel') throw new ConfigError(`matrix completion preset must be "ballot" or "snorkel", got "${String(preset)}"`);
  const base = DEFAULTS[preset];
  const epochs = o.epochs ?? base.epochs;
  const lr = o.lr ?? base.lr;
  const l2 = o.l2 ?? 0;
  const momentum = o.momentum ?? 0.9;
  const optimizer = preset === 'ballot' ? 'adam' : (o.optimizer ?? base.optimizer);
  const priorStrength = o.priorStrength ?? 100;
  const tolerance = o.tolerance ?? 1e-9;
  if (!(tolerance >= 0)) throw new ConfigError(`tolerance must be ≥ 0, got ${tolerance}`);
  if (!Number.isInteger(epochs) || epochs < 0) throw new ConfigError(`epochs must be an integer ≥ 0, got ${epochs}`);
  if (!(lr > 0)) throw new ConfigError(`lr must be > 0, got ${lr}`);
  if (!(l2 >= 0)) throw new ConfigError(`l2 must be ≥ 0, got ${l2}`);
  if (!(momentum >= 0 && momentum < 1)) throw new ConfigError(`momentum must be in [0, 1), got ${momentum}`);
  if (!(priorStrength >= 0)) throw new ConfigError(`priorStrength must be ≥ 0, got ${priorStrength}`);
  if (optimizer !== 'sgd' && optimizer !== 'adam') throw new ConfigError(`optimizer must be "sgd" or "adam", got "${String(optimizer)}"`);
  const pi = o.precInit ?? 0.7;
  const precInit = typeof pi === 'number' ? new Float64Array(m).fill(pi) : Float64Array.from(pi);
  if (precInit.length !== m) throw new ConfigError(`precInit has ${precInit.length} entries, expected one per LF (${m})`);
  for (const x of precInit) if (!(x > 0 && x < 1)) throw new ConfigError(`precInit values must be in (0, 1), got ${x}`);
  const cb = o.classBalance ?? 'uniform';
  if (cb === 'estimate') throw new ConfigError('classBalance "estimate" needs the rows: use fit(L), not fitStats');
  const classBalance = cb === 'uniform' ? new Float64Array(k).fill(1 / k) : checkClassBalance(cb, k);
  const muEps = o.muEps ?? Math.min(0.01, 1 / 10 ** Math.ceil(Math.log10(Math.max(n, 1))));
  if (!(muEps >= 0 && muEps < 0.5)) throw new ConfigError(`muEps must be in [0, 0.5), got ${muEps}`);
  const seed = o.seed ?? 0;
  // Snorkel scales the whole initialization by one uniform random number.
  const initScale = o.initScale ?? (preset === 'snorkel' ? createRng(seed).next() : 1);
  if (!(initScale > 0)) throw new ConfigError(`initScale must be > 0, got ${initScale}`);
  return { preset, epochs, lr, optimizer, l2, momentum, precInit, classBalance, muEps, seed, initScale, priorStrength, tolerance };
}

/** Loss flat to 1e-5 (relative) over the last 10 steps, or the run stopped early on its tolerance. */
function isConverged(history: number[]): boolean {
  if (history.length < 11) return history.length > 0 && history[history.length - 1] === 0;
  const a = history[history.length - 11];
  const b = history[history.length - 1];
  return Math.abs(a - b) <= 1e-5 * Math.max(Math.abs(a), 1e-12);
}

// ---------------------------------------------------------------------------------------------------------------
// Snorkel's fit: a free k × k block per LF.

/** μ_init[j·k + y, y] = clamp(P(λ_j = y) · prec_j / p_y, 0, 1), zero elsewhere. */
function snorkelInitialMu(O: Float64Array, d: number, k: number, p: Float64Array, precInit: Float64Array): Float64Array {
  const mu = new Float64Array(d * k);
  for (let a = 0; a < d; a++) {
    const j = (a / k) | 0;
    const y = a % k;
    mu[a * k + y] = clamp((O[a * d + a] * precInit[j]) / p[y], 0, 1);
  }
  return mu;
}

/**
 * Minimises  Σ_{a,b in different LFs} (O_ab − (μPμᵀ)_ab)²  +  Σ_a ((μp)_a − O_aa)²  +  l2² ‖μ − μ_init‖²
 * by full-batch steps of Snorkel's optimizer (torch SGD with momentum, or Adam; weight decay l2 either way),
 * updating μ in place. Returns the loss before each step.
 */
function fitFullMu(O: Float64Array, d: number, k: number, p: Float64Array, mu: Float64Array, muInit: Float64Array, opts: ResolvedOptions): number[] {
  const grad = new Float64Array(d * k);
  const W = new Float64Array(d * k);
  const step = createStepper(opts.optimizer, opts.lr, mu.length, { momentum: opts.momentum, weightDecay: opts.l2 });
  const history: number[] = [];
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    const loss = snorkelLossAndGradient(O, d, k, p, mu, muInit, opts.l2, W, grad);
    history.push(loss);
    if (!Number.isFinite(loss)) break;
    step(mu, grad);
  }
  return history;
}

/**
 * Snorkel's loss and its gradient by hand:  −4 (R μ P) + 2 r pᵀ + 2 l2² (μ − μ_init),  R = mask ∘ (O − μPμᵀ),
 * r = μp − diag(O). The l2 term is Snorkel's ‖D (μ − μ_init)‖² with D = l2 · I. `W` is scratch (μP); `grad`
 * receives the gradient.
 */
export function snorkelLossAndGradient(O: Float64Array, d: number, k: number, p: Float64Array, mu: Float64Array, muInit: Float64Array, l2: number, W: Float64Array, grad: Float64Array): number {
  for (let a = 0; a < d; a++) for (let y = 0; y < k; y++) W[a * k + y] = mu[a * k + y] * p[y];
  grad.fill(0);
  let loss = 0;
  // Off-block second moments; R is symmetric, so visit a < b once and credit both (a,b) and (b,a).
  for (let a = 0; a < d; a++) {
    const bStart = (((a / k) | 0) + 1) * k;
    for (let b = bStart; b < d; b++) {
      let q = 0;
      for (let y = 0; y < k; y++) q += W[a * k + y] * mu[b * k + y];
      const r = O[a * d + b] - q;
      if (r === 0) continue;
      loss += 2 * r * r;
      for (let y = 0; y < k; y++) {
        grad[a * k + y] -= 4 * r * W[b * k + y];
        grad[b * k + y] -= 4 * r * W[a * k + y];
      }
    }
  }
  // First moments: Σ_y μ_ay p_y = O_aa.
  for (let a = 0; a < d; a++) {
    let s = 0;
    for (let y = 0; y < k; y++) s += W[a * k + y];
    const r = s - O[a * d + a];
    loss += r * r;
    for (let y = 0; y < k; y++) grad[a * k + y] += 2 * r * p[y];
  }
  if (l2 > 0) {
    const w = l2 * l2;
    for (let i = 0; i < mu.length; i++) {
      const diff = mu[i] - muInit[i];
      loss += w * diff * diff;
      grad[i] += 2 * w * diff;
    }
  }
  return loss;
}

/**
 * Any permutation of μ's columns within a group of classes with equal prior gives the same loss. Pick the one that
 * makes the LFs most often right: maximise Σ_y Σ_j P(λ_j = y, Y = y) over the group with a Hungarian assignment
 * (groups by p rounded to 3 decimals, as Snorkel does). Updates μ in place.
 */
function breakPermutationSymmetry(mu: Float64Array, d: number, k: number, p: Float64Array): void {
  const m = d / k;
  // agree[l·k + y] = Σ_j μ[j·k + l, y] p_y
  const agree = new Float64Array(k * k);
  for (let j = 0; j < m; j++) for (let l = 0; l < k; l++) for (let y = 0; y < k; y++) agree[l * k + y] += mu[(j * k + l) * k + y] * p[y];
  const groups = new Map<number, number[]>();
  for (let y = 0; y < k; y++) {
    const key = Math.round(p[y] * 1000);
    const g = groups.get(key);
    if (g) g.push(y);
    else groups.set(key, [y]);
  }
  const perm = Int32Array.from({ length: k }, (_, y) => y); // new column y = old column perm[y]
  for (const g of groups.values()) {
    if (g.length < 2) continue;
    const s = g.length;
    const cost = new Float64Array(s * s);
    // cost[r, c]: using old column g[c] as new column g[r] earns agree[g[r], g[c]].
    for (let r = 0; r < s; r++) for (let c = 0; c < s; c++) cost[r * s + c] = -agree[g[r] * k + g[c]];
    const assign = minCostAssignment(cost, s);
    for (let r = 0; r < s; r++) perm[g[r]] = g[assign[r]];
  }
  if (perm.every((v, y) => v === y)) return;
  const row = new Float64Array(k);
  for (let a = 0; a < d; a++) {
    for (let y = 0; y < k; y++) row[y] = mu[a * k + perm[y]];
    for (let y = 0; y < k; y++) mu[a * k + y] = row[y];
  }
}

// ---------------------------------------------------------------------------------------------------------------
// ballot's fit: one precision per (LF, voted class).

/**
 * One parameter per augmented column a = (LF j, class l): its precision π_a = P(Y = l | λ_j = l). Votes for l are
 * assumed equally likely under every other class, so with P(λ_j = l) = O_aa known exactly,
 *   μ[a, l] = π_a O_aa / p_l,   μ[a, y≠l] = (1 − π_a) O_aa / (1 − p_l),
 * which satisfies every first moment by construction. The second moments are matched in the units of their sampling
 * noise (a co-vote count's variance is about its mean, n·O_aa·O_bb when the pair is unrelated), and the prior pulls
 * each π_a toward prec_j with the weight of `priorStrength` votes:
 *   Σ_{a<b, different LFs} n (O_ab − (μPμᵀ)_ab)² / (O_aa O_bb)  +  s Σ_a (π_a − prec_j)² / (prec_j (1 − prec_j)).
 * π_a is kept in [p_l, 1] (better than random: the symmetry breaking) and where μ stays a probability.
 */
function fitPrecisions(O: Float64Array, n: number, d: number, k: number, p: Float64Array, opts: ResolvedOptions): { mu: Float64Array; lossHistory: number[] } {
  const diag = new Float64Array(d);
  for (let a = 0; a < d; a++) diag[a] = O[a * d + a];
  const active: number[] = [];
  for (let a = 0; a < d; a++) if (diag[a] > 0) active.push(a);
  const pi = new Float64Array(d);
  const lo = new Float64Array(d);
  const hi = new Float64Array(d);
  const pi0 = new Float64Array(d);
  for (let a = 0; a < d; a++) {
    const l = a % k;
    pi0[a] = opts.precInit[(a / k) | 0];
    lo[a] = diag[a] > 0 ? Math.max(p[l], 1 - (1 - p[l]) / diag[a]) : p[l];
    hi[a] = diag[a] > 0 ? Math.min(1, p[l] / diag[a]) : 1;
    pi[a] = clamp(pi0[a], lo[a], hi[a]);
  }
  const mu = new Float64Array(d * k);
  const expand = (): void => {
    for (let a = 0; a < d; a++) {
      const l = a % k;
      const on = (pi[a] * diag[a]) / p[l];
      const off = ((1 - pi[a]) * diag[a]) / (1 - p[l]);
      for (let y = 0; y < k; y++) mu[a * k + y] = y === l ? on : off;
    }
  };
  const W = new Float64Array(d * k);
  const gmu = new Float64Array(d * k);
  const grad = new Float64Array(d);
  const step = createStepper('adam', opts.lr, d);
  const s = opts.priorStrength;
  const history: number[] = [];
  for (let epoch = 0; epoch <= opts.epochs; epoch++) {
    expand();
    if (epoch === opts.epochs) break;
    for (let i = 0; i < d * k; i++) W[i] = mu[i] * p[i % k];
    gmu.fill(0);
    let loss = 0;
    for (let ia = 0; ia < active.length; ia++) {
      const a = active[ia];
      const ja = (a / k) | 0;
      for (let ib = ia + 1; ib < active.length; ib++) {
        const b = active[ib];
        if (((b / k) | 0) === ja) continue;
        let q = 0;
        for (let y = 0; y < k; y++) q += W[a * k + y] * mu[b * k + y];
        const r = O[a * d + b] - q;
        const w = n / (diag[a] * diag[b]);
        loss += w * r * r;
        const g = -2 * w * r;
        for (let y = 0; y < k; y++) {
          gmu[a * k + y] += g * W[b * k + y];
          gmu[b * k + y] += g * W[a * k + y];
        }
      }
    }
    for (const a of active) {
      const l = a % k;
      let g = 0;
      for (let y = 0; y < k; y++) g += gmu[a * k + y] * (y === l ? diag[a] / p[l] : -diag[a] / (1 - p[l]));
      const dev = pi[a] - pi0[a];
      const v = pi0[a] * (1 - pi0[a]);
      loss += (s * dev * dev) / v;
      grad[a] = g + (2 * s * dev) / v;
    }
    history.push(loss);
    if (!Number.isFinite(loss)) break;
    const h = history.length;
    if (h > 10 && Math.abs(history[h - 11] - loss) <= opts.tolerance * Math.abs(loss)) {
      expand();
      break;
    }
    step(pi, grad);
    for (const a of active) pi[a] = clamp(pi[a], lo[a], hi[a]);
  }
  return { mu, lossHistory: history };
}

/**
 * A full-batch optimizer step function over a parameter vector of the given length, with torch's semantics (what
 * Snorkel runs): weight decay adds wd · x to the gradient; SGD momentum keeps buf = momentum · buf + g (buf = g on
 * the first step) and steps by lr · buf.
 */
function createStepper(kind: 'sgd' | 'adam', lr: number, size: number, extra: { momentum?: number; weightDecay?: number } = {}): (x: Float64Array, g: Float64Array) => void {
  const momentum = extra.momentum ?? 0;
  const wd = extra.weightDecay ?? 0;
  if (kind === 'sgd') {
    const buf = new Float64Array(size);
    let first = true;
    return (x, g) => {
      for (let i = 0; i < size; i++) {
        const d = g[i] + wd * x[i];
        buf[i] = first ? d : momentum * buf[i] + d;
        x[i] -= lr * buf[i];
      }
      first = false;
    };
  }
  const beta1 = 0.9;
  const beta2 = 0.999;
  const m1 = new Float64Array(size);
  const m2 = new Float64Array(size);
  let t = 0;
  return (x, g) => {
    t++;
    const c1 = 1 - beta1 ** t;
    const c2 = 1 - beta2 ** t;
    for (let i = 0; i < size; i++) {
      const d = g[i] + wd * x[i];
      m1[i] = beta1 * m1[i] + (1 - beta1) * d;
      m2[i] = beta2 * m2[i] + (1 - beta2) * d * d;
      x[i] -= (lr * (m1[i] / c1)) / (Math.sqrt(m2[i] / c2) + 1e-8);
    }
  };
}
