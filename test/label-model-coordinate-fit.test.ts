import { describe, expect, it } from 'vitest';
import { createRng } from '../src/index.js';
import { OverlapStats } from '../src/internal.js';
import { clamp } from '../src/label-model/linalg.js';
import { coordinateDescent } from '../src/label-model/mc/coordinate-start.js';
import { lossGradHessian, newtonFit } from '../src/label-model/mc/newton.js';
import { resolveOptions } from '../src/label-model/mc/options.js';
import { fitPrecisions, type PrecisionProblem, precisionProblem } from '../src/label-model/mc/precision-fit.js';
import { posteriorFromLogTable } from '../src/label-model/posterior.js';
import { accuracyOf, sampleByClass } from './label-model-helpers.js';

// The ballot preset's fit up to 512 augmented columns: coordinate descent (mc/coordinate-start.ts) from the prior
// precisions, Newton with a decrement stop where it contracts slowly. Both against the every-pair loss they minimise,
// and against Newton run from the prior to a tight stop (the fit before the sweeps): the same optimum and labels.

function setup(m: number, k: number, rate: number, seed: number, n = 5000, duplicates = false) {
  const rng = createRng(seed);
  const voteRate = Array.from({ length: m }, () => Array.from({ length: k }, () => rate * (0.3 + rng.next())));
  const rightRate = Array.from({ length: m }, () => Array.from({ length: k }, () => 0.45 + 0.5 * rng.next()));
  // Near-duplicate LFs (the same rates, drawn independently): strongly coupled columns, the slow case for sweeps.
  if (duplicates) for (let j = 1; j < m; j += 3) [voteRate[j], rightRate[j]] = [voteRate[j - 1], rightRate[j - 1]];
  const balance = Array.from({ length: k }, (_, y) => (y + 2) / (k * 2 + (k * (k - 1)) / 2));
  const { L, y } = sampleByClass({ n, voteRate, rightRate, classBalance: balance, seed });
  const stats = OverlapStats.fromLabelMatrix(L);
  const p = Float64Array.from(balance);
  const opts = resolveOptions({ classBalance: balance }, m, k, stats.n);
  const O = stats.overlap();
  return { L, y, stats, p, opts, O, prob: precisionProblem(O, stats.n, stats.d, k, p, opts), rng };
}

function priorStart(prob: PrecisionProblem): Float64Array {
  return Float64Array.from({ length: prob.d }, (_, a) => clamp(prob.pi0[a], prob.lo[a], prob.hi[a]));
}

function excludedMatrix(prob: PrecisionProblem): Uint8Array {
  const excluded = new Uint8Array(prob.d * prob.d);
  for (let x = 0; x < prob.excludedA.length; x++) excluded[prob.excludedA[x] * prob.d + prob.excludedB[x]] = 1;
  return excluded;
}

/** The every-pair loss at π (Newton's, with its exclusions). */
function lossAt(prob: PrecisionProblem, pi: Float64Array): number {
  return lossGradHessian(prob, pi, excludedMatrix(prob), null, null);
}

function labels(L: Parameters<typeof posteriorFromLogTable>[0], mu: Float64Array, p: Float64Array, k: number) {
  const probs = posteriorFromLogTable(
    L,
    mu.map((x) => Math.log(Math.min(Math.max(x, 1e-4), 1 - 1e-4))),
    p,
  );
  const preds = new Int32Array(L.n);
  for (let i = 0; i < L.n; i++) for (let c = 1; c < k; c++) if (probs[i * k + c] > probs[i * k + preds[i]]) preds[i] = c;
  return { preds, probs };
}

const SHAPES = [
  [30, 2, 0.1, false],
  [20, 3, 0.05, false],
  [12, 6, 0.2, false],
  [30, 2, 0.3, true],
] as const;

describe('coordinate descent on the precision loss', () => {
  for (const [m, k, rate, dup] of SHAPES) {
    it(`its loss is the every-pair loss, with and without excluded moments, and no sweep raises it (m = ${m}, k = ${k}${dup ? ', duplicates' : ''})`, () => {
      const { prob, rng } = setup(m, k, rate, 3 * m + k, 3000, dup);
      for (const exclude of [false, true]) {
        if (exclude) {
          prob.excludedA = Int32Array.of(0, k + 1);
          prob.excludedB = Int32Array.of(2 * k, 3 * k + 1);
        }
        const pi = Float64Array.from({ length: prob.d }, (_, a) => prob.lo[a] + (prob.hi[a] - prob.lo[a]) * (0.2 + 0.6 * rng.next()));
        let before = lossAt(prob, pi);
        for (let s = 0; s < 6; s++) {
          const r = coordinateDescent(prob, pi, 0, 1);
          expect(Math.abs(r.start - before)).toBeLessThanOrEqual(1e-9 * Math.abs(before));
          const after = lossAt(prob, pi);
          expect(Math.abs(r.loss - after)).toBeLessThanOrEqual(1e-9 * Math.abs(after));
          expect(after).toBeLessThanOrEqual(before * (1 + 1e-12));
          for (const a of prob.active) expect(pi[a] >= prob.lo[a] && pi[a] <= prob.hi[a]).toBe(true);
          before = after;
        }
      }
    });

    it(`the fit reaches the optimum of Newton from the prior at a tight stop: loss within 1e-9, the same labels (m = ${m}, k = ${k}${dup ? ', duplicates' : ''})`, () => {
      const { L, y, prob, p, opts, O, stats } = setup(m, k, rate, 11 * m + k, 6000, dup);
      const fit = fitPrecisions(O, stats.n, stats.d, k, p, opts);
      expect(fit.converged).toBe(true);
      // Newton alone from the prior, to a stop far tighter than the default.
      const tight = priorStart(prob);
      const ref = newtonFit(prob, tight, 1e-15, 60, 0);
      const refLoss = lossAt(prob, tight);
      const pi = Float64Array.from({ length: prob.d }, (_, a) =>
        prob.diag[a] > 0 ? (fit.mu[a * k + (a % k)] * p[a % k]) / prob.diag[a] : prob.pi0[a],
      );
      const loss = lossAt(prob, pi);
      expect(ref.losses.length).toBeGreaterThan(2);
      expect(loss).toBeGreaterThanOrEqual(refLoss * (1 - 1e-12));
      expect(loss - refLoss).toBeLessThanOrEqual(1e-9 * Math.abs(refLoss));
      const muRef = new Float64Array(fit.mu.length);
      for (let a = 0; a < prob.d; a++) {
        const l = a % k;
        for (let c = 0; c < k; c++) muRef[a * k + c] = c === l ? (tight[a] * prob.diag[a]) / p[l] : ((1 - tight[a]) * prob.diag[a]) / (1 - p[l]);
      }
      const a = labels(L, fit.mu, p, k);
      const b = labels(L, muRef, p, k);
      expect(Array.from(a.preds)).toEqual(Array.from(b.preds));
      expect(Math.abs(accuracyOf(a.probs, k, y) - accuracyOf(b.probs, k, y))).toBe(0);
    });
  }

  it('Newton finishes where the sweeps are cut short, and its decrement stop lands within 1e-9 of the tight optimum', () => {
    const { prob } = setup(30, 2, 0.3, 17, 5000, true);
    const tight = priorStart(prob);
    newtonFit(prob, tight, 1e-15, 60, 0);
    const refLoss = lossAt(prob, tight);
    for (const sweeps of [0, 1, 3]) {
      const pi = priorStart(prob);
      const fit = newtonFit(prob, pi, 1e-9, 30, sweeps);
      expect(fit.converged).toBe(true);
      // More than the start and the sweeps' losses: Newton steps ran.
      expect(fit.losses.length).toBeGreaterThan(sweeps + 1);
      const loss = lossAt(prob, pi);
      expect(loss - refLoss).toBeLessThanOrEqual(1e-9 * Math.abs(refLoss));
      // The sweeps' loss comes from class sums, Newton's from the pairs: equal to rounding.
      for (let i = 1; i < fit.losses.length; i++) expect(fit.losses[i]).toBeLessThanOrEqual(fit.losses[i - 1] * (1 + 1e-12));
    }
  });
});

describe('coordinate descent above the Newton limit (d > 512, moments stored exactly)', () => {
  it('replaces Adam there: a loss no higher than Adam’s stop, μ within its tolerance, the same labels', () => {
    const { L, O, stats, p, opts } = setup(90, 6, 0.05, 23, 5000);
    expect(stats.d).toBeGreaterThan(512);
    const fit = fitPrecisions(O, stats.n, stats.d, 6, p, opts);
    const adam = fitPrecisions(O, stats.n, stats.d, 6, p, opts, 'adam');
    expect(fit.lowRank).toBe(false);
    expect(fit.converged).toBe(true);
    // The start and one entry per sweep, far fewer than Adam's epochs.
    expect(fit.lossHistory.length).toBeLessThan(adam.lossHistory.length / 5);
    const lossFit = fit.lossHistory[fit.lossHistory.length - 1];
    const lossAdam = adam.lossHistory[adam.lossHistory.length - 1];
    expect(lossFit).toBeLessThanOrEqual(lossAdam * (1 + 1e-12));
    let diff = 0;
    for (let i = 0; i < fit.mu.length; i++) diff = Math.max(diff, Math.abs(fit.mu[i] - adam.mu[i]));
    expect(diff).toBeLessThan(2e-3);
    expect(Array.from(labels(L, fit.mu, p, 6).preds)).toEqual(Array.from(labels(L, adam.mu, p, 6).preds));
  });
});
