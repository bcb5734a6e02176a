import { describe, expect, it } from 'vitest';
import { createRng } from '../src/index.js';
import { OverlapStats } from '../src/internal.js';
import { lossGradHessian } from '../src/label-model/mc/newton.js';
import { resolveOptions } from '../src/label-model/mc/options.js';
import { fitPrecisions, precisionLossAndGradient, precisionProblem } from '../src/label-model/mc/precision-fit.js';
import { posteriorFromLogTable } from '../src/label-model/posterior.js';
import { accuracyOf, sampleByClass } from './label-model-helpers.js';

// The ballot preset's Newton fit (d ≤ 512) against the every-pair loss it minimises and against the Adam fit it
// replaced: same loss and gradient, a Hessian that matches finite differences, and the same optimum (a loss at most
// Adam's, μ within Adam's tolerance, the same labels).

function setup(m: number, k: number, rate: number, seed: number, n = 4000) {
  const rng = createRng(seed);
  const voteRate = Array.from({ length: m }, () => Array.from({ length: k }, () => rate * (0.3 + rng.next())));
  const rightRate = Array.from({ length: m }, () => Array.from({ length: k }, () => 0.45 + 0.5 * rng.next()));
  const balance = Array.from({ length: k }, (_, y) => (y + 2) / (k * 2 + (k * (k - 1)) / 2));
  const { L, y } = sampleByClass({ n, voteRate, rightRate, classBalance: balance, seed });
  const stats = OverlapStats.fromLabelMatrix(L);
  const p = Float64Array.from(balance);
  const opts = resolveOptions({ classBalance: balance }, m, k, stats.n);
  return { L, y, stats, p, opts, O: stats.overlap(), rng };
}

function labelsAndAccuracy(L: Parameters<typeof posteriorFromLogTable>[0], mu: Float64Array, p: Float64Array, k: number, y: Int32Array) {
  const probs = posteriorFromLogTable(
    L,
    mu.map((x) => Math.log(Math.min(Math.max(x, 1e-4), 1 - 1e-4))),
    p,
  );
  const preds = new Int32Array(L.n);
  for (let i = 0; i < L.n; i++) for (let c = 1; c < k; c++) if (probs[i * k + c] > probs[i * k + preds[i]]) preds[i] = c;
  return { preds, accuracy: accuracyOf(probs, k, y) };
}

describe('Newton fit of the precision loss', () => {
  for (const [m, k, rate] of [
    [30, 2, 0.1],
    [20, 3, 0.05],
    [12, 6, 0.2],
  ] as const) {
    it(`loss, gradient and Hessian are those of the every-pair loss (m = ${m}, k = ${k})`, () => {
      const { O, stats, p, opts, rng } = setup(m, k, rate, m * k);
      const prob = precisionProblem(O, stats.n, stats.d, k, p, opts);
      const d = stats.d;
      const excluded = new Uint8Array(d * d);
      const pi = Float64Array.from({ length: d }, (_, a) => prob.lo[a] + (prob.hi[a] - prob.lo[a]) * (0.2 + 0.6 * rng.next()));
      const scratch = () => new Float64Array(d);
      const gRef = scratch();
      const ref = precisionLossAndGradient(prob, pi, scratch(), scratch(), scratch(), scratch(), gRef);
      const grad = scratch();
      const H = new Float64Array(d * d);
      const loss = lossGradHessian(prob, pi, excluded, grad, H);
      expect(Math.abs(loss - ref)).toBeLessThanOrEqual(1e-9 * Math.abs(ref));
      const gScale = Math.max(...Array.from(gRef, Math.abs));
      for (let a = 0; a < d; a++) expect(Math.abs(grad[a] - gRef[a])).toBeLessThanOrEqual(1e-9 * gScale);
      // Central differences of the gradient, column by column.
      const h = 1e-6;
      const gPlus = scratch();
      const gMinus = scratch();
      const hScale = Math.max(...Array.from(H, Math.abs));
      for (const b of prob.active.slice(0, 12)) {
        const x = Float64Array.from(pi);
        x[b] = pi[b] + h;
        lossGradHessian(prob, x, excluded, gPlus, new Float64Array(d * d));
        x[b] = pi[b] - h;
        lossGradHessian(prob, x, excluded, gMinus, new Float64Array(d * d));
        for (const a of prob.active) expect(Math.abs((gPlus[a] - gMinus[a]) / (2 * h) - H[a * d + b])).toBeLessThanOrEqual(1e-5 * hScale);
      }
    });

    it(`reaches Adam's optimum: no higher loss, μ within Adam's tolerance, the same labels (m = ${m}, k = ${k})`, () => {
      const { L, y, O, stats, p, opts } = setup(m, k, rate, 7 * m + k, 6000);
      const newton = fitPrecisions(O, stats.n, stats.d, k, p, opts);
      const adam = fitPrecisions(O, stats.n, stats.d, k, p, opts, 'adam');
      expect(newton.converged).toBe(true);
      expect(newton.lossHistory.length).toBeLessThan(adam.lossHistory.length / 5);
      const lN = newton.lossHistory[newton.lossHistory.length - 1];
      const lA = adam.lossHistory[adam.lossHistory.length - 1];
      expect(lN).toBeLessThanOrEqual(lA + 1e-9 * Math.abs(lA));
      let maxDiff = 0;
      for (let i = 0; i < adam.mu.length; i++) maxDiff = Math.max(maxDiff, Math.abs(newton.mu[i] - adam.mu[i]));
      expect(maxDiff).toBeLessThan(2e-3);
      const a = labelsAndAccuracy(L, adam.mu, p, k, y);
      const b = labelsAndAccuracy(L, newton.mu, p, k, y);
      let differ = 0;
      for (let i = 0; i < L.n; i++) if (a.preds[i] !== b.preds[i]) differ++;
      expect(differ / L.n).toBeLessThan(0.002);
      expect(Math.abs(a.accuracy - b.accuracy)).toBeLessThan(0.002);
    });
  }

  it('leaves excluded moments out as the Adam fit does', () => {
    const { O, stats, p, opts } = setup(20, 2, 0.15, 5);
    const exclude = [
      { a: 0, b: 3 },
      { a: 2, b: 9 },
    ];
    const newton = fitPrecisions(O, stats.n, stats.d, 2, p, opts, 'auto', exclude);
    const adam = fitPrecisions(O, stats.n, stats.d, 2, p, opts, 'adam', exclude);
    const keep = fitPrecisions(O, stats.n, stats.d, 2, p, opts);
    let diff = 0;
    let moved = 0;
    for (let i = 0; i < adam.mu.length; i++) {
      diff = Math.max(diff, Math.abs(newton.mu[i] - adam.mu[i]));
      moved = Math.max(moved, Math.abs(newton.mu[i] - keep.mu[i]));
    }
    expect(diff).toBeLessThan(2e-3);
    expect(moved).toBeGreaterThan(10 * diff);
  });
});
