import { ConfigError } from '../../util/errors.js';
import { createRng } from '../../util/rng.js';
import { checkClassBalance, isInteger, isNumber, isNumberOrList, numbersOr, oneOf, type OptionSpec } from '../options.js';

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
  /**
   * Full-batch optimizer steps (snorkel 100, ballot 300). The ballot preset up to 512 augmented columns (m·k) fits by
   * projected Newton steps, at most min(epochs, 30); above that by Adam epochs.
   */
  epochs?: number;
  /** Learning rate (0.01 for both presets); unused by the ballot preset's Newton fit (m·k ≤ 512). */
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
  /**
   * ballot preset: stop early once the loss changed by less than this fraction over 10 Adam epochs; with exact
   * moments (no low-rank term), once a coordinate sweep that contracts fast lowers it by less than a tenth of
   * this fraction and moves no precision by more than a tenth of this value, or (up to 512 columns) a Newton step is
   * predicted to lower it by less than this fraction (default 1e-9).
   */
  tolerance?: number;
  /**
   * ballot preset: LF pairs that co-vote beyond what the class explains are always named in the fit notes; 'exclude'
   * refits once without those co-vote moments, so a pair's excess is not read as agreement (default 'keep').
   */
  dependencies?: 'keep' | 'exclude';
}

export interface ResolvedOptions {
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

/** The run-time shape checks of every matrix-completion option (ranges are checked by resolveOptions). */
export const MC_OPTIONS: OptionSpec<MatrixCompletionOptions> = {
  preset: oneOf('ballot', 'snorkel'),
  classBalance: numbersOr('uniform', 'estimate'),
  precInit: isNumberOrList,
  muEps: isNumber,
  epochs: isInteger,
  lr: isNumber,
  optimizer: oneOf('sgd', 'adam'),
  l2: isNumber,
  momentum: isNumber,
  seed: isInteger,
  initScale: isNumber,
  priorStrength: isNumber,
  tolerance: isNumber,
  dependencies: oneOf('keep', 'exclude'),
};

/** Defaults filled in and every range checked. */
export function resolveOptions(o: MatrixCompletionOptions, m: number, k: number, n: number): ResolvedOptions {
  const preset = o.preset ?? 'ballot';
  if (preset !== 'ballot' && preset !== 'snorkel')
    throw new ConfigError(`matrix completion preset must be "ballot" or "snorkel", got "${String(preset)}"`);
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
export function isConverged(history: number[]): boolean {
  if (history.length < 11) return history.length > 0 && history[history.length - 1] === 0;
  const a = history[history.length - 11];
  const b = history[history.length - 1];
  return Math.abs(a - b) <= 1e-5 * Math.max(Math.abs(a), 1e-12);
}
