import type { LabelMatrix } from '../matrix/label-matrix.js';
import { TIE_TOLERANCE } from '../label-model/predict.js';
import { ConfigError } from '../util/errors.js';
import { requireL } from './context.js';
import { rankedSampler } from './ranked.js';
import { representativeGapSelect } from './end-model-samplers.js';
import type { Sampler } from './types.js';

export interface CoverageGapOptions {
  /** 'random' (default), or 'representative': rows typical of the uncovered region and spread over it (needs the end model). */
  pick?: 'random' | 'representative';
}

/**
 * Rows no LF voted on: the blind spots where a new LF is needed. Random by default; with pick 'representative', rows typical
 * of the uncovered region and spread over it. Needs the label matrix.
 */
export function coverageGapSampler(options: CoverageGapOptions = {}): Sampler {
  const pick = options.pick ?? 'random';
  if (pick !== 'random' && pick !== 'representative')
    throw new ConfigError(`coverageGap pick must be 'random' or 'representative', got ${JSON.stringify(pick)}`);
  if (pick === 'representative')
    return {
      kind: 'coverageGap',
      select(ctx, count, taken, rng) {
        const { votes } = requireL(ctx, 'coverageGap');
        return representativeGapSelect(ctx, count, taken, rng, votes);
      },
    };
  // Random among the uncovered rows, in the order of a seeded hash of their index (as `randomSampler`).
  return rankedSampler('coverageGap', {
    facts(ctx, out) {
      const { votes } = requireL(ctx, 'coverageGap');
      for (let i = 0; i < ctx.n; i++) out.eligible[i] = votes[i] === 0 ? 1 : 0;
    },
  });
}

export interface FilterUncoveredOptions {
  /** Probabilistic labels (n × k); needed for `dropUniform`. */
  probs?: Float64Array;
  /**
   * Also drop rows whose probabilistic label is uniform over all classes (every class within 1e-5 of 1/k) even though
   * some LF voted: e.g. a 1-vs-1 conflict under majority vote, or a label model that learned nothing for the row.
   */
  dropUniform?: boolean;
}

/**
 * Indices (ascending) of the rows at least one LF voted on: train only on rows with a signal. With `dropUniform`,
 * rows whose probabilistic label is exactly uniform are dropped too.
 */
export function filterUncovered(L: LabelMatrix, options: FilterUncoveredOptions = {}): Int32Array {
  const { n, k } = L;
  const votes = L.voteCounts();
  const { probs, dropUniform = false } = options;
  if (dropUniform) {
    if (!probs) throw new ConfigError('filterUncovered: dropUniform needs the probabilistic labels (probs)');
    if (probs.length !== n * k) throw new ConfigError(`filterUncovered: probs has ${probs.length} values, expected n·k = ${n}·${k}`);
  }
  const out = new Int32Array(n);
  let c = 0;
  for (let i = 0; i < n; i++) {
    if (votes[i] === 0) continue;
    if (dropUniform && isUniform(probs!, k, i)) continue;
    out[c++] = i;
  }
  return out.slice(0, c);
}

function isUniform(probs: Float64Array, k: number, i: number): boolean {
  const u = 1 / k;
  for (let y = 0; y < k; y++) if (Math.abs(probs[i * k + y] - u) > TIE_TOLERANCE) return false;
  return true;
}
