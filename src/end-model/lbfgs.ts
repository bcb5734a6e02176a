/**
 * Limited-memory BFGS for smooth convex objectives (full batch, deterministic). Stopping rules follow SciPy's
 * L-BFGS-B as scikit-learn calls it: projected-gradient max-norm ≤ gtol, relative decrease ≤ ftol, or maxIter.
 * Line search: backtracking with quadratic interpolation on the Armijo condition; an update is stored only when the
 * curvature s·y is positive, so the inverse-Hessian estimate stays positive definite.
 */
export interface LbfgsOptions {
  maxIter: number;
  gtol: number;
  /** Relative decrease (f_k − f_k+1) / max(|f_k|, |f_k+1|, 1) at which to stop (SciPy's factr · eps = 2.2e-9). */
  ftol?: number;
  /** History pairs (default 10, as SciPy). */
  memory?: number;
  maxLineSearch?: number;
}

export interface LbfgsResult {
  x: Float64Array;
  f: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  reason: 'gtol' | 'ftol' | 'maxIter' | 'lineSearch';
}

/** Minimises f; `fg(x, g)` returns f(x) and writes the gradient into g. x0 is not modified. */
export function lbfgs(fg: (x: Float64Array, g: Float64Array) => number, x0: Float64Array, o: LbfgsOptions): LbfgsResult {
  const d = x0.length;
  const m = o.memory ?? 10;
  const ftol = o.ftol ?? 2.220446049250313e-9;
  const maxLs = o.maxLineSearch ?? 30;
  let x = Float64Array.from(x0);
  let g = new Float64Array(d);
  let f = fg(x, g);
  let evaluations = 1;
  const S: Float64Array[] = [],
    Y: Float64Array[] = [],
    rho: number[] = [];
  const alpha = new Float64Array(m);
  const dir = new Float64Array(d);
  let xn = new Float64Array(d);
  let gn = new Float64Array(d);
  let gamma = 1;
  if (maxNorm(g) <= o.gtol) return { x, f, iterations: 0, evaluations, converged: true, reason: 'gtol' };
  for (let iter = 1; iter <= o.maxIter; iter++) {
    twoLoop(g, S, Y, rho, alpha, gamma, dir);
    let gd = dot(g, dir);
    if (!(gd < 0)) {
      // Not a descent direction (numerical trouble): restart from steepest descent.
      S.length = Y.length = rho.length = 0;
      for (let j = 0; j < d; j++) dir[j] = -g[j];
      gd = dot(g, dir);
    }
    // First step (or after a restart): unit length along −g, as SciPy does.
    let step = S.length === 0 ? Math.min(1, 1 / Math.sqrt(-gd)) : 1;
    let fn = 0;
    let ok = false;
    for (let ls = 0; ls < maxLs; ls++) {
      for (let j = 0; j < d; j++) xn[j] = x[j] + step * dir[j];
      fn = fg(xn, gn);
      evaluations++;
      if (Number.isFinite(fn) && fn <= f + 1e-4 * step * gd) {
        ok = true;
        break;
      }
      // Quadratic interpolation of the minimum along the line, kept within [0.1, 0.5] of the current step.
      const q = Number.isFinite(fn) ? (-gd * step * step) / (2 * (fn - f - gd * step)) : 0.1 * step;
      step = Math.min(0.5 * step, Math.max(0.1 * step, q));
    }
    if (!ok) return { x, f, iterations: iter - 1, evaluations, converged: false, reason: 'lineSearch' };
    // s = xn − x, y = gn − g (one fused pass with s·y, y·y and the new gradient's max-norm), reusing the oldest
    // history arrays once the memory is full.
    const full = S.length === m;
    const sv = full ? S[0] : new Float64Array(d);
    const yv = full ? Y[0] : new Float64Array(d);
    let sy = 0,
      yy = 0,
      gmax = 0;
    for (let j = 0; j < d; j++) {
      const a = xn[j] - x[j];
      const b = gn[j] - g[j];
      sv[j] = a;
      yv[j] = b;
      sy += a * b;
      yy += b * b;
      const v = gn[j] < 0 ? -gn[j] : gn[j];
      if (v > gmax) gmax = v;
    }
    if (sy > 1e-10 * yy) {
      if (full) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(sv);
      Y.push(yv);
      rho.push(1 / sy);
      gamma = sy / yy;
    } else if (full) {
      // The oldest pair's arrays were overwritten for a pair we do not keep: drop it.
      S.shift();
      Y.shift();
      rho.shift();
    }
    const fPrev = f;
    [x, xn] = [xn, x];
    [g, gn] = [gn, g];
    f = fn;
    if (gmax <= o.gtol) return { x, f, iterations: iter, evaluations, converged: true, reason: 'gtol' };
    if ((fPrev - f) / Math.max(Math.abs(fPrev), Math.abs(f), 1) <= ftol)
      return { x, f, iterations: iter, evaluations, converged: true, reason: 'ftol' };
  }
  return { x, f, iterations: o.maxIter, evaluations, converged: false, reason: 'maxIter' };
}

/**
 * dir = −H·g by the two-loop recursion, each axpy fused with the next pair's dot product (half the passes over
 * the d-vectors of the textbook form; the sums are the same, term by term).
 */
function twoLoop(g: Float64Array, S: Float64Array[], Y: Float64Array[], rho: number[], alpha: Float64Array, gamma: number, dir: Float64Array): void {
  const d = g.length;
  const h = S.length;
  if (h === 0) {
    for (let j = 0; j < d; j++) dir[j] = -g[j];
    return;
  }
  // q = g; a_{h−1} = ρ s_{h−1}·q
  let acc = 0;
  let sNext = S[h - 1];
  for (let j = 0; j < d; j++) {
    const v = g[j];
    dir[j] = v;
    acc += sNext[j] * v;
  }
  for (let t = h - 1; t >= 0; t--) {
    const a = rho[t] * acc;
    alpha[t] = a;
    const y = Y[t];
    acc = 0;
    if (t > 0) {
      sNext = S[t - 1];
      for (let j = 0; j < d; j++) {
        const v = dir[j] - a * y[j];
        dir[j] = v;
        acc += sNext[j] * v;
      }
    } else {
      // last axpy fused with r = γ q and y_0·r
      const y0 = Y[0];
      for (let j = 0; j < d; j++) {
        const v = gamma * (dir[j] - a * y[j]);
        dir[j] = v;
        acc += y0[j] * v;
      }
    }
  }
  for (let t = 0; t < h; t++) {
    const c = alpha[t] - rho[t] * acc;
    const s = S[t];
    acc = 0;
    if (t + 1 < h) {
      const yNext = Y[t + 1];
      for (let j = 0; j < d; j++) {
        const v = dir[j] + c * s[j];
        dir[j] = v;
        acc += yNext[j] * v;
      }
    } else {
      for (let j = 0; j < d; j++) dir[j] = -(dir[j] + c * s[j]);
    }
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += a[j] * b[j];
  return s;
}

function maxNorm(g: Float64Array): number {
  let m = 0;
  for (let j = 0; j < g.length; j++) {
    const v = Math.abs(g[j]);
    if (v > m) m = v;
  }
  return m;
}
