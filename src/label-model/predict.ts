import { hash2 } from '../util/rng.js';

/** Classes within this distance of the row's top probability count as tied (Snorkel's default tolerance). */
export const TIE_TOLERANCE = 1e-5;

/**
 * Turns n × k probabilities into hard labels. Ties: `abstain` gives -1; `random` picks among the tied classes with a
 * hash of (seed, row index), so a seeded run reproduces exactly and a row's pick does not depend on other rows.
 */
export function probsToPreds(probs: Float64Array, k: number, tiePolicy: 'abstain' | 'random' = 'abstain', seed = 0): Int32Array {
  const n = probs.length / k;
  if (!Number.isInteger(n)) throw new RangeError(`probabilities length ${probs.length} is not a multiple of k = ${k}`);
  const out = new Int32Array(n);
  const tied: number[] = [];
  for (let i = 0; i < n; i++) {
    const base = i * k;
    let max = -Infinity;
    for (let y = 0; y < k; y++) if (probs[base + y] > max) max = probs[base + y];
    tied.length = 0;
    for (let y = 0; y < k; y++) if (max - probs[base + y] <= TIE_TOLERANCE) tied.push(y);
    if (tied.length === 1) out[i] = tied[0];
    else if (tiePolicy === 'abstain') out[i] = -1;
    else out[i] = tied[hash2(seed, i) % tied.length];
  }
  return out;
}

/** Index of the largest value in row i (first on ties); used where a single argmax is wanted without a policy. */
export function argmaxRow(probs: Float64Array, k: number, i: number): number {
  let best = 0;
  for (let y = 1; y < k; y++) if (probs[i * k + y] > probs[i * k + best]) best = y;
  return best;
}
