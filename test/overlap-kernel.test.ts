import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LabelMatrix } from '../src/index.js';
import { randomSparseMatrix as matrix, referenceRow, rowsOf } from './sparse-votes-helpers.js';
import { OverlapStats } from '../src/internal.js';
import { hasSparseVotes, sparseVotes } from '../src/matrix/sparse-votes.js';
import { OVERLAP_KERNEL_BASE64 } from '../src/label-model/wasm/overlap-kernel-bytes.js';
import { decodeAndCount } from '../src/label-model/wasm/overlap-kernel.js';
// @ts-expect-error: a plain .mjs build script without types
import { assembleKernel } from '../scripts/build-wasm.mjs';

// The WebAssembly statistics pass against references written here from the dense votes byte by byte: the compressed
// rows, the co-vote counts and the uncovered rows must be exactly what the JavaScript passes give.

function reference(L: LabelMatrix): { rows: number[][]; counts: Float64Array; uncovered: number } {
  const d = L.m * L.k;
  const counts = new Float64Array(d * d);
  const rows: number[][] = [];
  let uncovered = 0;
  for (let i = 0; i < L.n; i++) {
    const codes = referenceRow(L, i);
    if (codes.length === 0) uncovered++;
    for (let s = 0; s < codes.length; s++) for (let t = s; t < codes.length; t++) counts[codes[s] * d + codes[t]]++;
    rows.push(codes);
  }
  return { rows, counts, uncovered };
}

describe('the WebAssembly statistics pass', () => {
  it('ships the bytes its .wat assembles to (npm run build:wasm after an edit)', async () => {
    const { base64 } = await assembleKernel();
    expect(OVERLAP_KERNEL_BASE64).toBe(base64);
    expect(readFileSync(new URL('../src/label-model/wasm/overlap-kernel.wat', import.meta.url), 'utf8')).toContain('decodeCount');
  });

  for (const [n, m, k, rate, shift] of [
    [3000, 100, 2, 0.1, 0],
    [2000, 37, 3, 0.05, 3],
    [1500, 13, 6, 0.2, 1],
    [5000, 9, 2, 0.01, 2],
    [800, 64, 4, 0.25, 5],
  ] as const) {
    it(`gives the reference rows, counts and uncovered rows (n ${n}, m ${m}, k ${k}, rate ${rate}, offset ${shift})`, () => {
      const L = matrix(n, m, k, rate, n + m + k, shift);
      const ref = reference(L);
      const counts = new Float64Array(m * k * m * k);
      const { sparse, uncovered } = decodeAndCount(L, rate, counts)!;
      expect(rowsOf(sparse)).toEqual(ref.rows);
      expect(Array.from(counts)).toEqual(Array.from(ref.counts));
      expect(uncovered).toBe(ref.uncovered);
    });
  }

  it('grows its codes past a share estimate that was too low, and adds to counts already there', () => {
    const L = matrix(4000, 50, 2, 0.2, 9);
    const ref = reference(L);
    const counts = new Float64Array(100 * 100).fill(1);
    const { sparse, uncovered } = decodeAndCount(L, 0.001, counts)!;
    expect(rowsOf(sparse)).toEqual(ref.rows);
    expect(Array.from(counts)).toEqual(Array.from(ref.counts, (x) => x + 1));
    expect(uncovered).toBe(ref.uncovered);
  });

  it('flushes its 16-bit counts before they overflow (70,000 rows, one LF voting on every row)', () => {
    const n = 70_000;
    const m = 6;
    const votes = new Int8Array(n * m).fill(-1);
    for (let i = 0; i < n; i++) {
      votes[i * m] = 1;
      if (i % 3 === 0) votes[i * m + 4] = 0;
    }
    const L = new LabelMatrix({ n, m, votes, labels: ['a', 'b'], lfNames: Array.from({ length: m }, (_, j) => `lf${j}`) });
    const stats = OverlapStats.fromLabelMatrix(L);
    expect(hasSparseVotes(L)).toBe(true); // the kernel built and kept the compressed rows
    const d = 2 * m;
    expect(stats.counts[1 * d + 1]).toBe(n);
    expect(stats.counts[1 * d + 8]).toBe(Math.ceil(n / 3));
    expect(stats.uncovered).toBe(0);
    expect(rowsOf(sparseVotes(L)!)[3]).toEqual([1, 8]);
  });

  it('is what OverlapStats uses on a sparse matrix, with the counts the JavaScript pass gives', () => {
    const a = matrix(6000, 40, 3, 0.08, 21);
    const b = new LabelMatrix({ n: a.n, m: a.m, votes: a.votes, labels: a.labels, lfNames: a.lfNames });
    sparseVotes(b); // decoded first: OverlapStats then takes the JavaScript pass over the kept rows
    const viaKernel = OverlapStats.fromLabelMatrix(a);
    const viaJs = OverlapStats.fromLabelMatrix(b);
    expect(Array.from(viaKernel.counts)).toEqual(Array.from(viaJs.counts));
    expect(viaKernel.uncovered).toBe(viaJs.uncovered);
    expect(rowsOf(sparseVotes(a)!)).toEqual(rowsOf(sparseVotes(b)!));
  });
});
