import { clamp } from '../linalg.js';
import type { PrecisionProblem } from './precision-fit.js';

// Exact coordinate descent on the ballot preset's precision loss (the every-pair loss `lossGradHessian` computes,
// excluded moments left out, plus the prior pull). From the prior precisions the first Newton steps are far from the
// optimum (line-search halvings, an indefinite Hessian, six or seven 200 × 200 factorisations at 100 LFs); sweeps of
// exact one-coordinate minimisations get there in O(nnz) each, and in a fresh process their one small loop is
// optimized by V8 within the first sweep, where each Newton pass and factorisation starts in the interpreter.
//
// Why a sweep is O(nnz): with Σ_y p_y μ_ay = O_aa (every π), the model's co-vote rate of columns a and b (class l_b) is
//   q_ab = O_aa off_b + e_b m_a(l_b),   e_b = p_{l_b} (on_b − off_b),   m_a(y) = on_a if y = l_a else off_a,
// so ∂q_ab/∂π_a = c_a(l_b) e_b with c_a(y) = dOn_a/dπ if y = l_a else dOff_a/dπ, and every sum over b that column a's
// update needs splits by b's class into the nonzero moments (Σ W_ab e_b, Σ W_ab off_b over the stored W_ab = u_a u_b
// O_ab) and per-class totals of u_b e_b off_b, u_b e_b², u_b off_b² kept up to date as columns move (minus a's own
// LF and its excluded partners).

/** Sweeps at most before handing over to Newton. */
export const COORDINATE_MAX_SWEEPS = 40;
/** Contraction (this sweep's drop / the last one's) above which Newton takes over after COORDINATE_MIN_SWEEPS. */
export const COORDINATE_MAX_RATE = 0.5;
export const COORDINATE_MIN_SWEEPS = 6;
/**
 * A sweep that contracts at ρ ≤ COORDINATE_MAX_RATE leaves at most about drop·ρ/(1 − ρ) ≤ drop to gain, and about its
 * largest precision step to move. The stop asks for drop ≤ this share of `tolerance` × |loss|, since the rate of the
 * next sweeps is only estimated (it wandered 5-fold between sweeps on duplicated LFs), and for no precision step above
 * this share of `tolerance` (1e-10 by default): Newton's quadratic last step left π within rounding of the optimum,
 * and results are compared to 1e-9 (probabilities must not depend on the LF order, which sets the sweep order).
 */
export const COORDINATE_MARGIN = 0.1;
/** The descent's state: per-column rates and the class totals (see the file comment). */
interface State {
  on: Float64Array;
  off: Float64Array;
  e: Float64Array;
  cOn: Float64Array;
  cOff: Float64Array;
  /** Column b's terms in the totals: u_b e_b off_b, u_b e_b², u_b off_b (0 for a column that never votes). */
  c2: Float64Array;
  c3: Float64Array;
  c4: Float64Array;
  /** Per class: the sums of c2, c3, c4 over the active columns. */
  t2: Float64Array;
  t3: Float64Array;
  t4: Float64Array;
  /** Column a's class sums (scratch): Σ W_ab off_b, Σ W_ab e_b, and the totals without a's LF and excluded partners. */
  s0: Float64Array;
  s1: Float64Array;
  r2: Float64Array;
  r3: Float64Array;
  r4: Float64Array;
  /** Excluded partners by column, both directions (compressed rows). */
  exStart: Int32Array;
  exCol: Int32Array;
  /** The loss decrease of the last `columnStep`. */
  decrease: number;
  /** The largest |Δπ_a| of the last sweep. */
  maxStep: number;
}

/**
 * Coordinate descent from π (in place, within [lo, hi]): sweeps over the active columns, each π_a set to the clamped
 * minimiser of the loss in π_a alone (an exact quadratic: q_ab is bilinear and no pair joins a column with itself), so
 * the loss never rises. Stops as converged when a sweep lowers nothing, or when a sweep contracts at ρ ≤
 * COORDINATE_MAX_RATE (its drop / the previous one), lowers the loss by at most COORDINATE_MARGIN × `tolerance` ×
 * |loss| and moves no precision by more than COORDINATE_MARGIN × `tolerance`; gives up
 * (not converged, for Newton to finish) after COORDINATE_MAX_SWEEPS or when it contracts slower than that. `excludedA`
 * / `excludedB` are the problem's excluded moments. Returns the loss at the given π and after the sweeps (both from
 * the class sums), the loss history (the start, then after each sweep: tracked from the exact per-column decreases,
 * the last one measured), the sweeps run and whether it converged.
 */
export function coordinateDescent(
  prob: PrecisionProblem,
  pi: Float64Array,
  tolerance: number,
  maxSweeps = COORDINATE_MAX_SWEEPS,
): { start: number; loss: number; losses: number[]; sweeps: number; converged: boolean } {
  const st = initialState(prob, pi);
  const start = measure(prob, pi, st);
  const losses = [start];
  let loss = start;
  let lastDrop = Infinity;
  let sweeps = 0;
  let converged = false;
  while (sweeps < maxSweeps) {
    const drop = sweep(prob, pi, st);
    sweeps++;
    loss -= drop;
    losses.push(loss);
    if (!(drop > 0)) {
      converged = true; // a coordinate-wise minimum: stationary (the loss is smooth, the bounds a box)
      break;
    }
    const rate = drop / lastDrop; // 0 after the first sweep: no rate yet
    lastDrop = drop;
    if (
      sweeps > 1 &&
      rate <= COORDINATE_MAX_RATE &&
      drop <= COORDINATE_MARGIN * tolerance * Math.abs(loss) &&
      st.maxStep <= COORDINATE_MARGIN * tolerance
    ) {
      converged = true;
      break;
    }
    if (sweeps >= COORDINATE_MIN_SWEEPS && rate > COORDINATE_MAX_RATE) break;
  }
  loss = measure(prob, pi, st);
  if (sweeps > 0) losses[sweeps] = loss;
  return { start, loss, losses, sweeps, converged };
}

function initialState(prob: PrecisionProblem, pi: Float64Array): State {
  const { d, k, active, excludedA, excludedB } = prob;
  const col = () => new Float64Array(d);
  const cls = () => new Float64Array(k);
  const exCount = new Int32Array(d + 1);
  for (let x = 0; x < excludedA.length; x++) {
    exCount[excludedA[x] + 1]++;
    exCount[excludedB[x] + 1]++;
  }
  for (let a = 0; a < d; a++) exCount[a + 1] += exCount[a];
  const exCol = new Int32Array(2 * excludedA.length);
  const fill = exCount.slice(0, d);
  for (let x = 0; x < excludedA.length; x++) {
    exCol[fill[excludedA[x]]++] = excludedB[x];
    exCol[fill[excludedB[x]]++] = excludedA[x];
  }
  const st: State = {
    on: col(),
    off: col(),
    e: col(),
    cOn: col(),
    cOff: col(),
    c2: col(),
    c3: col(),
    c4: col(),
    t2: cls(),
    t3: cls(),
    t4: cls(),
    s0: cls(),
    s1: cls(),
    r2: cls(),
    r3: cls(),
    r4: cls(),
    exStart: exCount,
    exCol,
    decrease: 0,
    maxStep: 0,
  };
  for (const a of active) {
    setRates(prob, st, a, pi[a]);
    addTotals(prob, st, a, 1);
  }
  return st;
}

function setRates(prob: PrecisionProblem, st: State, a: number, pi: number): void {
  const l = prob.cls[a];
  const pl = prob.p[l];
  const ua = prob.u[a];
  st.cOn[a] = prob.diag[a] / pl;
  st.cOff[a] = prob.diag[a] / (1 - pl);
  st.on[a] = pi * st.cOn[a];
  st.off[a] = (1 - pi) * st.cOff[a];
  st.e[a] = pl * (st.on[a] - st.off[a]);
  st.c2[a] = ua * st.e[a] * st.off[a];
  st.c3[a] = ua * st.e[a] * st.e[a];
  st.c4[a] = ua * st.off[a] * st.off[a];
}

/** Adds (sign 1) or removes (−1) column a's terms in the class totals. */
function addTotals(prob: PrecisionProblem, st: State, a: number, sign: number): void {
  const l = prob.cls[a];
  st.t2[l] += sign * st.c2[a];
  st.t3[l] += sign * st.c3[a];
  st.t4[l] += sign * st.c4[a];
}

/**
 * Column a's partner sums: st.s1 (Σ W_ab e_b by b's class, over its stored moments) and st.r2 / r3 / r4 (the totals
 * without its LF and its excluded partners); with `withOff` also st.s0 (Σ W_ab off_b, which only the loss needs).
 */
function partnerSums(prob: PrecisionProblem, st: State, a: number, withOff: boolean): void {
  const { O, d, k, u, cls } = prob;
  const { s0, s1, r2, r3, r4, c2, c3, c4, off, e } = st;
  s1.fill(0);
  moments(prob, a, e, s1);
  if (withOff) {
    s0.fill(0);
    moments(prob, a, off, s0);
  }
  const base = ((a / k) | 0) * k;
  for (let y = 0; y < k; y++) {
    r2[y] = st.t2[y] - c2[base + y];
    r3[y] = st.t3[y] - c3[base + y];
    r4[y] = st.t4[y] - c4[base + y];
  }
  for (let x = st.exStart[a]; x < st.exStart[a + 1]; x++) {
    const b = st.exCol[x];
    const lb = cls[b];
    const w = u[a] * u[b] * O[a < b ? a * d + b : b * d + a];
    s0[lb] -= w * off[b];
    s1[lb] -= w * e[b];
    r2[lb] -= c2[b];
    r3[lb] -= c3[b];
    r4[lb] -= c4[b];
  }
}

/** Σ W_ab x_b by b's class over column a's stored moments, added into `out`: the sweep's one O(nnz) loop. */
function moments(prob: PrecisionProblem, a: number, x: Float64Array, out: Float64Array): void {
  const { wStart, wCol, wVal, cls } = prob;
  for (let i = wStart[a]; i < wStart[a + 1]; i++) {
    const b = wCol[i];
    out[cls[b]] += wVal[i] * x[b];
  }
}

/**
 * Column a's row loss Σ_b w_ab r_ab² less the constant Σ_b w_ab O_ab², from its partner sums (with s0):
 *   Σ_b w r² − Σ w O² = Σ_y [−2 (O_aa s0_y + m_a(y) s1_y) + u_a (O_aa² r4_y + 2 O_aa m_a(y) r2_y + m_a(y)² r3_y)].
 */
function columnLoss(prob: PrecisionProblem, st: State, a: number): number {
  const { k, u, diag, cls } = prob;
  const { s0, s1, r2, r3, r4 } = st;
  const la = cls[a];
  const ua = u[a];
  const da = diag[a];
  let loss = 0;
  for (let y = 0; y < k; y++) {
    const m = y === la ? st.on[a] : st.off[a];
    loss += -2 * (da * s0[y] + m * s1[y]) + ua * (da * da * r4[y] + 2 * da * m * r2[y] + m * m * r3[y]);
  }
  return loss;
}

/**
 * Column a's exact 1-D step from its partner sums: with g_b = ∂q_ab/∂π_a = c_a(l_b) e_b, the loss in π_a + δ is
 * const − 2 δ num + δ² den (num = Σ_b w r g less the prior's pull, den = Σ_b w g² plus the prior's curvature).
 * Returns the clamped minimiser (π itself if none) and puts the step's loss decrease, 2 δ num − δ² den, in st.decrease.
 */
function columnStep(prob: PrecisionProblem, st: State, a: number, pi: number): number {
  const { k, u, diag, cls, pi0, lo, hi, strength: s } = prob;
  const { s1, r2, r3 } = st;
  const la = cls[a];
  const ua = u[a];
  const uda = ua * diag[a];
  let num = 0;
  let den = 0;
  for (let y = 0; y < k; y++) {
    const m = y === la ? st.on[a] : st.off[a];
    const c = y === la ? st.cOn[a] : -st.cOff[a];
    num += c * (s1[y] - uda * r2[y] - ua * m * r3[y]);
    den += c * c * ua * r3[y];
  }
  const v = pi0[a] * (1 - pi0[a]);
  num -= (s * (pi - pi0[a])) / v;
  den += s / v;
  if (!(den > 0)) return pi;
  const next = clamp(pi + num / den, lo[a], hi[a]);
  const step = next - pi;
  st.decrease = 2 * step * num - step * step * den;
  return next;
}
/** The loss at π (every pair counted from both ends, halved; the constant Σ w O² once) plus the prior pull. */
function measure(prob: PrecisionProblem, pi: Float64Array, st: State): number {
  const { O, d, u, active, pi0, excludedA, excludedB, strength: s } = prob;
  let constant = prob.constant;
  for (let x = 0; x < excludedA.length; x++) {
    const a = excludedA[x];
    const b = excludedB[x];
    const o = O[a * d + b];
    constant -= u[a] * u[b] * o * o;
  }
  let pairs = 0;
  for (const a of active) {
    partnerSums(prob, st, a, true);
    pairs += columnLoss(prob, st, a);
  }
  let loss = constant + pairs / 2;
  for (const a of active) {
    const dev = pi[a] - pi0[a];
    loss += (s * dev * dev) / (pi0[a] * (1 - pi0[a]));
  }
  return loss;
}

/** One sweep; returns the loss decrease, Σ over the columns of their exact 1-D decreases. */
function sweep(prob: PrecisionProblem, pi: Float64Array, st: State): number {
  let total = 0;
  st.maxStep = 0;
  for (const a of prob.active) {
    partnerSums(prob, st, a, false);
    const next = columnStep(prob, st, a, pi[a]);
    if (next === pi[a]) continue;
    total += st.decrease;
    st.maxStep = Math.max(st.maxStep, Math.abs(next - pi[a]));
    addTotals(prob, st, a, -1);
    pi[a] = next;
    setRates(prob, st, a, pi[a]);
    addTotals(prob, st, a, 1);
  }
  return total;
}
