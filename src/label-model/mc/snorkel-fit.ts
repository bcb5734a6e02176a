import { clamp } from '../linalg.js';
import { minCostAssignment } from '../munkres.js';
import { createStepper } from '../optimizers.js';
import { type LowRank, lowRankTimes, offBlockApprox } from './low-rank.js';
import type { ResolvedOptions } from './options.js';
import { LOW_RANK, LOW_RANK_MIN_D } from './precision-fit.js';

// Snorkel's fit: a free k × k block per LF.

/** μ_init[j·k + y, y] = clamp(P(λ_j = y) · prec_j / p_y, 0, 1), zero elsewhere. */
export function snorkelInitialMu(O: Float64Array, d: number, k: number, p: Float64Array, precInit: Float64Array): Float64Array {
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
export function fitFullMu(
  O: Float64Array,
  d: number,
  k: number,
  p: Float64Array,
  mu: Float64Array,
  muInit: Float64Array,
  opts: ResolvedOptions,
  /** 'exact': never the low-rank co-vote term (for comparing with it). */
  mode: 'auto' | 'exact' = 'auto',
): number[] {
  const grad = new Float64Array(d * k);
  const W = new Float64Array(d * k);
  const step = createStepper(opts.optimizer, opts.lr, mu.length, { momentum: opts.momentum, weightDecay: opts.l2 });
  const history: number[] = [];
  const compressed = mode === 'auto' ? offBlockLowRank(O, d, k) : null;
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    const loss = compressed
      ? lowRankSnorkelLoss(O, d, k, p, mu, muInit, opts.l2, compressed, W, grad)
      : snorkelLossAndGradient(O, d, k, p, mu, muInit, opts.l2, W, grad);
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
export function snorkelLossAndGradient(
  O: Float64Array,
  d: number,
  k: number,
  p: Float64Array,
  mu: Float64Array,
  muInit: Float64Array,
  l2: number,
  W: Float64Array,
  grad: Float64Array,
): number {
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
  return firstMomentsAndPrior(loss, O, d, k, p, mu, muInit, l2, W, grad);
}

/**
 * `loss` plus the first moments (Σ_y μ_ay p_y = O_aa; W = μP) and the l2 pull toward μ_init, with their gradients added
 * into `grad`: the terms the every-pair and the low-rank loss share, summed in the same order in both.
 */
function firstMomentsAndPrior(
  loss: number,
  O: Float64Array,
  d: number,
  k: number,
  p: Float64Array,
  mu: Float64Array,
  muInit: Float64Array,
  l2: number,
  W: Float64Array,
  grad: Float64Array,
): number {
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

const ALL_ROWS = (d: number) => Int32Array.from({ length: d }, (_, a) => a);

/** The off-block co-votes compressed once, with the exact constant 2 Σ_{a<b, different LFs} O_ab² beside. */
export interface CompressedMoments {
  lowRank: LowRank;
  constant: number;
}

/**
 * As the ballot preset (precision-fit.ts): from LOW_RANK_MIN_D augmented columns with dense co-votes, O off the per-LF
 * blocks as a rank-LOW_RANK approximation (Ô = Q B Qᵀ), so an epoch costs O(d·r·k) instead of O(d²·k). Null: sparse
 * co-votes or fewer columns, where the every-pair loss stays. `rank` and `always` are for tests (rank d is exact).
 */
export function offBlockLowRank(O: Float64Array, d: number, k: number, rank = LOW_RANK, always = false): CompressedMoments | null {
  if (d < LOW_RANK_MIN_D && !always) return null;
  let nnz = 0;
  let constant = 0;
  for (let a = 0; a < d; a++) {
    for (let b = (((a / k) | 0) + 1) * k; b < d; b++) {
      const o = O[a * d + b];
      if (o === 0) continue;
      nnz++;
      constant += o * o;
    }
  }
  if (nnz <= (LOW_RANK * k * d) / 2 && !always) return null;
  // Snorkel's unweighted co-votes, every row; one power iteration (as measured for this preset).
  const lowRank = offBlockApprox(O, d, k, rank, 1, ALL_ROWS(d));
  return { lowRank, constant: 2 * constant };
}

/**
 * Snorkel's loss and gradient (as `snorkelLossAndGradient`) with the off-block co-votes read through Ô:
 *   2 Σ_{a<b} (O_ab − q_ab)² = 2 Σ O_ab²  −  2 Σ_y p_y μ_yᵀ Ô μ_y  +  Σ_{y,z} p_y p_z (G_yz² − Σ_j (G^j_yz)²),
 * with q_ab = Σ_y p_y μ_ay μ_by, G = μᵀμ and G^j the same over LF j's rows. The first moments and l2 are exact.
 */
export function lowRankSnorkelLoss(
  O: Float64Array,
  d: number,
  k: number,
  p: Float64Array,
  mu: Float64Array,
  muInit: Float64Array,
  l2: number,
  compressed: CompressedMoments,
  W: Float64Array,
  grad: Float64Array,
): number {
  const { lowRank, constant } = compressed;
  grad.fill(0);
  let loss = constant;
  // Cross term: −2 Σ_y p_y μ_yᵀ Ô μ_y, gradient −4 p_y (Ô μ_y)_a.
  const v = new Float64Array(d);
  const Ov = new Float64Array(d);
  const scratch = new Float64Array(2 * lowRank.r);
  for (let y = 0; y < k; y++) {
    for (let a = 0; a < d; a++) v[a] = mu[a * k + y];
    lowRankTimes(lowRank, v, Ov, scratch);
    let quad = 0;
    for (let a = 0; a < d; a++) {
      quad += v[a] * Ov[a];
      grad[a * k + y] -= 4 * p[y] * Ov[a];
    }
    loss -= 2 * p[y] * quad;
  }
  loss += snorkelModelTerm(d, k, p, mu, grad);
  // First moments and l2, as in the every-pair form.
  for (let a = 0; a < d; a++) for (let y = 0; y < k; y++) W[a * k + y] = mu[a * k + y] * p[y];
  return firstMomentsAndPrior(loss, O, d, k, p, mu, muInit, l2, W, grad);
}

/**
 * Σ_{y,z} p_y p_z (G_yz² − Σ_j (G^j_yz)²) (= 2 Σ_{a<b, different LFs} q_ab²); adds its gradient
 * 4 p_y Σ_z p_z (G − G^j)_yz μ_az to `grad` and returns it.
 */
function snorkelModelTerm(d: number, k: number, p: Float64Array, mu: Float64Array, grad: Float64Array): number {
  const m = d / k;
  const kk = k * k;
  const G = new Float64Array(kk);
  const Gj = new Float64Array(m * kk);
  for (let a = 0; a < d; a++) {
    const jBase = ((a / k) | 0) * kk;
    for (let y = 0; y < k; y++)
      for (let z = 0; z < k; z++) {
        const x = mu[a * k + y] * mu[a * k + z];
        G[y * k + z] += x;
        Gj[jBase + y * k + z] += x;
      }
  }
  let total = 0;
  for (let x = 0; x < kk; x++) total += p[(x / k) | 0] * p[x % k] * G[x] * G[x];
  for (let x = 0; x < Gj.length; x++) {
    const yz = x % kk;
    total -= p[(yz / k) | 0] * p[yz % k] * Gj[x] * Gj[x];
  }
  for (let a = 0; a < d; a++) {
    const jBase = ((a / k) | 0) * kk;
    for (let y = 0; y < k; y++) {
      let g = 0;
      for (let z = 0; z < k; z++) g += p[z] * (G[y * k + z] - Gj[jBase + y * k + z]) * mu[a * k + z];
      grad[a * k + y] += 4 * p[y] * g;
    }
  }
  return total;
}

/**
 * Any permutation of μ's columns within a group of classes with equal prior gives the same loss. Pick the one that
 * makes the LFs most often right: maximise Σ_y Σ_j P(λ_j = y, Y = y) over the group with a Hungarian assignment
 * (groups by p rounded to 3 decimals, as Snorkel does). Updates μ in place.
 */
export function breakPermutationSymmetry(mu: Float64Array, d: number, k: number, p: Float64Array): void {
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
