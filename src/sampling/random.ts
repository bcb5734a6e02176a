import { createRng } from '../util/rng.js';
import { drawWithoutReplacement, eligibleRows } from './select.js';
import { toTakenMask } from './taken.js';
import type { Sampler } from './types.js';

/** Uniform sample without replacement among the rows not yet taken. */
export function randomSampler(): Sampler {
  return {
    kind: 'random',
    select: (ctx, count, taken, rng) => drawWithoutReplacement(eligibleRows(ctx.n, taken), count, rng),
  };
}

/**
 * Seeded uniform sample of `count` row indices out of 0..n-1 (fewer when fewer are available), skipping `exclude`.
 * The same (n, count, seed, exclude) always gives the same rows in the same order.
 */
export function randomSample(n: number, count: number, seed: number, exclude?: Iterable<number> | Uint8Array): number[] {
  const taken = toTakenMask(n, exclude);
  return drawWithoutReplacement(eligibleRows(n, taken), count, createRng(seed).fork('random'));
}
