import { describe, expect, it } from 'vitest';
import { LabelMatrix, MajorityVote, WeightedMajorityVote, lfSummary, matrixSummary, lfCorrelations, ConfigError, createRng } from '../src/index.js';
import { countPairs } from '../src/internal.js';

// Hand-computed example: 6 rows, 4 LFs (w never votes), classes A B C; row 2 is uncovered.
//          x   y   z   w      covered overlapped conflicted   gold
const rows = [
  [0, 0, -1, -1], //  yes     yes        no             A
  [0, 1, -1, -1], //  yes     yes        yes            B
  [-1, -1, -1, -1], // no     no         no             A
  [2, -1, -1, -1], // yes     no         no             C
  [1, 1, 2, -1], //  yes      yes        yes            B
  [-1, 1, 1, -1], // yes      yes        no             unknown (-1)
];
const gold = Int32Array.from([0, 1, 0, 2, 1, -1]);
const labels = ['A', 'B', 'C'];
const names = ['x', 'y', 'z', 'w'];
const make = () => {
  const base = LabelMatrix.fromRows(rows, labels, names);
  return new LabelMatrix({ n: base.n, m: base.m, votes: base.votes, labels, lfNames: names, errorCounts: Int32Array.from([0, 2, 0, 0]) });
};

describe('lfSummary', () => {
  it('computes every column as Snorkel LFAnalysis defines it (fractions of n)', () => {
    const s = lfSummary(make(), { gold });
    expect(s.map((r) => r.lf)).toEqual(names);
    expect(s.map((r) => r.polarity)).toEqual([['A', 'B', 'C'], ['A', 'B'], ['B', 'C'], []]);
    expect(s.map((r) => r.coverage)).toEqual([4 / 6, 4 / 6, 2 / 6, 0]);
    expect(s.map((r) => r.overlaps)).toEqual([3 / 6, 4 / 6, 2 / 6, 0]);
    // y sided with the majority on row 4 but the row conflicts, so it counts for y too.
    expect(s.map((r) => r.conflicts)).toEqual([2 / 6, 2 / 6, 1 / 6, 0]);
    // Row 5 has no gold: left out of correct/incorrect.
    expect(s.map((r) => r.correct)).toEqual([3, 3, 0, 0]);
    expect(s.map((r) => r.incorrect)).toEqual([1, 0, 1, 0]);
    // 0/0 (w never voted) is 0, as Snorkel's nan_to_num.
    expect(s.map((r) => r.empiricalAccuracy)).toEqual([0.75, 1, 0, 0]);
    expect(s.map((r) => r.errors)).toEqual([0, 2, 0, 0]);
    expect(s.every((r) => r.learnedAccuracy === undefined)).toBe(true);
  });

  it('leaves out the gold columns without gold', () => {
    const s = lfSummary(make());
    expect(Object.keys(s[0])).toEqual(['lf', 'polarity', 'coverage', 'overlaps', 'conflicts', 'errors']);
  });

  it('adds learned accuracies given directly, and none for a model without that notion', () => {
    const L = make();
    const s = lfSummary(L, { learnedAccuracies: [0.9, 0.8, 0.7, 0.6] });
    expect(s.map((r) => r.learnedAccuracy)).toEqual([0.9, 0.8, 0.7, 0.6]);
    const mv = new MajorityVote();
    mv.fit(L);
    expect(lfSummary(L, { model: mv }).some((r) => 'learnedAccuracy' in r)).toBe(false);
  });

  it('matches a model fitted on the same LFs in another order to L by LF name', () => {
    const L = make();
    const wmv = new WeightedMajorityVote();
    // Fitted on columns y, w, x, z: its accuracies come in that order.
    wmv.fit(L.selectLFs(['y', 'w', 'x', 'z']), { accuracies: [0.8, 0.6, 0.9, 0.7] });
    expect(lfSummary(L, { model: wmv }).map((r) => [r.lf, r.learnedAccuracy])).toEqual([
      ['x', 0.9],
      ['y', 0.8],
      ['z', 0.7],
      ['w', 0.6],
    ]);
  });

  it('rejects a model fitted on other LFs or classes (naming what differs), accuracies of the wrong length and bad gold', () => {
    const L = make();
    const fewer = new WeightedMajorityVote();
    fewer.fit(L.selectLFs(['y', 'x', 'z']), { accuracies: [0.8, 0.9, 0.7] });
    expect(() => lfSummary(L, { model: fewer })).toThrow(
      /fitted on LFs \[y, x, z\] but the label matrix has \[x, y, z, w\] \(only the matrix has w\)/,
    );
    const renamed = new WeightedMajorityVote();
    renamed.fit(LabelMatrix.fromRows(rows, labels, ['x', 'y', 'z', 'v']), { accuracies: [0.9, 0.8, 0.7, 0.6] });
    expect(() => lfSummary(L, { model: renamed })).toThrow(/\(only the model has v; only the matrix has w\)/);
    const otherClasses = new WeightedMajorityVote();
    otherClasses.fit(LabelMatrix.fromRows(rows, ['A', 'C', 'B'], names), { accuracies: [0.9, 0.8, 0.7, 0.6] });
    expect(() => lfSummary(L, { model: otherClasses })).toThrow(/classes \[A, C, B\] but the label matrix has \[A, B, C\]/);
    expect(() => lfSummary(L, { learnedAccuracies: [0.5] })).toThrow(ConfigError);
    expect(() => lfSummary(L, { gold: [0, 1] })).toThrow(/2 labels for a label matrix of 6 rows/);
    expect(() => lfSummary(L, { gold: [0, 1, 0, 3, 1, -1] })).toThrow(/row 3 has label 3/);
  });
});

describe("lfSummary against a literal reading of Snorkel's definitions (random matrices, k = 2..127)", () => {
  it('matches row by row and column by column', () => {
    const rng = createRng(77);
    for (let t = 0; t < 200; t++) {
      const k = [2, 3, 6, 127][rng.int(4)];
      const n = rng.int(80);
      const m = 1 + rng.int(6);
      const abstainRate = rng.next();
      const votes = Int8Array.from({ length: n * m }, () => (rng.next() < abstainRate ? -1 : rng.int(k)));
      const L = new LabelMatrix({
        n,
        m,
        votes,
        lfNames: Array.from({ length: m }, (_, j) => `l${j}`),
        labels: Array.from({ length: k }, (_, y) => `c${y}`),
      });
      const g = Int32Array.from({ length: n }, () => (rng.next() < 0.2 ? -1 : rng.int(k)));
      const got = lfSummary(L, { gold: g });
      for (let j = 0; j < m; j++) {
        let cov = 0,
          ovl = 0,
          con = 0,
          right = 0,
          wrong = 0;
        const polarity = new Set<number>();
        for (let i = 0; i < n; i++) {
          const v = L.get(i, j);
          if (v < 0) continue;
          const row = Array.from(L.row(i)).filter((x) => x >= 0);
          polarity.add(v);
          cov++;
          if (row.length > 1) ovl++;
          if (new Set(row).size > 1) con++;
          if (g[i] >= 0) v === g[i] ? right++ : wrong++;
        }
        const frac = (x: number) => (n ? x / n : 0);
        expect(got[j]).toEqual({
          lf: `l${j}`,
          polarity: [...polarity].sort((a, b) => a - b).map((y) => `c${y}`),
          coverage: frac(cov),
          overlaps: frac(ovl),
          conflicts: frac(con),
          correct: right,
          incorrect: wrong,
          empiricalAccuracy: right + wrong ? right / (right + wrong) : 0,
          errors: 0,
        });
      }
    }
  });
});

describe('matrixSummary', () => {
  it('computes whole-matrix coverage, overlap, conflict and vote counts', () => {
    expect(matrixSummary(make())).toEqual({
      n: 6,
      m: 4,
      k: 3,
      coverage: 5 / 6,
      overlap: 4 / 6,
      conflict: 2 / 6,
      uncoveredRows: 1,
      meanVotesPerRow: 10 / 6,
      votesPerClass: [3, 5, 2],
    });
  });

  it('handles an empty matrix without dividing by zero', () => {
    const L = new LabelMatrix({ n: 0, m: 2, votes: new Int8Array(0), labels: ['A', 'B'], lfNames: ['p', 'q'] });
    expect(matrixSummary(L)).toMatchObject({ coverage: 0, overlap: 0, conflict: 0, uncoveredRows: 0 });
    expect(lfSummary(L).map((r) => r.coverage)).toEqual([0, 0]);
  });
});

describe('lfCorrelations', () => {
  it('computes shared rows, agreement, conflict and jaccard per pair', () => {
    const c = lfCorrelations(make());
    const pick = (a: string, b: string) => c.pairs.find((p) => p.a === a && p.b === b)!;
    expect(c.pairs.map((p) => `${p.a}-${p.b}`)).toEqual(['x-y', 'y-z', 'x-z']); // most shared first; w shares nothing
    expect(pick('x', 'y')).toEqual({
      a: 'x',
      b: 'y',
      shared: 3,
      overlap: 0.5,
      agreement: 2 / 3,
      conflict: 1 / 3,
      jaccard: 3 / 5,
      nearDuplicate: false,
    });
    expect(pick('y', 'z')).toMatchObject({ shared: 2, agreement: 0.5, jaccard: 0.5 });
    expect(pick('x', 'z')).toMatchObject({ shared: 1, agreement: 0, conflict: 1, jaccard: 1 / 5 });
    expect(c.nearDuplicates).toEqual([]);
  });

  it('flags near-duplicates, but not two one-class LFs that merely agree where both fire', () => {
    // dup is a copy of base except one row; rare fires on 2 of base's 20 rows (always agreeing, jaccard 0.1).
    const n = 40;
    const rowsND = Array.from({ length: n }, (_, i) => {
      const base = i < 20 ? 1 : -1;
      const dup = i === 0 ? 0 : base;
      const rare = i < 2 ? 1 : -1;
      return [base, dup, rare];
    });
    const c = lfCorrelations(LabelMatrix.fromRows(rowsND, ['NO', 'YES'], ['base', 'dup', 'rare']));
    expect(c.nearDuplicates.map((p) => `${p.a}-${p.b}`)).toEqual(['base-dup']);
    expect(c.nearDuplicates[0].agreement).toBeCloseTo(19 / 20, 12);
    const rare = c.pairs.find((p) => p.a === 'base' && p.b === 'rare')!;
    expect(rare).toMatchObject({ agreement: 1, nearDuplicate: false });
    expect(
      lfCorrelations(LabelMatrix.fromRows(rowsND, ['NO', 'YES']), { duplicateJaccard: 0.05 }).nearDuplicates.map((p) => `${p.a}-${p.b}`),
    ).toEqual(['lf0-lf1', 'lf0-lf2']);
    expect(() => lfCorrelations(make(), { duplicateAgreement: 1.5 })).toThrow(ConfigError);
  });
});

describe('countPairs', () => {
  it('gives identical counts by rows and by bitsets (k = 2, 5, 100; rows not a multiple of 32)', () => {
    for (const [k, density] of [
      [2, 0.3],
      [5, 0.7],
      [100, 0.5],
    ] as const) {
      const rng = createRng(k);
      const n = 1000 + k;
      const m = 7;
      const rows = Array.from({ length: n }, () => Array.from({ length: m }, () => (rng.next() < density ? rng.int(k) : -1)));
      const L = LabelMatrix.fromRows(
        rows,
        Array.from({ length: k }, (_, y) => `c${y}`),
      );
      const a = countPairs(L, 'rows');
      const b = countPairs(L, 'bitsets');
      expect(b).toEqual(a);
      // Spot-check one pair against a direct count.
      let shared = 0,
        agree = 0;
      for (const r of rows) if (r[1] !== -1 && r[4] !== -1) shared++, (agree += r[1] === r[4] ? 1 : 0);
      expect([a.shared[1 * m + 4], a.agree[1 * m + 4]]).toEqual([shared, agree]);
    }
  });
});
