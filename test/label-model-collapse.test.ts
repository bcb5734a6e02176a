import { describe, expect, it } from 'vitest';
import { collapseWarnings, expectedScore } from '../src/internal.js';
import { DawidSkene, MajorityVote, createLabelModel, WeightedMajorityVote, type LabelMatrix, createRng } from '../src/index.js';
import { sampleByClass } from './label-model-helpers.js';

// Generated sets with a known answer (the true classes y), shaped like the issue-13 collapses: many LFs × many
// classes, skewed class balance, one-class ("unipolar") keyword-like LFs with low coverage, near-duplicate LFs.
interface Shape {
  m: number;
  k: number;
  balance: number[];
  seed: number;
  unipolar?: boolean;
  coverage?: number;
  duplicates?: number;
}

function generate(s: Shape): { L: LabelMatrix; y: Int32Array } {
  const rng = createRng(s.seed);
  const c = s.coverage ?? 0.15;
  const voteRate: number[][] = [];
  const rightRate: number[][] = [];
  for (let j = 0; j < s.m; j++) {
    if (s.unipolar) {
      const l = j % s.k;
      voteRate.push(Array.from({ length: s.k }, (_, y) => (y === l ? 3 * c : 0.3 * c * rng.next())));
      rightRate.push(Array.from({ length: s.k }, (_, y) => (y === l ? 1 : 0)));
    } else {
      voteRate.push(new Array<number>(s.k).fill(c));
      rightRate.push(Array.from({ length: s.k }, () => 0.45 + 0.4 * rng.next()));
    }
  }
  for (let d = 0; d < (s.duplicates ?? 0); d++) {
    voteRate.push([...voteRate[0]]);
    rightRate.push([...rightRate[0]]);
  }
  const { L, y } = sampleByClass({ n: 3000, voteRate, rightRate, classBalance: s.balance, seed: s.seed });
  return { L, y };
}

const SHAPES: Record<string, Shape> = {
  'many LFs × many classes': { m: 30, k: 6, balance: [0.3, 0.25, 0.2, 0.1, 0.1, 0.05], seed: 1 },
  'unipolar LFs, 6 classes, low coverage': { m: 36, k: 6, balance: [0.3, 0.25, 0.2, 0.1, 0.1, 0.05], seed: 2, unipolar: true, coverage: 0.05 },
  'skewed binary, unipolar LFs': { m: 40, k: 2, balance: [0.9, 0.1], seed: 3, unipolar: true, coverage: 0.05 },
  'skewed 4 classes, unipolar LFs': { m: 30, k: 4, balance: [0.55, 0.25, 0.15, 0.05], seed: 6, unipolar: true, coverage: 0.04 },
  'near-duplicate LFs': { m: 8, k: 3, balance: [0.5, 0.3, 0.2], seed: 5, duplicates: 6 },
};

const mvScore = (L: LabelMatrix, y: Int32Array) => {
  const mv = new MajorityVote();
  mv.fit(L);
  return expectedScore(y, mv.predictProba(L), L.k, 'accuracy');
};

describe('no model falls more than 3 points below majority vote without saying so', () => {
  for (const [name, shape] of Object.entries(SHAPES)) {
    it(name, () => {
      const { L, y } = generate(shape);
      const mv = mvScore(L, y);
      for (const kind of ['ds', 'mc', 'wmv', 'triplet'] as const) {
        if (kind === 'triplet' && L.k !== 2) continue;
        const model = createLabelModel(kind);
        const report = model.fit(L);
        const score = expectedScore(y, model.predictProba(L), L.k, 'accuracy');
        if (score < mv - 0.03) {
          expect(report.warnings?.length, `${kind} scores ${score.toFixed(3)} against MV ${mv.toFixed(3)} silently`).toBeGreaterThan(0);
          expect(report.notes!.some((n) => n.startsWith('possible degenerate fit: '))).toBe(true);
        }
      }
    });
  }
});

describe('collapse: reproduced and detected', () => {
  it('Dawid-Skene with abstains ignored on one-class LFs: one class absorbs every row, and the report says so', () => {
    const { L, y } = generate(SHAPES['skewed binary, unipolar LFs']);
    const ds = new DawidSkene();
    const report = ds.fit(L, { abstains: 'ignore', collapseGuard: false });
    expect(ds.predict(L).every((p) => p === 0)).toBe(true); // the collapse: every row is class 0
    expect(expectedScore(y, ds.predictProba(L), 2, 'accuracy')).toBeLessThan(mvScore(L, y) - 0.03);
    expect(report.warnings!.join('\n')).toMatch(/class c0 absorbs 100% of the rows with votes/);
    expect(report.warnings!.join('\n')).toMatch(/class c1 vanished/);
  });

  it('the collapse guard: EM alone lets a class vanish; the guarded refit is more accurate and says it refitted', () => {
    const { L, y } = generate(SHAPES['unipolar LFs, 6 classes, low coverage']);
    const plain = new DawidSkene();
    const plainReport = plain.fit(L, { collapseGuard: false });
    expect(plainReport.warnings!.join('\n')).toMatch(/vanished/);
    const guarded = new DawidSkene();
    const report = guarded.fit(L);
    // The kept refit shows no sign of collapse, so the refit is a note, not a warning.
    expect(report.warnings).toBeUndefined();
    expect(report.notes!.join('\n')).toMatch(/EM from majority vote collapsed \(.*vanished.*\); refitted with a diagonal prior/);
    expect(expectedScore(y, guarded.predictProba(L), 6, 'accuracy')).toBeGreaterThan(expectedScore(y, plain.predictProba(L), 6, 'accuracy') + 0.01);
    // The refit is what was saved: a reload predicts the same.
    const back = DawidSkene.fromJSON(JSON.parse(JSON.stringify(guarded.toJSON())));
    expect(back.predictProba(L)).toEqual(guarded.predictProba(L));
  });

  it('a prior that swamps the votes is a class absorbing everything; a healthy fit has no warning', () => {
    const { L } = generate(SHAPES['many LFs × many classes']);
    const wmv = new WeightedMajorityVote();
    const skewed = wmv.fit(L, { classBalance: [1 - 5e-6, 1e-6, 1e-6, 1e-6, 1e-6, 1e-6], accuracies: new Array(L.m).fill(0.3) });
    expect(skewed.warnings!.join('\n')).toMatch(/class c0 absorbs \d+% of the rows with votes/);
    const mc = createLabelModel('mc');
    expect(mc.fit(L).warnings).toBeUndefined();
    expect(collapseWarnings(mc, L)).toEqual([]);
  });

  it('most LFs below chance is reported', () => {
    const { L } = generate(SHAPES['near-duplicate LFs']);
    const wmv = new WeightedMajorityVote();
    wmv.fit(L, { accuracies: new Array(L.m).fill(0.2) });
    expect(collapseWarnings(wmv, L).join('\n')).toMatch(/14 of 14 LFs have a learned accuracy below chance \(1\/3\)/);
  });
});
