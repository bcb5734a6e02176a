import { describe, expect, it } from 'vitest';
import { LabelMatrix } from '../src/index.js';
import { OverlapStats } from '../src/internal.js';
import { coveredSample } from '../src/matrix/covered-sample.js';
import { randomSparseMatrix as matrix, referenceRow, rowsOf } from './sparse-votes-helpers.js';
import { rememberSparseVotes, SPARSE_MAX_SHARE, sparseVotes, toSparseVotes } from '../src/matrix/sparse-votes.js';

// The compressed rows that the statistics pass, the posterior and the post-fit checks share, against references
// written here from the dense votes byte by byte.

describe('compressed rows of a label matrix', () => {
  for (const [n, m, k, rate, shift] of [
    [400, 100, 2, 0.1, 0],
    [400, 37, 3, 0.05, 3],
    [300, 13, 6, 0.2, 1],
    [1000, 9, 2, 0.01, 2],
  ] as const) {
    it(`list every vote of every row in LF order and are built once (n ${n}, m ${m}, k ${k}, rate ${rate}, offset ${shift})`, () => {
      const L = matrix(n, m, k, rate, n + m, shift);
      const sv = sparseVotes(L);
      expect(sv).not.toBeNull();
      expect(rowsOf(sv!)).toEqual(Array.from({ length: n }, (_, i) => referenceRow(L, i)));
      expect(sparseVotes(L)).toBe(sv);
      expect(toSparseVotes(L)).toBe(sv);
    });
  }

  it('are not kept for a dense matrix (its readers walk the dense votes), but toSparseVotes still builds them', () => {
    const L = matrix(300, 20, 3, 0.6, 5);
    expect(SPARSE_MAX_SHARE).toBeLessThan(0.6);
    expect(sparseVotes(L)).toBeNull();
    expect(rowsOf(toSparseVotes(L))).toEqual(Array.from({ length: 300 }, (_, i) => referenceRow(L, i)));
  });

  it('grow past a share estimate that was too low (all the votes in rows the estimate skips)', () => {
    const n = 50_000;
    const m = 10;
    const votes = new Int8Array(n * m).fill(-1);
    // The estimate reads every ⌊n / 1024⌋-th row; these rows fall between them.
    for (let i = 1; i < n; i += 48) for (let j = 0; j < m; j++) votes[i * m + j] = 1;
    const L = new LabelMatrix({ n, m, votes, labels: ['a', 'b'], lfNames: Array.from({ length: m }, (_, j) => `lf${j}`) });
    const sv = sparseVotes(L)!;
    expect(sv.rowStart[n]).toBe(Math.ceil((n - 1) / 48) * m);
    expect(rowsOf(sv)[49]).toEqual(referenceRow(L, 49));
  });

  it('recorded for a row subset are the ones read back; a mismatched row count is refused', () => {
    const L = matrix(500, 40, 3, 0.1, 9);
    const rows = [7, 1, 1, 499, 0, 250];
    const parent = sparseVotes(L)!;
    const codes = rows.flatMap((i) => Array.from(parent.code.subarray(parent.rowStart[i], parent.rowStart[i + 1])));
    const rowStart = Int32Array.from([
      0,
      ...rows.map((_, r) => rows.slice(0, r + 1).reduce((t, i) => t + parent.rowStart[i + 1] - parent.rowStart[i], 0)),
    ]);
    const sub = { n: rows.length, rowStart, code: Int32Array.from(codes) };
    expect(rowsOf(sub)).toEqual(rows.map((i) => referenceRow(L, i)));
    const S = L.selectRows(rows);
    rememberSparseVotes(S, sub);
    expect(sparseVotes(S)).toBe(sub);
    expect(() => rememberSparseVotes(L, sub)).toThrow(/6 rows given to a matrix of 500/);
  });

  it('give the same co-vote counts as a naive count, in the row pass and the tiled pass (d > 768)', () => {
    for (const [n, m, k] of [
      [600, 50, 2],
      [300, 400, 2],
    ] as const) {
      const L = matrix(n, m, k, 0.05, m);
      expect(sparseVotes(L)).not.toBeNull();
      const stats = OverlapStats.fromLabelMatrix(L);
      const d = m * k;
      const naive = new Float64Array(d * d);
      let uncovered = 0;
      for (let i = 0; i < n; i++) {
        const codes = referenceRow(L, i);
        if (codes.length === 0) uncovered++;
        for (let s = 0; s < codes.length; s++) for (let t = s; t < codes.length; t++) naive[codes[s] * d + codes[t]]++;
      }
      expect(stats.uncovered).toBe(uncovered);
      expect(Array.from(stats.counts)).toEqual(Array.from(naive));
    }
  });

  it('give the covered sample the rows, majority-vote winners and shares the dense votes give', () => {
    const L = matrix(50_000, 12, 3, 0.08, 3);
    const sample = coveredSample(L);
    const covered: number[] = [];
    for (let i = 0; i < L.n; i++) if (referenceRow(L, i).length > 0) covered.push(i);
    const stride = Math.ceil(covered.length / 20_000);
    expect(stride).toBeGreaterThan(1);
    const rows = covered.filter((_, c) => c % stride === 0);
    expect(Array.from(sample.rows)).toEqual(rows);
    const share = [0, 0, 0];
    rows.forEach((i, r) => {
      const tally = [0, 0, 0];
      for (const code of referenceRow(L, i)) tally[code % 3]++;
      const max = Math.max(...tally);
      const winners = tally.filter((t) => t === max).length;
      tally.forEach((t, y) => {
        if (t === max) share[y] += 1 / winners;
      });
      expect(sample.mvWinner[r]).toBe(winners === 1 ? tally.indexOf(max) : -1);
    });
    expect(Array.from(sample.mvShare)).toEqual(share);
    expect(rowsOf(sparseVotes(sample.L)!)).toEqual(rows.map((i) => referenceRow(L, i)));
  });
});
