import { hash2 } from '../util/rng.js';
import type { SparseRowsView } from './feature-view.js';

/** Width of the dense sketches used for similarities inside sampling. */
export const SKETCH_DIM = 128;

/**
 * Dense count-sketches of some rows: feature f adds ±v to bucket h(f) (fixed hashes, no randomness), then each
 * sketch is l2-normalised. Inner products of sketches estimate the cosine of the sparse rows (error ~ 1/√128), which is
 * all diversity and density need, at 128 flops per pair instead of a sparse merge over hundreds of n-grams.
 * Rows without features get a zero sketch (similarity 0 to everything).
 */
export function sketchRows(X: SparseRowsView, rows: ArrayLike<number>, dim = SKETCH_DIM): Float32Array {
  const out = new Float32Array(rows.length * dim);
  const { indptr, indices, values } = X;
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r];
    const base = r * dim;
    for (let p = indptr[i]; p < indptr[i + 1]; p++) {
      const h = hash2(0x5ce7c4, indices[p]);
      out[base + (h & (dim - 1))] += h & 0x80000000 ? -values[p] : values[p];
    }
    let s = 0;
    for (let d = 0; d < dim; d++) s += out[base + d] * out[base + d];
    if (s > 0) {
      const inv = 1 / Math.sqrt(s);
      for (let d = 0; d < dim; d++) out[base + d] *= inv;
    }
  }
  return out;
}

/** Inner product of sketch a (row ra of A) and sketch b (row rb of B). */
export function sketchDot(A: Float32Array, ra: number, B: Float32Array, rb: number, dim = SKETCH_DIM): number {
  let s = 0;
  const oa = ra * dim;
  const ob = rb * dim;
  for (let d = 0; d < dim; d++) s += A[oa + d] * B[ob + d];
  return s;
}
