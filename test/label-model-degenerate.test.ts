import { describe, expect, it } from 'vitest';
import {
  LabelMatrix,
  createLabelModel,
  OverlapStats,
  TripletModel,
  createRng,
  expectedScore,
  scorePredictions,
  minCostAssignment,
} from '../src/internal.js';
import { sampleGenerative } from './label-model-helpers.js';

const KINDS = ['mv', 'wmv', 'ds', 'mc', 'triplet'] as const;

function checkProbs(probs: Float64Array, k: number): void {
  for (let i = 0; i < probs.length / k; i++) {
    let s = 0;
    for (let y = 0; y < k; y++) {
      expect(Number.isFinite(probs[i * k + y])).toBe(true);
      s += probs[i * k + y];
    }
    expect(s).toBeCloseTo(1, 12);
  }
}

describe.each(KINDS)('%s on degenerate inputs', (kind) => {
  it('all rows abstained: every row gets the class balance, and the report counts them', () => {
    const L = LabelMatrix.fromRows(
      Array.from({ length: 20 }, () => [-1, -1, -1, -1]),
      ['a', 'b'],
    );
    const model = createLabelModel(kind);
    const report = model.fit(L);
    expect(report.uncoveredRows).toBe(20);
    const probs = model.predictProba(L);
    checkProbs(probs, 2);
    const p = model.classBalance();
    for (let i = 0; i < 20; i++) expect([probs[2 * i], probs[2 * i + 1]]).toEqual([p[0], p[1]]);
    // A tie between classes abstains under the default policy.
    expect(Array.from(model.predict(L))).toEqual(new Array(20).fill(-1));
  });

  it('one LF: its vote wins, abstained rows get the class balance', () => {
    const rows = Array.from({ length: 40 }, (_, i) => [i % 4 === 3 ? -1 : i % 2]);
    const L = LabelMatrix.fromRows(rows, ['a', 'b']);
    const model = createLabelModel(kind);
    expect(model.fit(L).uncoveredRows).toBe(10);
    const probs = model.predictProba(L);
    checkProbs(probs, 2);
    const preds = model.predict(L);
    const p = model.classBalance();
    rows.forEach((r, i) => {
      if (r[0] >= 0) expect(preds[i]).toBe(r[0]);
      else expect([probs[2 * i], probs[2 * i + 1]]).toEqual([p[0], p[1]]);
    });
  });

  it('one class observed: votes still decide, no NaN', () => {
    const rows = Array.from({ length: 50 }, (_, i) => [i % 3 === 0 ? 0 : -1, i % 2 === 0 ? 0 : -1, i % 5 === 0 ? 0 : -1]);
    const L = LabelMatrix.fromRows(rows, ['a', 'b']);
    const model = createLabelModel(kind);
    model.fit(L);
    const probs = model.predictProba(L);
    checkProbs(probs, 2);
    rows.forEach((r, i) => {
      if (r.some((v) => v === 0)) expect(probs[2 * i]).toBeGreaterThan(probs[2 * i + 1]);
    });
  });
});

describe('k = 2 versus k = 4 on the same votes', () => {
  const { L } = sampleGenerative({
    n: 2000,
    accuracy: [0.9, 0.8, 0.75, 0.7, 0.65],
    propensity: [0.4, 0.5, 0.5, 0.6, 0.5],
    classBalance: [0.5, 0.5],
    seed: 21,
  });
  const L4 = new LabelMatrix({ n: L.n, m: L.m, votes: L.votes, lfNames: L.lfNames, labels: ['c0', 'c1', 'c2', 'c3'] });

  it.each(['mv', 'wmv', 'ds', 'mc'] as const)('%s: classes no LF votes for never win a covered row; uncovered rows are uniform over 4', (kind) => {
    const m4 = createLabelModel(kind);
    m4.fit(L4);
    const probs = m4.predictProba(L4);
    checkProbs(probs, 4);
    const counts = L4.voteCounts();
    for (let i = 0; i < L4.n; i++) {
      const top = Math.max(probs[4 * i], probs[4 * i + 1]);
      if (counts[i] > 0) {
        expect(probs[4 * i + 2]).toBeLessThan(top);
        expect(probs[4 * i + 3]).toBeLessThan(top);
      }
    }
  });

  it('the triplet model is binary and says so for k > 2', () => {
    expect(() => new TripletModel().fit(L4)).toThrow(/binary.*4 classes.*mc or ds/);
  });
});

describe('bad input', () => {
  const L = LabelMatrix.fromRows(
    [
      [0, 1, -1],
      [1, 1, 0],
      [0, -1, 0],
    ],
    ['a', 'b'],
    ['x', 'y', 'z'],
  );

  it('a matrix lacking one of the model LFs is an error naming it', () => {
    const model = createLabelModel('mc');
    model.fit(L);
    const other = LabelMatrix.fromRows([[0, 1]], ['a', 'b'], ['x', 'q']);
    expect(() => model.predictProba(other)).toThrow(/LFs the label matrix lacks: y, z/);
  });

  it('other classes are an error', () => {
    const model = createLabelModel('ds');
    model.fit(L);
    expect(() => model.predictProba(LabelMatrix.fromRows([[0, 1, 0]], ['a', 'b', 'c'], ['x', 'y', 'z']))).toThrow(/2 classes/);
  });

  it('an unfitted model says so', () => {
    expect(() => createLabelModel('mc').predictProba(L)).toThrow(/not fitted/);
  });

  it('unknown model kinds and bad options are clear errors', () => {
    expect(() => createLabelModel('snorkel')).toThrow(/unknown label model "snorkel"/);
    expect(() => createLabelModel('mc').fit(L, { classBalance: [0.5, 0.2, 0.3] })).toThrow(/class balance has 3 entries/);
    expect(() => createLabelModel('ds').fit(L, { smoothing: -1 })).toThrow(/smoothing/);
  });

  it('auto: a dev gold label outside the classes is one clear error, not a failure of every candidate', () => {
    // wmv counted such a label as a wrong vote for every LF.
    expect(() => createLabelModel('wmv').fit(L, { dev: { L, gold: [0, 1, 5] } })).toThrow(/dev gold label 5 at row 2 is not -1/);
    expect(() => createLabelModel('auto').fit(L, { dev: { L, gold: [0, 2, 1] } })).toThrow(
      /^auto: dev gold label 2 at row 1 is not -1 \(unknown\) or a class index 0\.\.1 \(a, b\)$/,
    );
  });
});

describe('building blocks', () => {
  it('Munkres finds the optimal assignment (checked against all permutations)', () => {
    const rng = createRng(3);
    const perms = (n: number): number[][] =>
      n === 1 ? [[0]] : perms(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
    for (let trial = 0; trial < 30; trial++) {
      const k = 1 + (trial % 6);
      const cost = Array.from({ length: k * k }, () => Math.round(rng.next() * 20) - 10);
      const assign = minCostAssignment(cost, k);
      expect(new Set(assign).size).toBe(k);
      const total = (p: ArrayLike<number>) => Array.from({ length: k }, (_, r) => cost[r * k + p[r]]).reduce((a, b) => a + b, 0);
      expect(total(assign)).toBe(Math.min(...perms(k).map(total)));
    }
  });

  it('overlap statistics count each row’s co-votes, abstains dropped', () => {
    const L = LabelMatrix.fromRows(
      [
        [0, 1, -1],
        [0, 0, 1],
        [-1, -1, -1],
      ],
      ['a', 'b'],
    );
    const s = OverlapStats.fromLabelMatrix(L);
    expect([s.n, s.uncovered, s.d]).toEqual([3, 1, 6]);
    expect(s.votes(0, 0)).toBe(2);
    expect(s.count(0, 3)).toBe(1); // LF0=a with LF1=b (row 0)
    expect(s.count(2, 0)).toBe(1); // LF1=a with LF0=a (row 1), symmetric lookup
    expect(s.count(0, 5)).toBe(1); // LF0=a with LF2=b
    const O = s.overlap();
    expect(O[0 * 6 + 3]).toBeCloseTo(1 / 3, 15);
    expect(O[3 * 6 + 0]).toBe(O[0 * 6 + 3]);
  });

  it('metrics: accuracy, binary F1 (class 1 positive) and the expected score under random tie-breaks', () => {
    expect(scorePredictions([0, 1, 1, 0], [0, 1, 0, 0], 2, 'accuracy')).toBe(0.75);
    expect(scorePredictions([0, 1, 1, 0], [0, 1, 0, 1], 2, 'f1')).toBeCloseTo(0.5, 12);
    expect(scorePredictions([0, 1, -1], [0, 0, 1], 2, 'accuracy')).toBe(0.5);
    // Row 0 tied: half credit.
    expect(expectedScore([0, 1], Float64Array.from([0.5, 0.5, 0.1, 0.9]), 2, 'accuracy')).toBeCloseTo(0.75, 12);
    expect(() => scorePredictions([0, 2], [0, 2], 3, 'f1')).toThrow(/binary/);
  });

  it('metrics refuse class indices outside 0..k-1 instead of scoring them in another confusion cell', () => {
    // Prediction 3 with k = 2 used to land in the (gold 1, pred 1) cell: accuracy 1 instead of an error.
    expect(() => scorePredictions([1, 0], [1, 3], 2, 'accuracy')).toThrow(/prediction 3 at row 1 is not a class index 0\.\.1/);
    expect(() => scorePredictions([2, 0], [0, 0], 2, 'accuracy')).toThrow(/gold label 2 at row 0/);
    expect(() => expectedScore([2, 0], Float64Array.from([0.1, 0.9, 0.8, 0.2]), 2, 'accuracy')).toThrow(/gold label 2 at row 0/);
    expect(scorePredictions([1, -1, 0], [1, 0, -1], 2, 'accuracy')).toBe(0.5);
  });
});

describe('triplet minZ = 0 (every triplet, no significance filter)', () => {
  it('still pairs a column only with voting columns of other LFs, so accuracies stay those of minZ = 2', () => {
    const accuracy = [0.85, 0.7, 0.6, 0.75, 0.8];
    const { L } = sampleGenerative({ n: 20000, accuracy, propensity: [0.5, 0.4, 0.6, 0.5, 0.3], classBalance: [0.5, 0.5], seed: 4 });
    const all = new TripletModel();
    all.fit(L, { minZ: 0 });
    const significant = new TripletModel();
    significant.fit(L, { minZ: 2 });
    const a = all.accuracies();
    const b = significant.accuracies();
    // Same-LF columns (covariance 0 by construction) once entered as partners and divided by zero: LF 3 came out 0.685.
    for (let j = 0; j < accuracy.length; j++) {
      expect(Math.abs(a[j] - accuracy[j])).toBeLessThan(0.035);
      expect(Math.abs(a[j] - b[j])).toBeLessThan(0.01);
    }
  });
});
