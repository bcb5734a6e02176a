/**
 * Multinomial logistic regression on soft targets: minimises Σ_i s_i · CE(y_i, softmax(W x_i + b)) + ½·l2·‖W‖²
 * (the intercept is not penalised), which with l2 = 1/C is scikit-learn's lbfgs objective. y_i may be any
 * distribution over the k classes (the label model's probabilities) or one-hot gold.
 */
import { lbfgs, type LbfgsResult } from './lbfgs.js';
import type { SparseRows } from './sparse.js';

export interface SoftmaxProblem {
  /** Features; ids must be < dim (use compact ids: only features present in the training rows). */
  X: SparseRows;
  /** n × k targets, each row a distribution. */
  Y: Float64Array;
  /** Per-row weights (> 0). */
  s: Float64Array;
  k: number;
  l2: number;
}

export interface SoftmaxFit {
  /** dim × k weights, feature-major. (`result.x` is the raw parameter vector, a warm start for fitSoftmax.) */
  W: Float64Array;
  b: Float64Array;
  result: LbfgsResult;
}

/**
 * Fits W, b by L-BFGS from W = 0 and b = log of the weighted class prior. For k = 2 it solves the equivalent binary
 * problem (w = W₁ − W₀ with penalty l2/4·‖w‖², whose optimum is W₁ = −W₀ = w/2): the same minimiser, half the work.
 */
export function fitSoftmax(p: SoftmaxProblem, o: { maxIter: number; tol: number }, init?: Float64Array): SoftmaxFit {
  const { X, k } = p;
  const nw = X.dim * k;
  const prior = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < X.n; i++) {
    for (let c = 0; c < k; c++) prior[c] += p.s[i] * p.Y[i * k + c];
    total += p.s[i];
  }
  const logPrior = (c: number) => Math.log(Math.max(prior[c] / total, 1e-6));
  // Stopping on the gradient of the mean loss (scikit-learn ≥ 1.4 scales it so): tol × Σ weights on our sum.
  const gtol = o.tol * total;
  if (k === 2) {
    const x0 = init ? Float64Array.from(init) : new Float64Array(X.dim + 1);
    if (!init) x0[X.dim] = logPrior(1) - logPrior(0);
    // On W₁ = −W₀ the binary gradient equals the multinomial W₁-gradient, so the same tolerance applies.
    const result = lbfgs(objectiveBinary(p), x0, { maxIter: o.maxIter, gtol });
    const W = new Float64Array(nw);
    for (let f = 0; f < X.dim; f++) {
      const h = result.x[f] / 2;
      W[2 * f] = -h;
      W[2 * f + 1] = h;
    }
    const hb = result.x[X.dim] / 2;
    return { W, b: Float64Array.of(-hb, hb), result };
  }
  const x0 = init ? Float64Array.from(init) : new Float64Array(nw + k);
  if (!init) for (let c = 0; c < k; c++) x0[nw + c] = logPrior(c);
  const result = lbfgs(objectiveK(p), x0, { maxIter: o.maxIter, gtol });
  return { W: result.x.subarray(0, nw), b: result.x.subarray(nw), result };
}

/** f and gradient for general k. */
function objectiveK(p: SoftmaxProblem): (x: Float64Array, g: Float64Array) => number {
  const { X, Y, s, k, l2 } = p;
  const { indptr, indices, values } = X;
  const nw = X.dim * k;
  const z = new Float64Array(k);
  const dz = new Float64Array(k);
  return (x, g) => {
    g.fill(0);
    let f = 0;
    for (let i = 0; i < X.n; i++) {
      const si = s[i];
      const p0 = indptr[i],
        p1 = indptr[i + 1];
      for (let c = 0; c < k; c++) z[c] = x[nw + c];
      for (let q = p0; q < p1; q++) {
        const v = values[q];
        const base = indices[q] * k;
        for (let c = 0; c < k; c++) z[c] += v * x[base + c];
      }
      let zmax = z[0];
      for (let c = 1; c < k; c++) if (z[c] > zmax) zmax = z[c];
      let se = 0;
      for (let c = 0; c < k; c++) se += Math.exp(z[c] - zmax);
      const lse = zmax + Math.log(se);
      let yz = 0;
      const yo = i * k;
      for (let c = 0; c < k; c++) {
        const y = Y[yo + c];
        yz += y * z[c];
        dz[c] = si * (Math.exp(z[c] - lse) - y);
        g[nw + c] += dz[c];
      }
      f += si * (lse - yz);
      for (let q = p0; q < p1; q++) {
        const v = values[q];
        const base = indices[q] * k;
        for (let c = 0; c < k; c++) g[base + c] += v * dz[c];
      }
    }
    let r = 0;
    for (let j = 0; j < nw; j++) {
      const w = x[j];
      r += w * w;
      g[j] += l2 * w;
    }
    return f + 0.5 * l2 * r;
  };
}

/**
 * Binary form of the k = 2 objective over (w, β): Σ s_i·(softplus(z_i) − y_i1·z_i) + l2/4·‖w‖², z_i = w·x_i + β.
 * Equals the multinomial objective at W₁ = −W₀ = w/2, b₁ = −b₀ = β/2.
 */
function objectiveBinary(p: SoftmaxProblem): (x: Float64Array, g: Float64Array) => number {
  const { X, Y, s } = p;
  const { indptr, indices, values } = X;
  const d = X.dim;
  const lam = p.l2 / 2;
  return (x, g) => {
    g.fill(0);
    let f = 0;
    let gb = 0;
    const beta = x[d];
    for (let i = 0; i < X.n; i++) {
      const p0 = indptr[i],
        p1 = indptr[i + 1];
      let z = beta;
      for (let q = p0; q < p1; q++) z += values[q] * x[indices[q]];
      const si = s[i];
      const y1 = Y[2 * i + 1];
      // softplus(z) = max(z, 0) + log1p(exp(−|z|)); σ(z) computed from the same exp
      const e = Math.exp(-Math.abs(z));
      f += si * ((z > 0 ? z : 0) + Math.log1p(e) - y1 * z);
      const sig = z >= 0 ? 1 / (1 + e) : e / (1 + e);
      const dz = si * (sig - y1);
      gb += dz;
      for (let q = p0; q < p1; q++) g[indices[q]] += values[q] * dz;
    }
    g[d] = gb;
    let r = 0;
    for (let j = 0; j < d; j++) {
      const w = x[j];
      r += w * w;
      g[j] += lam * w;
    }
    return f + 0.5 * lam * r;
  };
}

/** Softmax probabilities of every row under W (dim × k) and b; `map` sends a feature id to its row of W, −1 = none. */
export function softmaxProba(X: SparseRows, W: Float64Array, b: Float64Array, k: number, map?: Int32Array): Float64Array {
  const out = new Float64Array(X.n * k);
  const z = new Float64Array(k);
  const { indptr, indices, values } = X;
  for (let i = 0; i < X.n; i++) {
    for (let c = 0; c < k; c++) z[c] = b[c];
    for (let q = indptr[i], e = indptr[i + 1]; q < e; q++) {
      const f = map ? (indices[q] < map.length ? map[indices[q]] : -1) : indices[q];
      if (f < 0) continue;
      const v = values[q];
      const base = f * k;
      for (let c = 0; c < k; c++) z[c] += v * W[base + c];
    }
    let zmax = z[0];
    for (let c = 1; c < k; c++) if (z[c] > zmax) zmax = z[c];
    let se = 0;
    for (let c = 0; c < k; c++) {
      z[c] = Math.exp(z[c] - zmax);
      se += z[c];
    }
    for (let c = 0; c < k; c++) out[i * k + c] = z[c] / se;
  }
  return out;
}
