import { createRng } from '../util/rng.js';
import { rankedSampler } from './ranked.js';
import { eligibleRows, topByScore } from './select.js';
import { toTakenMask } from './taken.js';
import type { Sampler } from './types.js';

/**
 * Uniform sample without replacement among the rows not yet taken: the rows in the order of a seeded hash of their
 * index (a random permutation that each row's index alone decides, so batches and shards agree with one pass).
 */
export function randomSampler(): Sampler {
  return rankedSampler('random', { facts: (_ctx, out) => out.eligible.fill(1) });
}

/**
 * Seeded uniform sample of `count` row indices out of 0..n-1 (fewer when fewer are available), skipping `exclude`.
 * The same (n, count, seed, exclude) always gives the same rows in the same order.
 */
export function randomSample(n: number, count: number, seed: number, exclude?: Iterable<number> | Uint8Array): number[] {
  const taken = toTakenMask(n, exclude);
  return topByScore(eligibleRows(n, taken), count, new Float64Array(n), createRng(seed).fork('random').int(0x7fffffff));
}
