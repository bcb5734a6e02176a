import { sketchDot, sketchRows } from './sketch.js';
import type { SparseRowsView } from './feature-view.js';
import type { Rng } from '../util/rng.js';
import { topByScore } from './select.js';

export interface DensityOptions {
  /** Size of the random reference subset (default 300). */
  reference?: number;
  /** Neighbours averaged (default 10). */
  neighbours?: number;
}

/**
 * Representativeness of each row in `pool`: the mean cosine similarity to its `neighbours` nearest rows in a seeded
 * random reference subset of `pool` (a k-NN density estimate). A plain mean over the reference would be the similarity
 * to the global centroid, which ranks every row by one mode; the k nearest make dense clusters of any class score
 * high and outliers low. Entries outside `pool` are 0; values are in [0, 1].
 */
export function densityScores(X: SparseRowsView, pool: ArrayLike<number>, rng: Rng, options: DensityOptions = {}): Float64Array {
  const R = Math.min(options.reference ?? 300, pool.length);
  const ref = Array.from(pool);
  for (let i = 0; i < R; i++) {
    const j = i + rng.int(ref.length - i);
    [ref[i], ref[j]] = [ref[j], ref[i]];
  }
  ref.length = R;
  return densityAgainst(X, pool, ref, options.neighbours ?? 10);
}

/** Mean similarity of each row of `pool` to its `neighbours` nearest rows of `ref` (itself excluded). */
function densityAgainst(X: SparseRowsView, pool: ArrayLike<number>, ref: number[], neighbours: number): Float64Array {
  const out = new Float64Array(X.n);
  const R = ref.length;
  const K = Math.max(1, Math.min(neighbours, R));
  if (R === 0) return out;
  const Rs = sketchRows(X, ref);
  const refRow = new Int32Array(ref);
  const best = new Float64Array(K);
  const CHUNK = 1024;
  for (let start = 0; start < pool.length; start += CHUNK) {
    const rows = Array.prototype.slice.call(pool, start, Math.min(pool.length, start + CHUNK)) as number[];
    const S = sketchRows(X, rows);
    for (let q = 0; q < rows.length; q++) {
      best.fill(-Infinity);
      for (let r = 0; r < R; r++) {
        if (refRow[r] === rows[q]) continue; // a row is not its own neighbour
        const s = sketchDot(S, q, Rs, r);
        if (s > best[K - 1]) {
          let p = K - 1;
          while (p > 0 && best[p - 1] < s) {
            best[p] = best[p - 1];
            p--;
          }
          best[p] = s;
        }
      }
      let sum = 0;
      let cnt = 0;
      for (let p = 0; p < K; p++)
        if (best[p] > -Infinity) {
          sum += best[p];
          cnt++;
        }
      out[rows[q]] = cnt ? Math.max(0, sum / cnt) : 0;
    }
  }
  return out;
}

const cache = new WeakMap<SparseRowsView, Float64Array>();

/**
 * `densityScores` of every row of X against a fixed reference subset (the 300 rows with the smallest hash of their
 * index, so no randomness), cached per X: density is a property of the pool, not of the model, so the rounds of a
 * labeling loop and the parts of a recipe share one computation.
 */
export function poolDensity(X: SparseRowsView): Float64Array {
  const hit = cache.get(X);
  if (hit) return hit;
  const all = Int32Array.from({ length: X.n }, (_, i) => i);
  // The 300 smallest hashes (then indices) by a bounded heap, not a sort of the whole pool.
  const ref = topByScore(all, Math.min(300, X.n), new Float64Array(X.n), 0xd3e5);
  const out = densityAgainst(X, all, ref, 10);
  cache.set(X, out);
  return out;
}
