import { describe, expect, it } from 'vitest';
import { createRng, LabelMatrix, MatrixCompletionModel } from '../src/index.js';
import { OverlapStats } from '../src/internal.js';
import { resolveOptions } from '../src/label-model/mc/options.js';
import { precisionProblem, sparseLossAndGradient } from '../src/label-model/mc/precision-fit.js';

// LF dependencies (the spam demo's keyword_my co-firing with keyword_channel), on generated data with a known answer:
// 8 independent LFs of known accuracy, and a copy of LF 0 (accuracy 0.65) that fires on the rows LF 0 fires on and
// votes what it votes. A conditionally independent model reads the copies' agreement as evidence that both are right.
function generate(seed: number): { L: LabelMatrix; accuracy: number[] } {
  const rng = createRng(seed);
  const n = 6000;
  const accuracy = [0.65, 0.9, 0.85, 0.8, 0.75, 0.7, 0.85, 0.8];
  const m = accuracy.length + 1;
  const votes = new Int8Array(n * m).fill(-1);
  for (let i = 0; i < n; i++) {
    const y = rng.next() < 0.5 ? 0 : 1;
    accuracy.forEach((acc, j) => {
      if (rng.next() < 0.3) votes[i * m + j] = rng.next() < acc ? y : 1 - y;
    });
    votes[i * m + m - 1] = votes[i * m];
  }
  const lfNames = [...accuracy.map((_, j) => `lf${j}`), 'lf0_copy'];
  return { L: new LabelMatrix({ n, m, votes, labels: ['NO', 'YES'], lfNames }), accuracy: [...accuracy, accuracy[0]] };
}

describe('LF dependencies', () => {
  const { L, accuracy } = generate(3);

  it('names the dependent pair in the fit notes, and only that pair', () => {
    const report = new MatrixCompletionModel().fit(L);
    const note = report.notes!.find((x) => x.startsWith('LFs that co-vote beyond what the class explains'));
    expect(note).toBeDefined();
    expect(note).toMatch(/lf0 and lf0_copy vote (NO|YES) together/);
    expect(note!.match(/ and \w+ vote /g)?.every((x) => x.includes('lf0_copy'))).toBe(true);
    expect(note).not.toMatch(/more LF pair/);
  });

  it("dependencies 'exclude' brings the duplicated LF's learned accuracy back toward the truth", () => {
    const kept = new MatrixCompletionModel();
    kept.fit(L);
    const excluded = new MatrixCompletionModel();
    const report = excluded.fit(L, { dependencies: 'exclude' });
    expect(report.notes!.join('\n')).toMatch(/refitted without those \d+ co-vote moments/);
    const err = (acc: Float64Array) => Math.abs(acc[0] - accuracy[0]) + Math.abs(acc[8] - accuracy[8]);
    expect(err(kept.accuracies()!)).toBeGreaterThan(0.3); // both read as near-perfect
    expect(err(excluded.accuracies()!)).toBeLessThan(err(kept.accuracies()!) / 2);
  });

  it('an excluded moment leaves the loss and its gradient exactly (finite differences)', () => {
    const stats = OverlapStats.fromLabelMatrix(L);
    const p = Float64Array.from([0.5, 0.5]);
    const prob = precisionProblem(stats.overlap(), stats.n, stats.d, 2, p, resolveOptions({}, L.m, 2, stats.n));
    prob.excludedA = Int32Array.from([0, 1]);
    prob.excludedB = Int32Array.from([16, 17]);
    const d = stats.d;
    const rng = createRng(5);
    const pi = Float64Array.from({ length: d }, (_, a) => prob.lo[a] + (prob.hi[a] - prob.lo[a]) * (0.2 + 0.6 * rng.next()));
    const s = () => Array.from({ length: 5 }, () => new Float64Array(d));
    const [on, off, gOn, gOff, grad] = s();
    sparseLossAndGradient(prob, pi, on, off, gOn, gOff, grad);
    for (const a of [0, 1, 3, 16]) {
      const h = 1e-6;
      const plus = Float64Array.from(pi);
      const minus = Float64Array.from(pi);
      plus[a] += h;
      minus[a] -= h;
      const [a1, b1, c1, e1, g1] = s();
      const numeric = (sparseLossAndGradient(prob, plus, a1, b1, c1, e1, g1) - sparseLossAndGradient(prob, minus, a1, b1, c1, e1, g1)) / (2 * h);
      expect(Math.abs(numeric - grad[a])).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(grad[a])));
    }
  });
});
