import { ConfigError } from '../util/errors.js';
import { apportion } from './apportion.js';
import { checkAllocation } from './stratified.js';
import { eligibleRows, groupByStratum, topByScore } from './select.js';
import { strataOf } from './strata.js';
import type { Allocation, Sampler, StratifyBy } from './types.js';

export interface ConfidentOptions {
  /** Strata to pick the top rows within: 'class' (default, the predicted class), a column name, or a function. */
  by?: StratifyBy;
  /**
   * Minimum rows per stratum, so rare classes appear: a whole number of rows, or a fraction (< 1) of this part's
   * count. Default 0.05. A stratum with fewer eligible rows gives all it has. If the floors alone exceed the count,
   * the count is split equally instead.
   */
  floor?: number;
  /** How the count beyond the floors is split: 'proportional' (default) to eligible rows per stratum, or 'equal'. */
  allocation?: Allocation;
  /** Only rows whose top probability is at least this. Default 0. */
  minConfidence?: number;
}

/**
 * The most confident rows per class, for a clean training set. Eligible rows have a single top class (no tie) and,
 * when the label matrix is known, at least one vote (a row nobody voted on carries only the prior, not evidence).
 * Within each stratum rows are ranked by their top probability.
 */
export function confidentSampler(options: ConfidentOptions = {}): Sampler {
  const by = options.by ?? 'class';
  const floor = options.floor ?? 0.05;
  if (!(floor >= 0) || !Number.isFinite(floor) || (floor >= 1 && !Number.isInteger(floor))) {
    throw new ConfigError(`confident floor must be a whole number of rows or a fraction in [0, 1), got ${floor}`);
  }
  const allocation = checkAllocation(options.allocation ?? 'proportional');
  const minConfidence = options.minConfidence ?? 0;
  if (!(minConfidence >= 0 && minConfidence <= 1)) throw new ConfigError(`confident minConfidence must be in [0, 1], got ${minConfidence}`);
  return {
    kind: 'confident',
    select(ctx, count, taken, rng) {
      const { n, k, probs, preds, voteCounts: votes } = ctx;
      const confidence = new Float64Array(n);
      for (let i = 0; i < n; i++) if (preds[i] >= 0) confidence[i] = probs[i * k + preds[i]];
      const pool = eligibleRows(n, taken, (i) => preds[i] >= 0 && (!votes || votes[i] > 0) && confidence[i] >= minConfidence);
      const strata = strataOf(ctx, by);
      const groups = groupByStratum(pool, strata.ids, strata.names.length);
      const sizes = groups.map((g) => g.length);
      const perStratumFloor = floor < 1 ? Math.ceil(floor * count) : floor;
      let mins = sizes.map((s) => Math.min(s, perStratumFloor));
      let weights = allocation === 'equal' ? sizes.map((s) => (s > 0 ? 1 : 0)) : sizes;
      if (mins.reduce((a, b) => a + b, 0) > count) {
        mins = sizes.map(() => 0);
        weights = sizes.map((s) => (s > 0 ? 1 : 0));
      }
      const alloc = apportion(count, weights, sizes, mins);
      const tieSeed = rng.int(0x7fffffff);
      const out: number[] = [];
      groups.forEach((g, s) => {
        if (alloc[s] > 0) for (const i of topByScore(g, alloc[s], confidence, tieSeed)) out.push(i);
      });
      return out;
    },
  };
}
