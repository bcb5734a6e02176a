import { clamp } from '../linalg.js';
import { COORDINATE_MAX_SWEEPS, coordinateDescent } from './coordinate-start.js';
import { type ColumnScratch, columnScratch, columnTerms, fillRates } from './precision-column.js';
import type { PrecisionProblem } from './precision-fit.js';

// The ballot preset's fit up to NEWTON_MAX_D augmented columns: exact coordinate descent from the prior precisions
// (coordinate-start.ts), finished where it contracts slowly by projected Newton steps with the exact Hessian. Newton
// alone converged in about six steps where Adam (lr 0.01) needed ~220 epochs, to the same optimum (a lower loss than
// Adam's stop, μ within its tolerance); the sweeps usually reach that optimum alone, and in a fresh process they cost
// a fraction of the six 200 × 200 factorisations (100k rows × 100 LFs: fit 67 → 27 ms, median of 11 runs).

/** Augmented columns up to which the every-pair Hessian (O(d²) to build, O(d³) to factor) is cheap. */
export const NEWTON_MAX_D = 512;
/** Newton steps at most (each one a full line search). */
export const NEWTON_MAX_STEPS = 30;

/**
 * Minimises the precision loss (the every-pair form of `precisionLossAndGradient`, excluded moments left out, plus
 * the prior pull) over π in [lo, hi], in place. First coordinate sweeps from the given π (coordinateDescent; its stop
 * ends the fit when they contract fast enough); then each Newton step solves H Δ = −g on the free coordinates (not held at a bound by their gradient), damped toward a gradient
 * step while H is not positive definite, then halves the step until the loss falls. Stops on the Newton decrement:
 * once an undamped step predicts a drop −½ gᵀΔ ≤ `tolerance` × |loss|, that step is taken (if it lowers the loss) and
 * the fit ends, so the final step needs no derivatives and no factorisation after it. The decrement at a new point is
 * first estimated with the previous step's factor (two triangular solves, O(f²)); when that estimate is already
 * below the tolerance the chord step is the last one and no new factorisation is needed. Also stops when no step
 * lowers the loss. Returns the loss at the given π, after each sweep and after each Newton step, and whether it
 * stopped on a tolerance.
 */
export function newtonFit(
  prob: PrecisionProblem,
  pi: Float64Array,
  tolerance: number,
  maxSteps: number,
  /** Coordinate sweeps at most before Newton takes over (0: Newton from the given π). */
  maxSweeps = COORDINATE_MAX_SWEEPS,
): { losses: number[]; converged: boolean } {
  const { d } = prob;
  let grad = new Float64Array(d);
  let H = new Float64Array(d * d);
  // The full step's gradient and Hessian, computed with its loss: when the line search takes it (nearly always), the
  // next step needs no second pass over the pairs.
  let gradNext = new Float64Array(d);
  let HNext = new Float64Array(d * d);
  const excluded = new Uint8Array(d * d);
  for (let x = 0; x < prob.excludedA.length; x++) excluded[prob.excludedA[x] * d + prob.excludedB[x]] = 1;
  const rates = columnScratch(prob);
  const trial = new Float64Array(d);
  const step = new Float64Array(d);
  const freeAll = new Int32Array(d);
  // The Cholesky factor of the last undamped direction (lower triangle, f × f over `factorFree`), kept for the chord
  // estimate of the next decrement.
  const A = new Float64Array(d * d);
  const b = new Float64Array(d);
  const factorFree = new Int32Array(d);
  let factorSize = -1;
  const cd = coordinateDescent(prob, pi, tolerance, maxSweeps);
  if (cd.converged) return { losses: cd.losses, converged: true };
  let loss = lossGradHessian(prob, pi, excluded, grad, H, rates);
  const losses = cd.sweeps > 0 ? cd.losses : [loss];
  // The final step, known to be within the tolerance of the optimum: kept if it lowers the loss.
  const finish = (free: Int32Array): { losses: number[]; converged: boolean } => {
    trial.set(pi);
    for (const a of free) trial[a] = clamp(pi[a] + step[a], prob.lo[a], prob.hi[a]);
    const next = lossGradHessian(prob, trial, excluded, null, null, rates);
    if (next < loss) {
      pi.set(trial);
      losses.push(next);
    }
    return { losses, converged: true };
  };
  for (let it = 0; it < maxSteps; it++) {
    let f = 0;
    for (const a of prob.active) {
      const atLo = pi[a] <= prob.lo[a] && grad[a] > 0;
      const atHi = pi[a] >= prob.hi[a] && grad[a] < 0;
      if (!atLo && !atHi) freeAll[f++] = a;
    }
    if (f === 0) return { losses, converged: true };
    const free = freeAll.subarray(0, f);
    if (sameColumns(free, factorFree, factorSize) && chordDecrement(A, grad, free, b, step) <= tolerance * Math.abs(loss)) return finish(free);
    const damped = newtonDirection(H, grad, d, free, step, A, b);
    factorSize = damped ? -1 : f;
    if (!damped) factorFree.set(free);
    let decrement = 0;
    for (const a of free) decrement -= grad[a] * step[a];
    if (!damped && decrement / 2 <= tolerance * Math.abs(loss)) return finish(free);
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

/** Whether `free` lists the same columns as the first `size` entries of `factored` (size −1: no factor). */
function sameColumns(free: Int32Array, factored: Int32Array, size: number): boolean {
  if (free.length !== size) return false;
  for (let r = 0; r < size; r++) if (free[r] !== factored[r]) return false;
  return true;
}

/**
 * −gᵀΔ / 2 for the chord direction Δ = −L⁻ᵀL⁻¹ g (L: the kept factor in `A`), written into `out` at the free
 * coordinates; `b` is scratch.
 */
function chordDecrement(A: Float64Array, grad: Float64Array, free: Int32Array, b: Float64Array, out: Float64Array): number {
  const f = free.length;
  for (let r = 0; r < f; r++) b[r] = -grad[free[r]];
  forwardSubstitute(A, b, f);
  backSubstitute(A, b, f);
  let decrement = 0;
  for (let r = 0; r < f; r++) {
    out[free[r]] = b[r];
    decrement += grad[free[r]] * b[r];
  }
  return -decrement / 2;
}

/**
 * H Δ = −g restricted to `free` (Cholesky), with λ·(diag(H) + 1) added (λ growing tenfold from 0) until H is positive
 * definite; writes Δ into `out` at the free coordinates and returns whether it was damped (λ > 0). `A` (d²) ends
 * holding the factor, `b` (d) is scratch.
 */
function newtonDirection(
  H: Float64Array,
  grad: Float64Array,
  d: number,
  free: Int32Array,
  out: Float64Array,
  A: Float64Array,
  b: Float64Array,
): boolean {
  const f = free.length;
  let lambda = 0;
  for (; ; lambda = lambda === 0 ? 1e-6 : lambda * 10) {
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
  return lambda > 0;
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

/**
 * The loss Σ_{a<b, different LFs, not excluded} w_ab (O_ab − q_ab)² + s Σ_a (π_a − π0_a)² / v_a, and (when `grad` and
 * `H` are given) its gradient and Hessian in π. μ's on/off entries are affine in π_a, so q_ab is bilinear in
 * (π_a, π_b): ∂²q/∂π_a² = 0, and the pair adds 2w(∇q ∇qᵀ − r ∂²q/∂π_a∂π_b) to H. Column by column through
 * `columnTerms` (every pair is met from both ends: H is written row by row, the loss halved).
 */
export function lossGradHessian(
  prob: PrecisionProblem,
  pi: Float64Array,
  excluded: Uint8Array,
  grad: Float64Array | null,
  H: Float64Array | null,
  scratch: ColumnScratch = columnScratch(prob),
): number {
  const { d, active } = prob;
  fillRates(prob, pi, scratch);
  if (grad && H) {
    grad.fill(0);
    H.fill(0);
  }
  let loss = 0;
  for (let ia = 0; ia < active.length; ia++) {
    const a = active[ia];
    if (grad && H) {
      loss += columnTerms(prob, scratch, excluded, ia, H, a * d);
      grad[a] = -2 * scratch.sums[0];
      H[a * d + a] = 2 * scratch.sums[1];
    } else loss += columnTerms(prob, scratch, excluded, ia, scratch.row, 0);
  }
  loss /= 2;
  return grad && H ? priorTermsWithDerivatives(prob, pi, grad, H, loss) : priorTerms(prob, pi, loss);
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
