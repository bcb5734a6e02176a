import { clamp } from '../linalg.js';
import type { PrecisionProblem } from './precision-fit.js';

// The ballot preset's fit up to NEWTON_MAX_D augmented columns: projected Newton steps with the exact Hessian from the
// prior precisions. 200 parameters converge in about six steps where Adam (lr 0.01) needed ~220 epochs, to the same
// optimum (a lower loss than Adam's stop, μ within its tolerance).

/** Augmented columns up to which the every-pair Hessian (O(d²) to build, O(d³) to factor) is cheap. */
export const NEWTON_MAX_D = 512;
/** Newton steps at most (each one a full line search). */
export const NEWTON_MAX_STEPS = 30;

/**
 * Minimises the precision loss (the every-pair form of `precisionLossAndGradient`, excluded moments left out, plus
 * the prior pull) over π in [lo, hi], in place. Each step solves H Δ = −g on the free coordinates (not held at a bound
 * by their gradient), damped toward a gradient step while H is not positive definite, then halves the step until the
 * loss falls. Stops when a step lowers the loss by at most `tolerance` × |loss| or cannot lower it. Returns the loss
 * after each accepted step (its first entry is the starting loss) and whether it stopped on the tolerance.
 */
export function newtonFit(prob: PrecisionProblem, pi: Float64Array, tolerance: number, maxSteps: number): { losses: number[]; converged: boolean } {
  const { d } = prob;
  let grad = new Float64Array(d);
  let H = new Float64Array(d * d);
  // The full step's gradient and Hessian, computed with its loss: when the line search takes it (nearly always), the
  // next step needs no second pass over the pairs.
  let gradNext = new Float64Array(d);
  let HNext = new Float64Array(d * d);
  const excluded = new Uint8Array(d * d);
  for (let x = 0; x < prob.excludedA.length; x++) excluded[prob.excludedA[x] * d + prob.excludedB[x]] = 1;
  const trial = new Float64Array(d);
  const step = new Float64Array(d);
  const freeAll = new Int32Array(d);
  const A = new Float64Array(d * d);
  const b = new Float64Array(d);
  const rates = rateScratch(prob);
  let loss = lossGradHessian(prob, pi, excluded, grad, H, rates);
  const losses = [loss];
  for (let it = 0; it < maxSteps; it++) {
    let f = 0;
    for (const a of prob.active) {
      const atLo = pi[a] <= prob.lo[a] && grad[a] > 0;
      const atHi = pi[a] >= prob.hi[a] && grad[a] < 0;
      if (!atLo && !atHi) freeAll[f++] = a;
    }
    if (f === 0) return { losses, converged: true };
    const free = freeAll.subarray(0, f);
    newtonDirection(H, grad, d, free, step, A, b);
    let t = 1;
    let next = Infinity;
    let half = 0;
    for (; half < 30; half++, t /= 2) {
      trial.set(pi);
      for (const a of free) trial[a] = clamp(pi[a] + t * step[a], prob.lo[a], prob.hi[a]);
      next = half === 0 ? lossGradHessian(prob, trial, excluded, gradNext, HNext, rates) : lossGradHessian(prob, trial, excluded, null, null, rates);
      if (next < loss) break;
    }
    if (!(next < loss)) return { losses, converged: true }; // no step lowers it: a minimum to rounding
    pi.set(trial);
    const drop = loss - next;
    losses.push(next);
    if (drop <= tolerance * Math.abs(next)) return { losses, converged: true };
    if (half === 0) {
      [grad, gradNext] = [gradNext, grad];
      [H, HNext] = [HNext, H];
      loss = next;
    } else loss = lossGradHessian(prob, pi, excluded, grad, H, rates);
  }
  return { losses, converged: false };
}

/**
 * H Δ = −g restricted to `free` (Cholesky), with λ·(diag(H) + 1) added (λ growing tenfold from 0) until H is positive
 * definite; writes Δ into `out` at the free coordinates. `A` (d²) and `b` (d) are scratch.
 */
function newtonDirection(
  H: Float64Array,
  grad: Float64Array,
  d: number,
  free: Int32Array,
  out: Float64Array,
  A: Float64Array,
  b: Float64Array,
): void {
  const f = free.length;
  for (let lambda = 0; ; lambda = lambda === 0 ? 1e-6 : lambda * 10) {
    // Every column free (the usual case): one native copy instead of an f² loop.
    if (f === d) A.set(H);
    else for (let r = 0; r < f; r++) for (let c = 0; c < f; c++) A[r * f + c] = H[free[r] * d + free[c]];
    for (let r = 0; r < f; r++) {
      A[r * f + r] = A[r * f + r] * (1 + lambda) + lambda; // large λ: a short gradient step
      b[r] = -grad[free[r]];
    }
    if (choleskySolve(A, b, f)) break;
  }
  for (let r = 0; r < f; r++) out[free[r]] = b[r];
}

/**
 * Solves A x = b in place (x into b) for symmetric positive definite A (lower factor into A); false if not PD. The
 * factorisation and the two substitutions are separate functions (see lossGradHessian on deopts).
 */
function choleskySolve(A: Float64Array, b: Float64Array, f: number): boolean {
  if (!choleskyFactor(A, f)) return false;
  forwardSubstitute(A, b, f);
  backSubstitute(A, b, f);
  return true;
}

/** A = L Lᵀ, L into A's lower triangle; false if A is not positive definite. */
function choleskyFactor(A: Float64Array, f: number): boolean {
  for (let j = 0; j < f; j++) {
    let s = A[j * f + j];
    for (let q = 0; q < j; q++) s -= A[j * f + q] * A[j * f + q];
    if (!(s > 0)) return false;
    const ljj = Math.sqrt(s);
    A[j * f + j] = ljj;
    for (let i = j + 1; i < f; i++) {
      let t = A[i * f + j];
      for (let q = 0; q < j; q++) t -= A[i * f + q] * A[j * f + q];
      A[i * f + j] = t / ljj;
    }
  }
  return true;
}

/** b ← L⁻¹ b. */
function forwardSubstitute(L: Float64Array, b: Float64Array, f: number): void {
  for (let i = 0; i < f; i++) {
    let t = b[i];
    for (let q = 0; q < i; q++) t -= L[i * f + q] * b[q];
    b[i] = t / L[i * f + i];
  }
}

/** b ← L⁻ᵀ b. */
function backSubstitute(L: Float64Array, b: Float64Array, f: number): void {
  for (let i = f - 1; i >= 0; i--) {
    let t = b[i];
    for (let q = i + 1; q < f; q++) t -= L[q * f + i] * b[q];
    b[i] = t / L[i * f + i];
  }
}

/** Per-call rates of the active columns (indexed like `prob.active`): μ's on/off entries and their π-slopes. */
export interface RateScratch {
  on: Float64Array;
  off: Float64Array;
  /** d on / d π. */
  cOn: Float64Array;
  /** −d off / d π. */
  cOff: Float64Array;
}

/** Scratch for `lossGradHessian` on this problem (allocate once per fit). */
export function rateScratch(prob: PrecisionProblem): RateScratch {
  const na = prob.active.length;
  return { on: new Float64Array(na), off: new Float64Array(na), cOn: new Float64Array(na), cOff: new Float64Array(na) };
}

/**
 * The loss Σ_{a<b, different LFs, not excluded} w_ab (O_ab − q_ab)² + s Σ_a (π_a − π0_a)² / v_a, and (when `grad` and
 * `H` are given) its gradient and Hessian in π. μ's on/off entries are affine in π_a, so q_ab is bilinear in
 * (π_a, π_b): ∂²q/∂π_a² = 0, and the pair adds 2w(∇q ∇qᵀ − r ∂²q/∂π_a∂π_b) to H.
 */
export function lossGradHessian(
  prob: PrecisionProblem,
  pi: Float64Array,
  excluded: Uint8Array,
  grad: Float64Array | null,
  H: Float64Array | null,
  scratch: RateScratch = rateScratch(prob),
): number {
  fillRates(prob, pi, scratch);
  // One loop nest per function, and the loss-only pass apart from the one with derivatives: an optimized big function
  // whose later loops had not run yet when it was compiled deoptimized at their first use on every call (no type
  // feedback there), so in a fresh process most passes ran in the interpreter.
  if (grad && H) {
    grad.fill(0);
    H.fill(0);
    const loss = pairTermsWithDerivatives(prob, scratch, excluded, grad, H);
    return priorTermsWithDerivatives(prob, pi, grad, H, loss);
  }
  return priorTerms(prob, pi, pairTerms(prob, scratch, excluded));
}

function fillRates(prob: PrecisionProblem, pi: Float64Array, { on, off, cOn, cOff }: RateScratch): void {
  const { k, p, diag, active } = prob;
  for (let i = 0; i < active.length; i++) {
    const a = active[i];
    const l = a % k;
    cOn[i] = diag[a] / p[l];
    cOff[i] = diag[a] / (1 - p[l]);
    on[i] = pi[a] * cOn[i];
    off[i] = (1 - pi[a]) * cOff[i];
  }
}

/** Σ over the pairs of w (O − q)², adding the pairs' gradient and Hessian terms to `grad` and `H`. */
function pairTermsWithDerivatives(
  prob: PrecisionProblem,
  { on, off, cOn, cOff }: RateScratch,
  excluded: Uint8Array,
  grad: Float64Array,
  H: Float64Array,
): number {
  const { O, d, k, p, active, u } = prob;
  const na = active.length;
  let loss = 0;
  for (let ia = 0; ia < na; ia++) {
    const a = active[ia];
    const ja = (a / k) | 0;
    const la = a % k;
    const pa = p[la];
    for (let ib = ia + 1; ib < na; ib++) {
      const b = active[ib];
      if (((b / k) | 0) === ja || excluded[a * d + b] === 1) continue;
      const lb = b % k;
      let q: number;
      let dOnA: number;
      let dOffA: number;
      let dOnB: number;
      let dOffB: number;
      let cross: number; // ∂²q/∂π_a∂π_b
      // q and its partials are pairMoment's (mc/pair-moment.ts), inlined: calling it here was ~7% slower on the
      // 100k-row fit (median of 11 fresh runs each); the Newton test checks this pass against the every-pair loss.
      if (la === lb) {
        q = pa * on[ia] * on[ib] + (1 - pa) * off[ia] * off[ib];
        dOnA = pa * on[ib];
        dOffA = (1 - pa) * off[ib];
        dOnB = pa * on[ia];
        dOffB = (1 - pa) * off[ia];
        cross = pa * cOn[ia] * cOn[ib] + (1 - pa) * cOff[ia] * cOff[ib];
      } else {
        const pb = p[lb];
        const rest = 1 - pa - pb;
        q = pa * on[ia] * off[ib] + pb * off[ia] * on[ib] + rest * off[ia] * off[ib];
        dOnA = pa * off[ib];
        dOffA = pb * on[ib] + rest * off[ib];
        dOnB = pb * off[ia];
        dOffB = pa * on[ia] + rest * off[ia];
        cross = -pa * cOn[ia] * cOff[ib] - pb * cOff[ia] * cOn[ib] + rest * cOff[ia] * cOff[ib];
      }
      const w = u[a] * u[b];
      const r = O[a * d + b] - q;
      loss += w * r * r;
      const ga = dOnA * cOn[ia] - dOffA * cOff[ia];
      const gb = dOnB * cOn[ib] - dOffB * cOff[ib];
      grad[a] -= 2 * w * r * ga;
      grad[b] -= 2 * w * r * gb;
      H[a * d + a] += 2 * w * ga * ga;
      H[b * d + b] += 2 * w * gb * gb;
      const hab = 2 * w * (ga * gb - r * cross);
      H[a * d + b] += hab;
      H[b * d + a] += hab;
    }
  }
  return loss;
}

/** Σ over the pairs of w (O − q)² alone (a line-search trial). */
function pairTerms(prob: PrecisionProblem, { on, off }: RateScratch, excluded: Uint8Array): number {
  const { O, d, k, p, active, u } = prob;
  const na = active.length;
  let loss = 0;
  for (let ia = 0; ia < na; ia++) {
    const a = active[ia];
    const ja = (a / k) | 0;
    const la = a % k;
    const pa = p[la];
    for (let ib = ia + 1; ib < na; ib++) {
      const b = active[ib];
      if (((b / k) | 0) === ja || excluded[a * d + b] === 1) continue;
      const lb = b % k;
      const pb = p[lb];
      const q =
        la === lb
          ? pa * on[ia] * on[ib] + (1 - pa) * off[ia] * off[ib]
          : pa * on[ia] * off[ib] + pb * off[ia] * on[ib] + (1 - pa - pb) * off[ia] * off[ib];
      const r = O[a * d + b] - q;
      loss += u[a] * u[b] * r * r;
    }
  }
  return loss;
}

/** `loss` plus the prior pull s Σ_a (π_a − π0_a)² / v_a, its gradient and Hessian added to `grad` and `H`. */
function priorTermsWithDerivatives(prob: PrecisionProblem, pi: Float64Array, grad: Float64Array, H: Float64Array, loss: number): number {
  const { d, active, pi0, strength: s } = prob;
  for (let i = 0; i < active.length; i++) {
    const a = active[i];
    const v = pi0[a] * (1 - pi0[a]);
    const dev = pi[a] - pi0[a];
    loss += (s * dev * dev) / v;
    grad[a] += (2 * s * dev) / v;
    H[a * d + a] += (2 * s) / v;
  }
  return loss;
}

/** `loss` plus the prior pull alone. */
function priorTerms(prob: PrecisionProblem, pi: Float64Array, loss: number): number {
  const { active, pi0, strength: s } = prob;
  for (let i = 0; i < active.length; i++) {
    const a = active[i];
    const v = pi0[a] * (1 - pi0[a]);
    const dev = pi[a] - pi0[a];
    loss += (s * dev * dev) / v;
  }
  return loss;
}
