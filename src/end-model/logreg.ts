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
  /** dim × k weights, feature-major. */
  W: Float64Array;
  b: Float64Array;
  result: LbfgsResult;
}

/** Fits W, b by L-BFGS from W = 0 and b = log of the weighted class prior. */
export function fitSoftmax(p: SoftmaxProblem, o: { maxIter: number; tol: number }): SoftmaxFit {
  const { X, k } = p;
  const nw = X.dim * k;
  const x0 = new Float64Array(nw + k);
  const prior = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < X.n; i++) {
    for (let c = 0; c < k; c++) prior[c] += p.s[i] * p.Y[i * k + c];
    total += p.s[i];
  }
  for (let c = 0; c < k; c++) x0[nw + c] = Math.log(Math.max(prior[c] / total, 1e-6));
  const fg = k === 2 ? objective2(p) : objectiveK(p);
  // Stopping on the gradient of the mean loss (scikit-learn ≥ 1.4 scales it so): tol × Σ weights on our sum.
  const result = lbfgs(fg, x0, { maxIter: o.maxIter, gtol: o.tol * total });
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
      const p0 = indptr[i], p1 = indptr[i + 1];
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

/** The same objective unrolled for k = 2 (the common binary case). */
function objective2(p: SoftmaxProblem): (x: Float64Array, g: Float64Array) => number {
  const { X, Y, s, l2 } = p;
  const { indptr, indices, values } = X;
  const nw = X.dim * 2;
  return (x, g) => {
    g.fill(0);
    let f = 0;
    let gb0 = 0, gb1 = 0;
    const b0 = x[nw], b1 = x[nw + 1];
    for (let i = 0; i < X.n; i++) {
      const si = s[i];
      const p0 = indptr[i], p1 = indptr[i + 1];
      let z0 = b0, z1 = b1;
      for (let q = p0; q < p1; q++) {
        const v = values[q];
        const base = indices[q] << 1;
        z0 += v * x[base];
        z1 += v * x[base + 1];
      }
      const y0 = Y[2 * i], y1 = Y[2 * i + 1];
      // lse = max + log(1 + exp(−|z0 − z1|)); p1 = sigmoid(z1 − z0)
      const dlt = z1 - z0;
      const lse = (dlt > 0 ? z1 : z0) + Math.log1p(Math.exp(-Math.abs(dlt)));
      f += si * (lse - y0 * z0 - y1 * z1);
      const q1 = Math.exp(z1 - lse);
      const d1 = si * (q1 - y1);
      const d0 = -d1 + si * (1 - y0 - y1); // = si·(p0 − y0) with p0 = 1 − p1
      gb0 += d0;
      gb1 += d1;
      for (let q = p0; q < p1; q++) {
        const v = values[q];
        const base = indices[q] << 1;
        g[base] += v * d0;
        g[base + 1] += v * d1;
      }
    }
    g[nw] = gb0;
    g[nw + 1] = gb1;
    let r = 0;
    for (let j = 0; j < nw; j++) {
      const w = x[j];
      r += w * w;
      g[j] += l2 * w;
    }
    return f + 0.5 * l2 * r;
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
