import { ABSTAIN } from '../matrix/labels.js';
import { requireL } from './context.js';
import { eligibleRows, topByScore } from './select.js';
import type { Sampler } from './types.js';

/**
 * Rows where the LFs conflict (votes for at least two different classes), most contested first: the share of
 * votes against the plurality class, then the number of votes. Needs the label matrix.
 */
export function disagreementSampler(): Sampler {
  return {
    kind: 'disagreement',
    select(ctx, count, taken, rng) {
      const { L } = requireL(ctx, 'disagreement');
      const { n, m, votes } = L;
      const k = ctx.k;
      const conflict = new Float64Array(n);
      const total = new Float64Array(n);
      const counts = new Int32Array(k);
      const contested = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        if (taken[i]) continue;
        counts.fill(0);
        let t = 0;
        for (let j = 0, p = i * m; j < m; j++, p++) {
          const v = votes[p];
          if (v !== ABSTAIN) {
            counts[v]++;
            t++;
          }
        }
        let max = 0;
        let distinct = 0;
        for (let y = 0; y < k; y++) {
          if (counts[y] > 0) distinct++;
          if (counts[y] > max) max = counts[y];
        }
        if (distinct < 2) continue;
        contested[i] = 1;
        conflict[i] = 1 - max / t;
        total[i] = t;
      }
      const pool = eligibleRows(n, taken, (i) => contested[i] === 1);
      return topByScore(pool, count, conflict, rng.int(0x7fffffff), total);
    },
  };
}
