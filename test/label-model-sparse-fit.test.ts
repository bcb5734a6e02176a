import { describe, expect, it } from 'vitest';
import { createRng, MatrixCompletionModel } from '../src/index.js';
import { OverlapStats } from '../src/internal.js';
import { resolveOptions } from '../src/label-model/mc/options.js';
import { fitPrecisions, precisionLossAndGradient, precisionProblem, sparseLossAndGradient } from '../src/label-model/mc/precision-fit.js';
import { posteriorFromLogTable } from '../src/label-model/posterior.js';
import type { LabelMatrix } from '../src/index.js';
import { accuracyOf, sampleByClass } from './label-model-helpers.js';

/** Accuracy of the posterior under μ (clamped as the model clamps it) with a uniform class balance. */
function exactAccuracy(L: LabelMatrix, mu: Float64Array, y: Int32Array): number {
  const eps = Math.min(0.01, 1 / 10 ** Math.ceil(Math.log10(L.n)));
  const logTable = mu.map((x) => Math.log(Math.min(Math.max(x, eps), 1 - eps)));
  return accuracyOf(posteriorFromLogTable(L, logTable, Float64Array.from([0.5, 0.5])), 2, y);
}

// The ballot preset's loss without visiting every LF pair (only the nonzero co-vote moments, plus k × k sums for the
// model's side): it must equal the every-pair reference, loss and gradient, on sparse and dense, binary and 6-class
// matrices, for any precisions.
function problem(m: number, k: number, rate: number, seed: number) {
  const rng = createRng(seed);
  const voteRate = Array.from({ length: m }, (_, j) => Array.from({ length: k }, () => (j % 3 === 0 ? rate * 4 : rate) * (0.2 + rng.next())));
  const rightRate = Array.from({ length: m }, () => Array.from({ length: k }, () => 0.4 + 0.5 * rng.next()));
  const balance = Array.from({ length: k }, (_, y) => (y + 1) / ((k * (k + 1)) / 2));
  const { L } = sampleByClass({ n: 3000, voteRate, rightRate, classBalance: balance, seed });
  const stats = OverlapStats.fromLabelMatrix(L);
  const p = Float64Array.from(balance);
  const opts = resolveOptions({ classBalance: balance }, m, k, stats.n);
  return { prob: precisionProblem(stats.overlap(), stats.n, stats.d, k, p, opts), d: stats.d, rng };
}

describe('sparse precision loss', () => {
  for (const [m, k, rate] of [
    [40, 2, 0.002],
    [40, 2, 0.1],
    [25, 6, 0.01],
    [12, 3, 0.3],
  ] as const) {
    it(`equals the every-pair loss and gradient (m = ${m}, k = ${k}, vote rate ${rate})`, () => {
      const { prob, d, rng } = problem(m, k, rate, m + k);
      expect(prob.pairs).toBeGreaterThan(0);
      const scratch = () => Array.from({ length: 4 }, () => new Float64Array(d));
      for (let trial = 0; trial < 3; trial++) {
        const pi = Float64Array.from({ length: d }, (_, a) => prob.lo[a] + (prob.hi[a] - prob.lo[a]) * rng.next());
        const g1 = new Float64Array(d);
        const g2 = new Float64Array(d);
        const [a1, b1, c1, e1] = scratch();
        const [a2, b2, c2, e2] = scratch();
        const ref = precisionLossAndGradient(prob, pi, a1, b1, c1, e1, g1);
        const fast = sparseLossAndGradient(prob, pi, a2, b2, c2, e2, g2);
        expect(Math.abs(fast - ref)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(ref)));
        const scale = Math.max(1, ...Array.from(g1, Math.abs));
        for (let a = 0; a < d; a++) expect(Math.abs(g2[a] - g1[a])).toBeLessThanOrEqual(1e-9 * scale);
      }
    });
  }

  it('a sparse set stores only the moments that co-fire', () => {
    const { prob, d } = problem(40, 2, 0.002, 42);
    const allPairs = (d * (d - 2)) / 2;
    expect(prob.pairs).toBeLessThan(allPairs / 2);
    expect(prob.wCol.length).toBe(2 * prob.pairs);
    expect(prob.lowRank).toBeNull();
  });

  it('many LFs with dense co-votes: the low-rank cross term fits what the exact loss fits', () => {
    // 520 LFs × 2 classes = 1,040 augmented columns, every pair co-fires: above LOW_RANK_MIN_D.
    const m = 520;
    const voteRate = Array.from({ length: m }, () => [0.08, 0.08]);
    const rightRate = Array.from({ length: m }, (_, j) => [0.55 + (0.4 * j) / m, 0.55 + (0.4 * ((j * 7) % m)) / m]);
    const { L, y } = sampleByClass({ n: 2500, voteRate, rightRate, classBalance: [0.5, 0.5], seed: 9 });
    const stats = OverlapStats.fromLabelMatrix(L);
    const p = Float64Array.from([0.5, 0.5]);
    const opts = resolveOptions({}, m, 2, stats.n);
    const O = stats.overlap();
    const fast = fitPrecisions(O, stats.n, stats.d, 2, p, opts);
    const exact = fitPrecisions(O, stats.n, stats.d, 2, p, opts, 'exact');
    expect(fast.lowRank).toBe(true);
    expect(exact.lowRank).toBe(false);
    let maxDiff = 0;
    for (let i = 0; i < exact.mu.length; i++) maxDiff = Math.max(maxDiff, Math.abs(fast.mu[i] - exact.mu[i]));
    expect(maxDiff).toBeLessThan(5e-3); // μ entries here are about 0.04 (vote rate × precision)
    // The model built on it labels the rows as the exact fit does, and as well against the true classes.
    const mc = new MatrixCompletionModel();
    mc.fitStats(stats, L.labels, L.lfNames);
    expect(Math.abs(accuracyOf(mc.predictProba(L), 2, y) - exactAccuracy(L, exact.mu, y))).toBeLessThan(0.005);
  });
});
