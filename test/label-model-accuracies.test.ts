import { describe, expect, it } from 'vitest';
import { DawidSkene, MatrixCompletionModel, TripletModel, type LabelModel, WeightedMajorityVote, type LabelMatrix } from '../src/index.js';
import { sampleByClass } from './label-model-helpers.js';

// `accuracies()` is each model's P(vote correct | LF votes): the quantity lfSummary's empirical accuracy measures on
// gold labels. These LFs are like real keyword LFs: each only ever votes its own class ("unipolar"), and how often it
// fires depends on the class. [class it votes, P(vote | that class), P(vote | the other class)]
const UNIPOLAR: [number, number, number][] = [
  [1, 0.25, 0.01],
  [1, 0.3, 0.03],
  [1, 0.15, 0.02],
  [1, 0.32, 0.08],
  [0, 0.2, 0.02],
  [0, 0.3, 0.06],
  [1, 0.2, 0.05],
  [0, 0.25, 0.1],
  [1, 0.4, 0.1],
  [0, 0.4, 0.15],
];

function unipolar(classBalance: number[], seed: number) {
  return sampleByClass({
    n: 10_000,
    voteRate: UNIPOLAR.map(([c, on, off]) => (c === 1 ? [off, on] : [on, off])),
    rightRate: UNIPOLAR.map(([c]) => (c === 1 ? [0, 1] : [1, 0])),
    classBalance,
    seed,
  });
}

function maxError(model: LabelModel, truth: number[]): number {
  const learned = model.accuracies()!;
  expect(learned).toHaveLength(truth.length);
  return Math.max(...truth.map((t, j) => Math.abs(learned[j] - t)));
}

/** Mean over LF j's votes of the model's posterior probability of the voted class. */
function posteriorAgreement(model: LabelModel, L: LabelMatrix): number[] {
  const probs = model.predictProba(L);
  const { n, m, k, votes } = L;
  return Array.from({ length: m }, (_, j) => {
    let sum = 0;
    let count = 0;
    for (let i = 0; i < n; i++) {
      const v = votes[i * m + j];
      if (v < 0) continue;
      sum += probs[i * k + v];
      count++;
    }
    return sum / count;
  });
}

// Tolerances on max |learned − true| over the 10 LFs at n = 10,000 (measured errors are about half of these).
describe('learned accuracies match the generating model (unipolar LFs, n = 10,000)', () => {
  describe('balanced classes, default options', () => {
    const { L, accuracy } = unipolar([0.5, 0.5], 21);
    it.each<[string, () => LabelModel, Record<string, unknown>, number]>([
      ['mc', () => new MatrixCompletionModel(), {}, 0.06],
      // Snorkel's own 100 SGD steps stop short of the optimum (error ≈ 0.11); run it to convergence.
      ['mc snorkel preset (Adam, 500 steps)', () => new MatrixCompletionModel(), { preset: 'snorkel', optimizer: 'adam', epochs: 500 }, 0.06],
      ['ds', () => new DawidSkene(), {}, 0.05],
      ['triplet', () => new TripletModel(), {}, 0.05],
      ['wmv (accuracies from mc)', () => new WeightedMajorityVote(), {}, 0.06],
    ])('%s', (_name, make, options, tolerance) => {
      const model = make();
      model.fit(L, options);
      expect(maxError(model, accuracy)).toBeLessThanOrEqual(tolerance);
    });
  });

  describe('skewed classes (70 / 30)', () => {
    const balance = [0.7, 0.3];
    const { L, accuracy } = unipolar(balance, 22);
    it.each<[string, () => LabelModel, Record<string, unknown>, number]>([
      ['ds (estimates the balance)', () => new DawidSkene(), {}, 0.06],
      ['mc, balance estimated', () => new MatrixCompletionModel(), { classBalance: 'estimate' }, 0.07],
      ['mc, balance given', () => new MatrixCompletionModel(), { classBalance: balance }, 0.07],
      ['triplet, balance given', () => new TripletModel(), { classBalance: balance }, 0.07],
      ['wmv, balance given', () => new WeightedMajorityVote(), { classBalance: balance, mc: { classBalance: balance } }, 0.07],
    ])('%s', (_name, make, options, tolerance) => {
      const model = make();
      model.fit(L, options);
      expect(maxError(model, accuracy)).toBeLessThanOrEqual(tolerance);
    });

    it('a model that assumes uniform classes reports accuracies under that assumption (documented, not a bug)', () => {
      const mc = new MatrixCompletionModel();
      mc.fit(L);
      expect(maxError(mc, accuracy)).toBeGreaterThan(0.15);
    });
  });
});

describe('Dawid-Skene accuracies are its own posterior agreement with each LF', () => {
  // Two-sided LFs whose vote rate depends on the class: [P(vote | 0), P(vote | 1), P(right | 0), P(right | 1)].
  const spec = [
    [0.2, 0.6, 0.9, 0.85],
    [0.5, 0.2, 0.8, 0.9],
    [0.3, 0.3, 0.75, 0.7],
    [0.6, 0.3, 0.85, 0.65],
    [0.25, 0.5, 0.7, 0.9],
    [0.4, 0.4, 0.65, 0.8],
  ];
  const { L, accuracy } = sampleByClass({
    n: 20_000,
    voteRate: spec.map((s) => [s[0], s[1]]),
    rightRate: spec.map((s) => [s[2], s[3]]),
    classBalance: [0.5, 0.5],
    seed: 23,
  });

  it.each(['model', 'ignore'] as const)('abstains %s: accuracy = mean posterior probability of the voted class', (abstains) => {
    const ds = new DawidSkene();
    ds.fit(L, { abstains, tolerance: 1e-10, maxIterations: 500 });
    const agreement = posteriorAgreement(ds, L);
    ds.accuracies().forEach((a, j) => expect(Math.abs(a - agreement[j]), `LF ${j}`).toBeLessThan(2e-3));
    // With abstains ignored the model cannot express class-dependent vote rates; weighting θ by the class balance
    // instead of the LF's own vote mix was off by 0.07 here.
    expect(maxError(ds, accuracy)).toBeLessThanOrEqual(abstains === 'model' ? 0.03 : 0.06);
  });

  it('a saved abstains-ignored model reports the same accuracies', () => {
    const ds = new DawidSkene();
    ds.fit(L, { abstains: 'ignore' });
    const loaded = DawidSkene.fromJSON(JSON.parse(JSON.stringify(ds.toJSON())));
    expect(Array.from(loaded.accuracies())).toEqual(Array.from(ds.accuracies()));
  });
});
