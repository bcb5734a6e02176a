import { createRng } from '../../util/rng.js';

/**
 * A rank-r approximation Q B Qᵀ of a symmetric d × d matrix given by its product with a block of vectors: Q (d × r,
 * orthonormal columns, row-major) spans the top of its range (randomized range finder with `power` subspace
 * iterations, Halko, Martinsson & Tropp 2011), B = Qᵀ A Q. Seeded, so a fit reproduces exactly.
 */
export interface LowRank {
  d: number;
  r: number;
  Q: Float64Array;
  B: Float64Array;
}

/** `times(X, r, out)`: out (d × r, row-major) = A X for X (d × r, row-major). */
export function lowRankApprox(d: number, r: number, times: (X: Float64Array, r: number, out: Float64Array) => void, power = 2, seed = 0): LowRank {
  const rng = createRng(seed);
  let X = Float64Array.from({ length: d * r }, () => rng.next() - 0.5);
  let Y = new Float64Array(d * r);
  for (let it = 0; it <= power; it++) {
    times(X, r, Y);
    orthonormalize(Y, d, r);
    [X, Y] = [Y, X];
  }
  // X now holds Q; B = Qᵀ (A Q).
  times(X, r, Y);
  const B = new Float64Array(r * r);
  for (let a = 0; a < d; a++)
    for (let s = 0; s < r; s++) {
      const q = X[a * r + s];
      if (q === 0) continue;
      for (let t = 0; t < r; t++) B[s * r + t] += q * Y[a * r + t];
    }
  // Symmetrize away rounding.
  for (let s = 0; s < r; s++)
    for (let t = s + 1; t < r; t++) {
      const v = (B[s * r + t] + B[t * r + s]) / 2;
      B[s * r + t] = v;
      B[t * r + s] = v;
    }
  return { d, r, Q: X, B };
}

/** out (length d) = Q B Qᵀ v. `scratch` has length 2r. */
export function lowRankTimes(lr: LowRank, v: Float64Array, out: Float64Array, scratch: Float64Array): void {
  const { d, r, Q, B } = lr;
  const z = scratch.subarray(0, r);
  const w = scratch.subarray(r, 2 * r);
  z.fill(0);
  for (let a = 0; a < d; a++) {
    const x = v[a];
    if (x === 0) continue;
    for (let t = 0; t < r; t++) z[t] += Q[a * r + t] * x;
  }
  for (let s = 0; s < r; s++) {
    let acc = 0;
    for (let t = 0; t < r; t++) acc += B[s * r + t] * z[t];
    w[s] = acc;
  }
  for (let a = 0; a < d; a++) {
    let acc = 0;
    for (let t = 0; t < r; t++) acc += Q[a * r + t] * w[t];
    out[a] = acc;
  }
}

/** Modified Gram-Schmidt on the r columns of a row-major d × r block; a column that vanishes is left 0. */
function orthonormalize(Y: Float64Array, d: number, r: number): void {
  for (let s = 0; s < r; s++) {
    for (let t = 0; t < s; t++) {
      let dot = 0;
      for (let a = 0; a < d; a++) dot += Y[a * r + s] * Y[a * r + t];
      for (let a = 0; a < d; a++) Y[a * r + s] -= dot * Y[a * r + t];
    }
    let norm = 0;
    for (let a = 0; a < d; a++) norm += Y[a * r + s] ** 2;
    norm = Math.sqrt(norm);
    const inv = norm > 1e-300 ? 1 / norm : 0;
    for (let a = 0; a < d; a++) Y[a * r + s] *= inv;
  }
}

/**
 * Rank-`rank` approximation of O's off-block part (a d × d co-vote matrix with the pairs inside one LF's k columns
 * left out), reading only the rows `rows` and, with `u`, each entry weighted u_a u_b (0 entries skipped). The one
 * matrix product both mc presets compress their dense co-votes with.
 */
export function offBlockApprox(
  O: Float64Array,
  d: number,
  k: number,
  rank: number,
  power: number,
  rows: ArrayLike<number>,
  u?: Float64Array,
): LowRank {
  return lowRankApprox(
    d,
    Math.min(d, rank),
    (X, r, out) => {
      out.fill(0);
      for (let x = 0; x < rows.length; x++) {
        const a = rows[x];
        const row = a * d;
        const ua = u ? u[a] : 1;
        const outRow = a * r;
        const skipFrom = ((a / k) | 0) * k;
        // Every b outside LF a's own block (whose moments are 0 or the diagonal).
        for (let b = 0; b < d; b++) {
          if (b === skipFrom) {
            b += k - 1;
            continue;
          }
          const w = u ? ua * u[b] * O[row + b] : O[row + b];
          if (w === 0) continue;
          const xRow = b * r;
          for (let t = 0; t < r; t++) out[outRow + t] += w * X[xRow + t];
        }
      }
    },
    power,
  );
}
