import { createRng, LabelMatrix } from '../src/index.js';

/** n × m votes, each LF voting with probability `rate`, as a view starting `shift` bytes into its buffer; row 1 votes in every LF. */
export function randomSparseMatrix(n: number, m: number, k: number, rate: number, seed: number, shift = 0): LabelMatrix {
  const rng = createRng(seed);
  const votes = new Int8Array(new ArrayBuffer(n * m + shift + 8), shift, n * m).fill(-1);
  for (let p = 0; p < votes.length; p++) if (rng.next() < rate) votes[p] = rng.int(k);
  if (n > 3) for (let j = 0; j < m; j++) votes[m + j] = j % k; // a row where every LF votes
  return new LabelMatrix({
    n,
    m,
    votes,
    labels: Array.from({ length: k }, (_, c) => `c${c}`),
    lfNames: Array.from({ length: m }, (_, j) => `lf${j}`),
  });
}

/** Row i's codes j·k + class, j ascending, read byte by byte. */
export function referenceRow(L: LabelMatrix, i: number): number[] {
  const out: number[] = [];
  for (let j = 0; j < L.m; j++) if (L.get(i, j) !== -1) out.push(j * L.k + L.get(i, j));
  return out;
}

/** Each row's codes as arrays, from compressed rows. */
export function rowsOf(sv: { n: number; rowStart: Int32Array; code: Int32Array }): number[][] {
  return Array.from({ length: sv.n }, (_, i) => Array.from(sv.code.subarray(sv.rowStart[i], sv.rowStart[i + 1])));
}
