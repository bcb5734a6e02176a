import { createRng } from '../util/rng.js';
import { ConfigError } from '../util/errors.js';
import { apportion } from './apportion.js';
import { rankedSampler } from './ranked.js';
import { toTakenMask } from './taken.js';
import type { Allocation, SampleContext, Sampler, StratifyBy } from './types.js';

export interface StratifiedOptions {
  /** What to stratify by: 'class' (predicted class; tied rows form a '(tie)' stratum), a column name, or a function. */
  by?: StratifyBy;
  /** 'proportional' (default): each stratum in proportion to its available rows; 'equal': the same count each. */
  allocation?: Allocation;
}

/**
 * Random sample within strata. The count is split by largest remainder over the strata's available rows, so each
 * stratum gets within 1 of its target; a stratum smaller than its share gives all it has and the rest flows to the
 * others. Output is stratum by stratum, in stratum order; inside a stratum, rows in the order of a seeded hash of their
 * index (as `randomSampler`).
 */
export function stratifiedSampler(options: StratifiedOptions = {}): Sampler {
  const by = options.by ?? 'class';
  const allocation = checkAllocation(options.allocation ?? 'proportional');
  return rankedSampler('stratified', {
    by,
    facts: (_ctx, out) => out.eligible.fill(1),
    quota: (count, sizes) => apportion(count, allocation === 'equal' ? sizes.map((s) => (s > 0 ? 1 : 0)) : sizes, sizes),
  });
}

/** Seeded stratified sample of `count` rows (by predicted class unless `by` says otherwise). */
export function stratifiedSample(
  ctx: SampleContext,
  count: number,
  seed: number,
  options: StratifiedOptions & { exclude?: Iterable<number> | Uint8Array } = {},
): number[] {
  return stratifiedSampler(options).select(ctx, count, toTakenMask(ctx.n, options.exclude), createRng(seed).fork('stratified'));
}

export function checkAllocation(a: unknown): Allocation {
  if (a !== 'proportional' && a !== 'equal') throw new ConfigError(`allocation must be 'proportional' or 'equal', got ${JSON.stringify(a)}`);
  return a;
}
