import { describe, expect, it } from 'vitest';
import { createRng, MatrixCompletionModel } from '../src/index.js';
import { OverlapStats } from '../src/internal.js';
import { resolveOptions } from '../src/label-model/mc/options.js';
import { fitFullMu, lowRankSnorkelLoss, offBlockLowRank, snorkelInitialMu, snorkelLossAndGradient } from '../src/label-model/mc/snorkel-fit.js';
import { posteriorFromLogTable } from '../src/label-model/posterior.js';
import { accuracyOf, sampleByClass } from './label-model-helpers.js';

// The snorkel preset's co-vote term read through a low-rank Ô (many LFs with dense co-votes): with full rank it is
// the every-pair loss exactly; at rank 24 on 1,040 columns it fits what the every-pair loss fits.

describe('snorkel preset, low-rank co-votes', () => {
  it('at full rank equals the every-pair loss and gradient', () => {
    const m = 14;
    const k = 3;
    const rng = createRng(3);
    const voteRate = Array.from({ length: m }, () => Array.from({ length: k }, () => 0.1 + 0.2 * rng.next()));
    const rightRate = Array.from({ length: m }, () => Array.from({ length: k }, () => 0.4 + 0.5 * rng.next()));
    const { L } = sampleByClass({ n: 3000, voteRate, rightRate, classBalance: [0.2, 0.3, 0.5], seed: 4 });
    const stats = OverlapStats.fromLabelMatrix(L);
    const { d } = stats;
    const O = stats.overlap();
    const p = Float64Array.from([0.2, 0.3, 0.5]);
    const compressed = offBlockLowRank(O, d, k, d, true)!;
    const muInit = snorkelInitialMu(O, d, k, p, new Float64Array(m).fill(0.7));
    for (let trial = 0; trial < 3; trial++) {
      const mu = Float64Array.from(muInit, (x) => x * (0.5 + rng.next()) + 0.05 * rng.next());
      const g1 = new Float64Array(d * k);
      const g2 = new Float64Array(d * k);
      const l1 = snorkelLossAndGradient(O, d, k, p, mu, muInit, 0.3, new Float64Array(d * k), g1);
      const l2 = lowRankSnorkelLoss(O, d, k, p, mu, muInit, 0.3, compressed, new Float64Array(d * k), g2);
      expect(Math.abs(l2 - l1)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(l1)));
      const scale = Math.max(1e-12, ...Array.from(g1, Math.abs));
      for (let i = 0; i < g1.length; i++) expect(Math.abs(g2[i] - g1[i])).toBeLessThanOrEqual(1e-9 * scale);
    }
  });

  it('many LFs with dense co-votes: the rank-24 fit labels the rows as the every-pair fit does', () => {
    const m = 520;
    const voteRate = Array.from({ length: m }, () => [0.08, 0.08]);
    const rightRate = Array.from({ length: m }, (_, j) => [0.55 + (0.4 * j) / m, 0.55 + (0.4 * ((j * 7) % m)) / m]);
    const { L, y } = sampleByClass({ n: 2500, voteRate, rightRate, classBalance: [0.5, 0.5], seed: 9 });
    const stats = OverlapStats.fromLabelMatrix(L);
    const { d } = stats;
    const O = stats.overlap();
    const p = Float64Array.from([0.5, 0.5]);
    const opts = resolveOptions({ preset: 'snorkel', seed: 0 }, m, 2, stats.n);
    const muInit = snorkelInitialMu(O, d, 2, p, opts.precInit);
    const fast = muInit.map((x) => x * opts.initScale);
    const exact = Float64Array.from(fast);
    expect(offBlockLowRank(O, d, 2)).not.toBeNull();
    const hFast = fitFullMu(O, d, 2, p, fast, muInit, opts);
    const hExact = fitFullMu(O, d, 2, p, exact, muInit, opts, 'exact');
    expect(Math.abs(hFast[hFast.length - 1] - hExact[hExact.length - 1])).toBeLessThan(0.005 * hExact[hExact.length - 1]);
    let maxDiff = 0;
    for (let i = 0; i < exact.length; i++) maxDiff = Math.max(maxDiff, Math.abs(fast[i] - exact[i]));
    expect(maxDiff).toBeLessThan(5e-3);
    const acc = (mu: Float64Array) => {
      const eps = 1e-4;
      const probs = posteriorFromLogTable(
        L,
        mu.map((x) => Math.log(Math.min(Math.max(x, eps), 1 - eps))),
        p,
      );
      return accuracyOf(probs, 2, y);
    };
    expect(Math.abs(acc(fast) - acc(exact))).toBeLessThan(0.005);
    // And through the model: the preset fits from the same statistics.
    const mc = new MatrixCompletionModel();
    mc.fitStats(stats, L.labels, L.lfNames, { preset: 'snorkel', seed: 0 });
    expect(Math.abs(accuracyOf(mc.predictProba(L), 2, y) - acc(exact))).toBeLessThan(0.01);
  });
});
