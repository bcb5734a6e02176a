import { ConfigError } from '../util/errors.js';
import { rankedSampler } from './ranked.js';
import type { SampleContext, Sampler } from './types.js';

export type UncertaintyMeasure = 'entropy' | 'margin';

export interface UncertaintyOptions {
  /** 'entropy' (default): Shannon entropy of the probabilistic label; 'margin': 1 − (top prob − second prob). */
  measure?: UncertaintyMeasure;
  /**
   * Rows no LF voted on get the prior (often uniform) and would top any uncertainty ranking; they are blind spots
   * for `coverageGap`, not hard cases for labelers. Default false: only rows with ≥ 1 vote (when L is known).
   */
  includeUncovered?: boolean;
}

/** The rows whose probabilistic label is least certain, most uncertain first: what to send to human labelers. */
export function uncertaintySampler(options: UncertaintyOptions = {}): Sampler {
  const measure = options.measure ?? 'entropy';
  if (measure !== 'entropy' && measure !== 'margin')
    throw new ConfigError(`uncertainty measure must be 'entropy' or 'margin', got ${JSON.stringify(measure)}`);
  const includeUncovered = options.includeUncovered ?? false;
  return rankedSampler('uncertainty', {
    facts(ctx, out) {
      const votes = ctx.voteCounts;
      const { n, k, probs } = ctx;
      for (let i = 0; i < n; i++) {
        if (votes && !includeUncovered && votes[i] === 0) continue;
        out.eligible[i] = 1;
        out.key[i] = roundScore(measure === 'entropy' ? rowEntropy(probs, i * k, k) : rowMargin(probs, i * k, k));
      }
    },
  });
}

// Round away float noise so rows with the same distribution tie exactly (and the seeded tie-break decides).
const roundScore = (u: number): number => Math.round(u * 1e12) / 1e12;

/** Uncertainty of each row in `pool` (other entries are left 0). Higher = less certain. */
export function uncertaintyScores(ctx: SampleContext, measure: UncertaintyMeasure, pool?: ArrayLike<number>): Float64Array {
  const { n, k, probs } = ctx;
  const score = new Float64Array(n);
  const count = pool ? pool.length : n;
  for (let p = 0; p < count; p++) {
    const i = pool ? pool[p] : p;
    const base = i * k;
    score[i] = roundScore(measure === 'entropy' ? rowEntropy(probs, base, k) : rowMargin(probs, base, k));
  }
  return score;
}

/** Shannon entropy (nats) of the k probabilities of one row starting at `base`. */
export function rowEntropy(probs: ArrayLike<number>, base: number, k: number): number {
  let h = 0;
  for (let y = 0; y < k; y++) {
    const q = probs[base + y];
    if (q > 0) h -= q * Math.log(q);
  }
  return h;
}

/** 1 − (top probability − second probability) of one row starting at `base`: 1 when the top two tie. */
export function rowMargin(probs: ArrayLike<number>, base: number, k: number): number {
  let a = -Infinity;
  let b = -Infinity;
  for (let y = 0; y < k; y++) {
    const q = probs[base + y];
    if (q > a) {
      b = a;
      a = q;
    } else if (q > b) b = q;
  }
  return 1 - (a - b);
}
