import { ConfigError } from '../util/errors.js';
import { apportion } from './apportion.js';
import { checkAllocation } from './stratified.js';
import { rankedSampler } from './ranked.js';
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
  return rankedSampler('confident', {
    by,
    facts(ctx, out) {
      const { n, k, probs, preds, voteCounts: votes } = ctx;
      for (let i = 0; i < n; i++) {
        if (preds[i] < 0 || (votes && votes[i] === 0)) continue;
        const confidence = probs[i * k + preds[i]];
        if (confidence < minConfidence) continue;
        out.eligible[i] = 1;
        out.key[i] = confidence;
      }
    },
    quota(count, sizes) {
      const perStratumFloor = floor < 1 ? Math.ceil(floor * count) : floor;
      let mins = sizes.map((s) => Math.min(s, perStratumFloor));
      let weights = allocation === 'equal' ? sizes.map((s) => (s > 0 ? 1 : 0)) : [...sizes];
      if (mins.reduce((a, b) => a + b, 0) > count) {
        mins = sizes.map(() => 0);
        weights = sizes.map((s) => (s > 0 ? 1 : 0));
      }
      return apportion(count, weights, sizes, mins);
    },
  });
}
