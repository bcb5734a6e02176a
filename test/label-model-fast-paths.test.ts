import { describe, expect, it } from 'vitest';
import { createRng, LabelMatrix } from '../src/index.js';
import { OverlapStats } from '../src/internal.js';
import { rowCodes, wordView } from '../src/matrix/sparse-votes.js';
import { posteriorFromLogTable } from '../src/label-model/posterior.js';

// The word-at-a-time vote decoding (rowCodes, the binary posterior) against byte-by-byte references written here:
// exact equality, on aligned and unaligned rows, a view that starts mid-buffer, sparse and dense matrices.

/** n × m votes, each LF voting with probability `rate`, as a view starting `shift` bytes into its buffer. */
function votesView(n: number, m: number, k: number, rate: number, seed: number, shift: number): Int8Array {
  const rng = createRng(seed);
  const buffer = new ArrayBuffer(n * m + shift + 8);
  const votes = new Int8Array(buffer, shift, n * m).fill(-1);
  for (let p = 0; p < votes.length; p++) if (rng.next() < rate) votes[p] = Math.floor(rng.next() * k);
  // A few rows with a vote in every column and a few with none, wherever they fall.
  for (let j = 0; j < m; j++) votes[m + j] = j % k;
  if (n > 2) votes.fill(-1, 2 * m, 3 * m);
  return votes;
}

const shapes = [
  [500, 100, 2, 0.1, 0],
  [500, 37, 2, 0.1, 3],
  [300, 13, 6, 0.3, 1],
  [300, 64, 3, 0.02, 2],
  [200, 9, 2, 0.7, 0],
  [200, 5, 4, 0.5, 1],
] as const;

describe('word-at-a-time vote decoding', () => {
  for (const [n, m, k, rate, shift] of shapes) {
    it(`rowCodes lists every vote in LF order (n ${n}, m ${m}, k ${k}, rate ${rate}, offset ${shift})`, () => {
      const votes = votesView(n, m, k, rate, n + m + k, shift);
      const words = wordView(votes);
      const codes = new Int32Array(m);
      for (let i = 0; i < n; i++) {
        const expected: number[] = [];
        for (let j = 0; j < m; j++) if (votes[i * m + j] !== -1) expected.push(j * k + votes[i * m + j]);
        const c = rowCodes(votes, words, i * m, m, k, codes);
        expect(Array.from(codes.subarray(0, c))).toEqual(expected);
      }
    });
  }

  for (const [n, m, , rate, shift] of shapes.filter((s) => s[2] === 2)) {
    it(`the binary posterior equals the vote-by-vote sum bit for bit (n ${n}, m ${m}, rate ${rate}, offset ${shift})`, () => {
      const votes = votesView(n, m, 2, rate, 7 * n + m, shift);
      const L = new LabelMatrix({ n, m, votes, labels: ['a', 'b'], lfNames: Array.from({ length: m }, (_, j) => `lf${j}`) });
      const rng = createRng(m);
      const logTable = Float64Array.from({ length: m * 4 }, () => Math.log(0.01 + rng.next()));
      const prior = Float64Array.from([0.3, 0.7]);
      const offset = Float64Array.from([0.25, -0.5]);
      for (const covered of [undefined, offset]) {
        const probs = posteriorFromLogTable(L, logTable, prior, covered);
        for (let i = 0; i < n; i++) {
          let s = Math.log(prior[1]) - Math.log(prior[0]) + (covered ? covered[1] - covered[0] : 0);
          let any = false;
          for (let j = 0; j < m; j++) {
            const v = votes[i * m + j];
            if (v === -1) continue;
            any = true;
            s += logTable[(j * 2 + v) * 2 + 1] - logTable[(j * 2 + v) * 2];
          }
          const e = Math.exp(-Math.abs(s));
          const p1 = !any ? prior[1] : s >= 0 ? 1 / (1 + e) : e / (1 + e);
          const p0 = !any ? prior[0] : s >= 0 ? e / (1 + e) : 1 / (1 + e);
          expect([probs[2 * i], probs[2 * i + 1]]).toEqual([p0, p1]);
        }
      }
    });
  }
  for (const [n, m, k, rate, shift] of shapes.filter((s) => s[2] > 2)) {
    it(`the multiclass posterior is the softmax of the summed log table (n ${n}, m ${m}, k ${k}, rate ${rate})`, () => {
      const votes = votesView(n, m, k, rate, 3 * n + m, shift);
      const labels = Array.from({ length: k }, (_, y) => `c${y}`);
      const L = new LabelMatrix({ n, m, votes, labels, lfNames: Array.from({ length: m }, (_, j) => `lf${j}`) });
      const rng = createRng(k * m);
      const logTable = Float64Array.from({ length: m * k * k }, () => Math.log(0.01 + rng.next()));
      const prior = Float64Array.from({ length: k }, (_, y) => (y + 1) / ((k * (k + 1)) / 2));
      const offset = Float64Array.from({ length: k }, (_, y) => 0.1 * y - 0.2);
      for (const covered of [undefined, offset]) {
        const probs = posteriorFromLogTable(L, logTable, prior, covered);
        for (let i = 0; i < n; i++) {
          const s = Array.from(prior, Math.log);
          let any = false;
          for (let j = 0; j < m; j++) {
            const v = votes[i * m + j];
            if (v === -1) continue;
            any = true;
            for (let y = 0; y < k; y++) s[y] += logTable[(j * k + v) * k + y];
          }
          if (covered) for (let y = 0; y < k; y++) s[y] += covered[y];
          const lse = Math.log(s.reduce((t, x) => t + Math.exp(x), 0));
          for (let y = 0; y < k; y++) {
            const expected = any ? Math.exp(s[y] - lse) : prior[y];
            expect(Math.abs(probs[i * k + y] - expected)).toBeLessThanOrEqual(1e-12);
          }
        }
      }
    });
  }
  it('the co-vote counts equal a naive count past the 16-bit counters flush (70,000 rows, one LF voting on all)', () => {
    const n = 70_000;
    const m = 6;
    const k = 3;
    const votes = votesView(n, m, k, 0.4, 11, 1);
    for (let i = 0; i < n; i++) votes[i * m] = 1; // LF 0 always votes class 1: its diagonal cell passes 65,535
    const L = new LabelMatrix({ n, m, votes, labels: ['a', 'b', 'c'], lfNames: Array.from({ length: m }, (_, j) => `lf${j}`) });
    const stats = OverlapStats.fromLabelMatrix(L);
    const d = m * k;
    const expected = new Float64Array(d * d);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < m; j++) {
        const v = votes[i * m + j];
        if (v === -1) continue;
        for (let j2 = j; j2 < m; j2++) {
          const v2 = votes[i * m + j2];
          if (v2 !== -1) expected[(j * k + v) * d + j2 * k + v2]++;
        }
      }
    expect(Array.from(stats.counts)).toEqual(Array.from(expected));
    expect(stats.votes(0, 1)).toBe(n);
  });
});
