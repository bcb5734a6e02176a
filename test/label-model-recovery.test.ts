import { describe, expect, it } from 'vitest';
import { DawidSkene, MajorityVote, MatrixCompletionModel, TripletModel, type LabelModel, WeightedMajorityVote } from '../src/index.js';
import { accuracyOf, sampleGenerative } from './label-model-helpers.js';

// Accuracies that differ widely: three good LFs, five barely better than random that outnumber them.
const accuracy = [0.95, 0.9, 0.85, 0.75, 0.65, 0.6, 0.6, 0.55];
const propensity = [0.3, 0.4, 0.3, 0.5, 0.6, 0.5, 0.7, 0.6];

/** Stated tolerances on max |learned − true accuracy| at n = 10,000. */
const TOLERANCE: Record<string, number> = { mc: 0.05, ds: 0.03, wmv: 0.05, triplet: 0.1 };

function models(k: number): [string, () => LabelModel][] {
  const list: [string, () => LabelModel][] = [
    ['mc', () => new MatrixCompletionModel()],
    ['ds', () => new DawidSkene()],
    ['wmv', () => new WeightedMajorityVote()],
  ];
  if (k === 2) list.push(['triplet', () => new TripletModel()]);
  return list;
}

describe.each([2, 4])('label models on data from a known model, k = %i, n = 10,000', (k) => {
  const { L, y } = sampleGenerative({ n: 10_000, accuracy, propensity, classBalance: new Array(k).fill(1 / k), seed: 1 });
  const mv = new MajorityVote();
  mv.fit(L);
  const mvAccuracy = accuracyOf(mv.predictProba(L), k, y);

  it.each(models(k))('%s recovers every LF accuracy within its tolerance and beats majority vote', (name, make) => {
    const model = make();
    const report = model.fit(L);
    expect(report.n).toBe(10_000);
    const learned = model.accuracies()!;
    expect(learned).toHaveLength(accuracy.length);
    learned.forEach((a, j) =>
      expect(Math.abs(a - accuracy[j]), `${name} LF ${j}: learned ${a}, true ${accuracy[j]}`).toBeLessThanOrEqual(TOLERANCE[name]),
    );
    const acc = accuracyOf(model.predictProba(L), k, y);
    expect(acc).toBeGreaterThan(mvAccuracy + 0.02);
  });
});

describe('class balance', () => {
  const { L } = sampleGenerative({ n: 10_000, accuracy, propensity, classBalance: [0.8, 0.2], seed: 2 });

  it('Dawid-Skene estimates a skewed class balance', () => {
    const ds = new DawidSkene();
    ds.fit(L);
    const p = ds.classBalance();
    expect(p[0]).toBeCloseTo(0.8, 1);
    expect(p[0] + p[1]).toBeCloseTo(1, 12);
  });

  it('matrix completion uses a given class balance and gives it to uncovered rows', () => {
    const mc = new MatrixCompletionModel();
    mc.fit(L, { classBalance: [0.8, 0.2] });
    expect(Array.from(mc.classBalance())).toEqual([0.8, 0.2]);
    const none = L.selectRows([0]);
    none.votes.fill(-1);
    const probs = mc.predictProba(none);
    expect(probs[0]).toBeCloseTo(0.8, 12);
    expect(probs[1]).toBeCloseTo(0.2, 12);
  });
});

describe('Snorkel preset', () => {
  const { L } = sampleGenerative({ n: 2000, accuracy, propensity, classBalance: [0.5, 0.5], seed: 3 });

  it('is reproducible for a seed and uses it for the random initial scale', () => {
    const fit = (seed: number) => {
      const mc = new MatrixCompletionModel();
      const report = mc.fit(L, { preset: 'snorkel', seed });
      return { probs: mc.predictProba(L), report };
    };
    const a = fit(7);
    const b = fit(7);
    const c = fit(8);
    expect(a.probs).toEqual(b.probs);
    expect(a.report.iterations).toBe(100);
    expect(a.report.lossHistory![0]).not.toBe(c.report.lossHistory![0]);
  });
});
