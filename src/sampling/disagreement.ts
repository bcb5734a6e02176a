import { ABSTAIN } from '../matrix/labels.js';
import { requireL } from './context.js';
import { rankedSampler } from './ranked.js';
import type { Sampler } from './types.js';

/**
 * Rows where the LFs conflict (votes for at least two different classes), most contested first: the share of
 * votes against the plurality class, then the number of votes. Needs the label matrix.
 */
export function disagreementSampler(): Sampler {
  return rankedSampler('disagreement', {
    facts(ctx, out) {
      const { L } = requireL(ctx, 'disagreement');
      const { n, m, votes } = L;
      const k = ctx.k;
      const counts = new Int32Array(k);
      for (let i = 0; i < n; i++) {
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
        out.eligible[i] = 1;
        out.key[i] = 1 - max / t;
        out.key2[i] = t;
      }
    },
  });
}
