import { pairMoment } from './pair-moment.js';
import { clamp } from '../linalg.js';
import { createStepper } from '../optimizers.js';
import { type LowRank, lowRankTimes, offBlockApprox } from './low-rank.js';
import { coordinateDescent } from './coordinate-start.js';
import { NEWTON_MAX_D, NEWTON_MAX_STEPS, newtonFit } from './newton.js';
import { isConverged, type ResolvedOptions } from './options.js';

// ballot's fit: one precision per (LF, voted class).

/** The problem in precision form: first moments, the columns that vote, each π's prior and bounds. */
export interface PrecisionProblem {
  O: Float64Array;
  n: number;
  d: number;
  k: number;
  p: Float64Array;
  diag: Float64Array;
  active: number[];
  pi0: Float64Array;
  lo: Float64Array;
  hi: Float64Array;
  strength: number;
  /**
   * The co-vote moments the loss reads, as the weighted matrix W_ab = u_a u_b O_ab over pairs of different LFs, both
   * voting, with O_ab ≠ 0, stored by row in both directions (compressed rows: row a is wCol/wVal[wStart[a] ..
   * wStart[a + 1])). `pairs` counts the moments (a < b).
   */
  wStart: Int32Array;
  wCol: Int32Array;
  wVal: Float64Array;
  pairs: number;
  /** a % k for every column (the class it votes). */
  cls: Int32Array;
  /** √n / O_aa for a voting column, 0 otherwise: the pair weight n / (O_aa O_bb) is u_a u_b. */
  u: Float64Array;
  /** Σ over the pairs above of u_a u_b O_ab² (the loss's constant part). */
  constant: number;
  /**
   * Many LFs with dense co-votes: the weighted moments W_ab = u_a u_b O_ab (different LFs) as a rank-r approximation,
   * read by the cross term instead of the pair list (which is then empty). Null: the exact pair list.
   */
  lowRank: LowRank | null;
  /** Moments left out of the loss (dependent LF pairs): columns a < b, parallel arrays. */
  excludedA: Int32Array;
  excludedB: Int32Array;
}

/** Augmented columns (m·k) from which dense co-votes are compressed to low rank. */
export const LOW_RANK_MIN_D = 1024;
/** Rank of that approximation: the model's part of W has rank k, the rest is sampling noise. */
export const LOW_RANK = 24;
/** Subspace iterations of the range finder. */
const LOW_RANK_POWER = 1;

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
export function fitPrecisions(
  O: Float64Array,
  n: number,
  d: number,
  k: number,
  p: Float64Array,
  opts: ResolvedOptions,
  /** 'exact': never the low-rank cross term (for comparing with it); 'adam': exact, and Adam all the way (no Newton). */
  mode: 'auto' | 'exact' | 'adam' = 'auto',
  /** Co-vote moments (a < b) to leave out of the loss: dependent LF pairs. */
  exclude: readonly { a: number; b: number }[] = [],
  /** The problem a previous fit of the same statistics, options and mode returned (a refit builds nothing again). */
  built?: PrecisionProblem,
): { mu: Float64Array; lossHistory: number[]; lowRank: boolean; converged: boolean; problem: PrecisionProblem } {
  const prob = built ?? precisionProblem(O, n, d, k, p, opts, mode === 'auto' ? 'auto' : 'exact');
  prob.excludedA = Int32Array.from(exclude, (x) => x.a);
  prob.excludedB = Int32Array.from(exclude, (x) => x.b);
  const pi = new Float64Array(d);
  for (let a = 0; a < d; a++) pi[a] = clamp(prob.pi0[a], prob.lo[a], prob.hi[a]);
  const mu = new Float64Array(d * k);
  const on = new Float64Array(d);
  const off = new Float64Array(d);
  const gOn = new Float64Array(d);
  const gOff = new Float64Array(d);
  const grad = new Float64Array(d);
  // Up to NEWTON_MAX_D columns, coordinate sweeps and (where they contract slowly) projected Newton steps with the exact
  // Hessian reach the optimum; above it the sweeps alone, and Adam runs to the tolerance where they contract slowly, on
  // the low-rank cross term or with mode 'adam'.
  if (mode !== 'adam' && prob.lowRank === null && d <= NEWTON_MAX_D) {
    const fit = opts.epochs > 0 ? newtonFit(prob, pi, opts.tolerance, Math.min(opts.epochs, NEWTON_MAX_STEPS)) : { losses: [], converged: false };
    expandPrecisions(prob, pi, mu);
    return { mu, lossHistory: fit.losses, lowRank: false, converged: fit.converged, problem: prob };
  }
  // More columns with the moments stored exactly: the same coordinate sweeps (O(nnz) each, no Hessian), and Adam from
  // where they stopped only if they contracted too slowly.
  if (mode !== 'adam' && prob.lowRank === null && opts.epochs > 0) {
    const cd = coordinateDescent(prob, pi, opts.tolerance);
    if (cd.converged) {
      expandPrecisions(prob, pi, mu);
      return { mu, lossHistory: cd.losses, lowRank: false, converged: true, problem: prob };
    }
  }
  const step = createStepper('adam', opts.lr, d);
  const history: number[] = [];
  for (let epoch = 0; epoch <= opts.epochs; epoch++) {
    expandPrecisions(prob, pi, mu);
    if (epoch === opts.epochs) break;
    const loss = sparseLossAndGradient(prob, pi, on, off, gOn, gOff, grad);
    history.push(loss);
    if (!Number.isFinite(loss)) break;
    const h = history.length;
    if (h > 10 && Math.abs(history[h - 11] - loss) <= opts.tolerance * Math.abs(loss)) break; // mu is π's, expanded above
    step(pi, grad);
    for (const a of prob.active) pi[a] = clamp(pi[a], prob.lo[a], prob.hi[a]);
  }
  return { mu, lossHistory: history, lowRank: prob.lowRank !== null, converged: isConverged(history), problem: prob };
}

export function precisionProblem(
  O: Float64Array,
  n: number,
  d: number,
  k: number,
  p: Float64Array,
  opts: ResolvedOptions,
  mode: 'auto' | 'exact' = 'auto',
): PrecisionProblem {
  const diag = new Float64Array(d);
  for (let a = 0; a < d; a++) diag[a] = O[a * d + a];
  const active: number[] = [];
  for (let a = 0; a < d; a++) if (diag[a] > 0) active.push(a);
  const lo = new Float64Array(d);
  const hi = new Float64Array(d);
  const pi0 = new Float64Array(d);
  for (let a = 0; a < d; a++) {
    const l = a % k;
    pi0[a] = opts.precInit[(a / k) | 0];
    lo[a] = diag[a] > 0 ? Math.max(p[l], 1 - (1 - p[l]) / diag[a]) : p[l];
    hi[a] = diag[a] > 0 ? Math.min(1, p[l] / diag[a]) : 1;
  }
  const u = new Float64Array(d);
  for (const a of active) u[a] = Math.sqrt(n) / diag[a];
  // The nonzero co-vote moments between different LFs: on sparse LF sets most pairs never co-fire. Row by row in
  // small functions, which V8 optimizes within the first rows of a fresh process.
  const rowNnz = new Int32Array(d);
  const constant = new Float64Array(1);
  let nnz = 0;
  for (const a of active) nnz += countRow(O, d, k, diag, u, a, rowNnz, constant);
  // Dense and large: the moment list would cost as much as every pair; compress W once instead (O(d²·r) once, then
  // O(d·r·k) per epoch).
  const lowRank = mode === 'auto' && d >= LOW_RANK_MIN_D && nnz > (LOW_RANK * k * d) / 2 ? weightedLowRank(O, d, k, u, active) : null;
  const wStart = new Int32Array(d + 1);
  if (!lowRank) for (let a = 0; a < d; a++) wStart[a + 1] = wStart[a] + rowNnz[a];
  const wCol = new Int32Array(lowRank ? 0 : 2 * nnz);
  const wVal = new Float64Array(lowRank ? 0 : 2 * nnz);
  if (!lowRank) {
    // Row a holds b < a (filled while visiting those rows) then b > a, so every row lists its columns in order.
    const fill = wStart.slice(0, d);
    for (const a of active) fillRow(O, d, k, diag, u, a, fill, wCol, wVal);
  }
  const cls = Int32Array.from({ length: d }, (_, a) => a % k);
  return {
    O,
    n,
    d,
    k,
    p,
    diag,
    active,
    pi0,
    lo,
    hi,
    strength: opts.priorStrength,
    wStart,
    wCol,
    wVal,
    pairs: lowRank ? 0 : nnz,
    cls,
    u,
    constant: constant[0],
    lowRank,
    excludedA: new Int32Array(0),
    excludedB: new Int32Array(0),
  };
}

/**
 * Row a's moments with later LFs' voting columns (O_ab ≠ 0): counted into rowNnz for a and each b, their
 * u_a u_b O_ab² added to constant[0]; returns how many.
 */
function countRow(
  O: Float64Array,
  d: number,
  k: number,
  diag: Float64Array,
  u: Float64Array,
  a: number,
  rowNnz: Int32Array,
  constant: Float64Array,
): number {
  let count = 0;
  let c = constant[0];
  for (let b = (((a / k) | 0) + 1) * k; b < d; b++) {
    const o = O[a * d + b];
    if (o === 0 || diag[b] === 0) continue;
    count++;
    rowNnz[b]++;
    c += u[a] * u[b] * o * o;
  }
  rowNnz[a] += count;
  constant[0] = c;
  return count;
}

/** Writes row a's moments with later LFs into both rows of the compressed W (fill: each row's next slot). */
function fillRow(
  O: Float64Array,
  d: number,
  k: number,
  diag: Float64Array,
  u: Float64Array,
  a: number,
  fill: Int32Array,
  wCol: Int32Array,
  wVal: Float64Array,
): void {
  for (let b = (((a / k) | 0) + 1) * k; b < d; b++) {
    const o = O[a * d + b];
    if (o === 0 || diag[b] === 0) continue;
    const w = u[a] * u[b] * o;
    wCol[fill[a]] = b;
    wVal[fill[a]++] = w;
    wCol[fill[b]] = a;
    wVal[fill[b]++] = w;
  }
}

/** W_ab = u_a u_b O_ab between different LFs (0 within an LF and on the diagonal), compressed to rank LOW_RANK. */
function weightedLowRank(O: Float64Array, d: number, k: number, u: Float64Array, active: number[]): LowRank {
  return offBlockApprox(O, d, k, LOW_RANK, LOW_RANK_POWER, active, u);
}

/**
 * The same loss and gradient as `precisionLossAndGradient`, without visiting every pair: with w_ab = u_a u_b,
 *   Σ_{a<b} w_ab (O_ab − q_ab)² = Σ w_ab O_ab²  −  2 Σ_{O_ab ≠ 0} w_ab O_ab q_ab  +  Σ_{a<b} w_ab q_ab²,
 * the first a constant, the second a loop over the nonzero moments only, and the third, since
 * q_ab = Σ_y p_y μ_ay μ_by, equal to ½ Σ_{y,y'} p_y p_y' (T_yy'² − Σ_j T^j_yy'²) with T^j_yy' = Σ_{a of LF j} u_a μ_ay μ_ay'
 * and T = Σ_j T^j (pairs within one LF are not moments). Per epoch O(nnz + m·k³) instead of O((m·k)²).
 */
export function sparseLossAndGradient(
  prob: PrecisionProblem,
  pi: Float64Array,
  on: Float64Array,
  off: Float64Array,
  gOn: Float64Array,
  gOff: Float64Array,
  grad: Float64Array,
): number {
  const { d } = prob;
  for (let a = 0; a < d; a++) firingRates(prob, pi, a, on, off, gOn, gOff);
  // Each term in its own function: one big function here was optimized before its later loops had run, and then
  // deoptimized on every call (no type feedback there), which made a k = 6 fit several times slower.
  const cross = prob.lowRank ? lowRankCross(prob, on, off, gOn, gOff) : sparseCross(prob, on, off, gOn, gOff);
  const quad = quadTerm(prob, on, off, gOn, gOff);
  let loss = prob.constant - 2 * cross + quad;
  loss -= excludedTerms(prob, on, off, gOn, gOff);
  return chainAndPrior(prob, pi, gOn, gOff, grad, loss);
}

/**
 * The model's side, Σ_{a<b, different LFs} w_ab q_ab², through the k × k sums T and T^j (see sparseLossAndGradient);
 * adds its gradient to gOn / gOff and returns it. One loop nest per function (see sparseLossAndGradient).
 */
function quadTerm(prob: PrecisionProblem, on: Float64Array, off: Float64Array, gOn: Float64Array, gOff: Float64Array): number {
  const { d, k } = prob;
  const T = new Float64Array(k * k);
  const Tj = new Float64Array((d / k) * k * k);
  quadSums(prob, on, off, T, Tj);
  quadGradient(prob, on, off, T, Tj, gOn, gOff);
  return quadValue(prob, T, Tj);
}

/** T_yz = Σ_a u_a μ_ay μ_az and T^j (the same over LF j's columns). */
function quadSums(prob: PrecisionProblem, on: Float64Array, off: Float64Array, T: Float64Array, Tj: Float64Array): void {
  const { k, active, u, cls } = prob;
  const kk = k * k;
  for (let i = 0; i < active.length; i++) {
    const a = active[i];
    const jBase = ((a / k) | 0) * kk;
    const l = cls[a];
    for (let y = 0; y < k; y++) {
      const my = y === l ? on[a] : off[a];
      for (let z = 0; z < k; z++) {
        const v = u[a] * my * (z === l ? on[a] : off[a]);
        T[y * k + z] += v;
        Tj[jBase + y * k + z] += v;
      }
    }
  }
}

/** ½ (Σ_{y,z} p_y p_z T_yz² − Σ_j Σ_{y,z} p_y p_z (T^j_yz)²). */
function quadValue(prob: PrecisionProblem, T: Float64Array, Tj: Float64Array): number {
  const { k, p } = prob;
  const kk = k * k;
  let weighted = 0;
  for (let y = 0; y < k; y++) for (let z = 0; z < k; z++) weighted += p[y] * p[z] * T[y * k + z] ** 2;
  for (let x = 0; x < Tj.length; x++) {
    const yz = x % kk;
    weighted -= p[(yz / k) | 0] * p[yz % k] * Tj[x] ** 2;
  }
  return weighted / 2;
}

/** d quad / d μ_ay = 2 u_a Σ_z p_y p_z (T_yz − T^j_yz) μ_az; on is μ at the voted class, off every other entry. */
function quadGradient(
  prob: PrecisionProblem,
  on: Float64Array,
  off: Float64Array,
  T: Float64Array,
  Tj: Float64Array,
  gOn: Float64Array,
  gOff: Float64Array,
): void {
  const { k, p, active, u, cls } = prob;
  const kk = k * k;
  for (let i = 0; i < active.length; i++) {
    const a = active[i];
    const jBase = ((a / k) | 0) * kk;
    const l = cls[a];
    for (let y = 0; y < k; y++) {
      let g = 0;
      for (let z = 0; z < k; z++) g += p[z] * (T[y * k + z] - Tj[jBase + y * k + z]) * (z === l ? on[a] : off[a]);
      g *= 2 * u[a] * p[y];
      if (y === l) gOn[a] += g;
      else gOff[a] += g;
    }
  }
}

/**
 * The cross term Σ_{a<b} W_ab q_ab = ½ Σ_y p_y μ_yᵀ W μ_y over the stored moments, adding its gradient (−2 ×, since
 * the loss carries −2 × cross) to gOn / gOff. Each μ row is off_b everywhere but on_b at its class, so
 * (W μ_y)_a = Σ_b W_ab off_b + Σ_{b of class y} W_ab (on_b − off_b): one pass over row a gives every class at once,
 * O(nnz) per epoch whatever k.
 */
function sparseCross(prob: PrecisionProblem, on: Float64Array, off: Float64Array, gOn: Float64Array, gOff: Float64Array): number {
  const { d, k, p, wStart, wCol, wVal, cls } = prob;
  const delta = new Float64Array(d);
  for (let b = 0; b < d; b++) delta[b] = on[b] - off[b];
  const D = new Float64Array(k);
  let cross = 0;
  for (let a = 0; a < d; a++) {
    const from = wStart[a];
    const to = wStart[a + 1];
    if (from === to) continue;
    let S = 0;
    D.fill(0);
    for (let x = from; x < to; x++) {
      const b = wCol[x];
      const w = wVal[x];
      S += w * off[b];
      D[cls[b]] += w * delta[b];
    }
    const l = cls[a];
    let term = 0;
    let gOther = 0;
    for (let y = 0; y < k; y++) {
      const pw = p[y] * (S + D[y]);
      if (y === l) {
        term += on[a] * pw;
        gOn[a] -= 2 * pw;
      } else {
        term += off[a] * pw;
        gOther += pw;
      }
    }
    gOff[a] -= 2 * gOther;
    cross += term / 2;
  }
  return cross;
}

/** μ from the precisions (see fitPrecisions). */
function expandPrecisions({ d, k, p, diag }: PrecisionProblem, pi: Float64Array, mu: Float64Array): void {
  for (let a = 0; a < d; a++) {
    const l = a % k;
    const on = (pi[a] * diag[a]) / p[l];
    const off = ((1 - pi[a]) * diag[a]) / (1 - p[l]);
    for (let y = 0; y < k; y++) mu[a * k + y] = y === l ? on : off;
  }
}

/**
 * The full loss's terms w_ab (O_ab − q_ab)² of the excluded moments, returned so the caller subtracts them; their
 * gradient is subtracted from gOn / gOff here.
 */
function excludedTerms(prob: PrecisionProblem, on: Float64Array, off: Float64Array, gOn: Float64Array, gOff: Float64Array): number {
  const { O, d, k, p, u, excludedA, excludedB } = prob;
  let total = 0;
  const dq = new Float64Array(4); // the pair moment's partial derivatives
  for (let x = 0; x < excludedA.length; x++) {
    const a = excludedA[x];
    const b = excludedB[x];
    const la = a % k;
    const lb = b % k;
    const q = pairMoment(la === lb, p[la], p[lb], on[a], off[a], on[b], off[b], dq);
    const dOnA = dq[0];
    const dOffA = dq[1];
    const dOnB = dq[2];
    const dOffB = dq[3];
    const w = u[a] * u[b];
    const r = O[a * d + b] - q;
    total += w * r * r;
    // d/dq of w r² is −2 w r; subtracting the term adds 2 w r dq.
    const g = 2 * w * r;
    gOn[a] += g * dOnA;
    gOff[a] += g * dOffA;
    gOn[b] += g * dOnB;
    gOff[b] += g * dOffB;
  }
  return total;
}

/**
 * The cross term Σ_{a<b} W_ab q_ab = ½ Σ_y p_y μ_yᵀ W μ_y with W ≈ Q B Qᵀ; adds its gradient (−2 ×, as the pair
 * loop does) to gOn / gOff and returns the term.
 */
function lowRankCross(prob: PrecisionProblem, on: Float64Array, off: Float64Array, gOn: Float64Array, gOff: Float64Array): number {
  const { d, k, p, lowRank } = prob;
  const lr = lowRank!;
  const v = new Float64Array(d);
  const Wv = new Float64Array(d);
  const scratch = new Float64Array(2 * lr.r);
  let cross = 0;
  for (let y = 0; y < k; y++) {
    for (let a = 0; a < d; a++) v[a] = a % k === y ? on[a] : off[a];
    lowRankTimes(lr, v, Wv, scratch);
    let quad = 0;
    for (let a = 0; a < d; a++) quad += v[a] * Wv[a];
    cross += (p[y] * quad) / 2;
    // d cross / d μ_ay = p_y (W μ_y)_a; the loss carries −2 × cross.
    for (let a = 0; a < d; a++) {
      const g = -2 * p[y] * Wv[a];
      if (a % k === y) gOn[a] += g;
      else gOff[a] += g;
    }
  }
  return cross;
}

/**
 * Reference form, every pair visited (O((m·k)²) per epoch; the fit uses `sparseLossAndGradient`, which a test checks
 * against this). The weighted moment loss plus the prior pull; writes d loss / d π into `grad`. Each μ row is two numbers (on its
 * voted class, off elsewhere), so a pair's predicted co-vote rate q = Σ_y p_y μ_ay μ_by and its derivatives have a
 * closed form: O(1) per pair instead of O(k). `on`, `off`, `gOn`, `gOff` are d-sized scratch.
 */
export function precisionLossAndGradient(
  prob: PrecisionProblem,
  pi: Float64Array,
  on: Float64Array,
  off: Float64Array,
  gOn: Float64Array,
  gOff: Float64Array,
  grad: Float64Array,
): number {
  const { O, n, d, k, p, diag, active } = prob;
  for (const a of active) firingRates(prob, pi, a, on, off, gOn, gOff);
  let loss = 0;
  const dq = new Float64Array(4); // the pair moment's partial derivatives
  for (let ia = 0; ia < active.length; ia++) {
    const a = active[ia];
    const ja = (a / k) | 0;
    const la = a % k;
    const pa = p[la];
    const onA = on[a];
    const offA = off[a];
    const wa = n / diag[a];
    let sumOn = 0;
    let sumOff = 0;
    for (let ib = ia + 1; ib < active.length; ib++) {
      const b = active[ib];
      if (((b / k) | 0) === ja) continue;
      const lb = b % k;
      const onB = on[b];
      const offB = off[b];
      const q = pairMoment(la === lb, pa, p[lb], onA, offA, onB, offB, dq);
      const dOnA = dq[0];
      const dOffA = dq[1];
      const dOnB = dq[2];
      const dOffB = dq[3];
      const r = O[a * d + b] - q;
      const w = wa / diag[b];
      loss += w * r * r;
      const g = -2 * w * r;
      sumOn += g * dOnA;
      sumOff += g * dOffA;
      gOn[b] += g * dOnB;
      gOff[b] += g * dOffB;
    }
    gOn[a] += sumOn;
    gOff[a] += sumOff;
  }
  // Chain rule through on(π), off(π), then the prior term.
  return chainAndPrior(prob, pi, gOn, gOff, grad, loss);
}

/** Column a's firing rates on(π) and off(π) (its votes given its class, given another), and zeroed gradients. */
function firingRates(
  prob: PrecisionProblem,
  pi: Float64Array,
  a: number,
  on: Float64Array,
  off: Float64Array,
  gOn: Float64Array,
  gOff: Float64Array,
): void {
  const { k, p, diag } = prob;
  const l = a % k;
  on[a] = (pi[a] * diag[a]) / p[l];
  off[a] = ((1 - pi[a]) * diag[a]) / (1 - p[l]);
  gOn[a] = 0;
  gOff[a] = 0;
}

/**
 * The chain rule from d/d on, d/d off to d/d π, plus the prior pull toward π0: writes `grad`, returns `loss` (the
 * moment loss) with the prior's terms added in column order.
 */
function chainAndPrior(prob: PrecisionProblem, pi: Float64Array, gOn: Float64Array, gOff: Float64Array, grad: Float64Array, loss: number): number {
  const { k, p, diag, active, pi0, strength: s } = prob;
  for (const a of active) {
    const l = a % k;
    const g = gOn[a] * (diag[a] / p[l]) - gOff[a] * (diag[a] / (1 - p[l]));
    const dev = pi[a] - pi0[a];
    const v = pi0[a] * (1 - pi0[a]);
    loss += (s * dev * dev) / v;
    grad[a] = g + (2 * s * dev) / v;
  }
  return loss;
}
