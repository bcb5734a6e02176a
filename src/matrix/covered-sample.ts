import type { LabelMatrix } from './label-matrix.js';
import { ABSTAIN } from './labels.js';
import { rememberSparseVotes, selectSparseRows, sparseVotes } from './sparse-votes.js';

/** At most this many rows with votes are in a matrix's check sample (evenly spaced). */
export const CHECK_SAMPLE_ROWS = 20_000;

/** The rows with votes that post-fit checks read, with majority vote's view of them. */
export interface CoveredSample {
  /** Row indices in L, ascending: every stride-th row with at least one vote. */
  rows: Int32Array;
  /** Those rows as a label matrix (what a model's predictProba is asked). */
  L: LabelMatrix;
  /** Majority vote's single winner on each sample row, or -1 when the top vote count ties. */
  mvWinner: Int32Array;
  /** Majority vote's class shares summed over the sample rows (a tie splits the row evenly). */
  mvShare: Float64Array;
}

// One sample per matrix: the collapse checks, majority-vote agreement and mc's preset cross-check read the same rows,
// and a guarded fit asks for them after every refit.
const samples = new WeakMap<LabelMatrix, CoveredSample>();

/**
 * An evenly spaced sample of at most CHECK_SAMPLE_ROWS of L's rows with votes, so checks after a fit cost little on a
 * large matrix; built once per matrix (L's votes are not changed after it is made).
 */
export function coveredSample(L: LabelMatrix): CoveredSample {
  const cached = samples.get(L);
  if (cached) return cached;
  const { n, m, k, votes } = L;
  // Vote counts and tallies from the compressed rows when L has them (no pass over the dense votes).
  const sparse = sparseVotes(L);
  const counts = sparse ? null : L.voteCounts();
  const voted = (i: number) => (sparse ? sparse.rowStart[i + 1] > sparse.rowStart[i] : (counts as Int32Array)[i] > 0);
  let covered = 0;
  for (let i = 0; i < n; i++) if (voted(i)) covered++;
  const stride = Math.max(1, Math.ceil(covered / CHECK_SAMPLE_ROWS));
  const rows = new Int32Array(Math.ceil(covered / stride));
  for (let i = 0, c = 0, r = 0; i < n; i++) if (voted(i) && c++ % stride === 0) rows[r++] = i;
  const mvWinner = new Int32Array(rows.length);
  const mvShare = new Float64Array(k);
  const tally = new Int32Array(k);
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r];
    tally.fill(0);
    if (sparse) for (let c = sparse.rowStart[i]; c < sparse.rowStart[i + 1]; c++) tally[sparse.code[c] % k]++;
    else for (let j = 0; j < m; j++) if (votes[i * m + j] !== ABSTAIN) tally[votes[i * m + j]]++;
    let max = 0;
    for (let y = 0; y < k; y++) max = Math.max(max, tally[y]);
    let winners = 0;
    for (let y = 0; y < k; y++) if (tally[y] === max) winners++;
    for (let y = 0; y < k; y++) if (tally[y] === max) mvShare[y] += 1 / winners;
    mvWinner[r] = winners === 1 ? tally.indexOf(max) : -1;
  }
  const sampleL = L.selectRows(rows);
  // The sample's compressed rows come from L's, so predicting it decodes nothing.
  const sampleSparse = selectSparseRows(L, rows);
  if (sampleSparse) rememberSparseVotes(sampleL, sampleSparse);
  const sample = { rows, L: sampleL, mvWinner, mvShare };
  samples.set(L, sample);
  return sample;
}

/** The most probable class of row r of n×k probabilities (the first on ties). */
export function argmaxRow(probs: Float64Array, r: number, k: number): number {
  let best = 0;
  for (let y = 1; y < k; y++) if (probs[r * k + y] > probs[r * k + best]) best = y;
  return best;
}
