import { LabelMatrix } from './label-matrix.js';
import { ABSTAIN } from './labels.js';
import { emptyRows, rememberSparseVotes, type SparseVotes, sparseVotes } from './sparse-votes.js';

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
  const { n } = L;
  // Which rows voted, from the compressed rows when L has them (no pass over the dense votes).
  const sparse = sparseVotes(L);
  const counts = sparse ? null : L.voteCounts();
  let covered = 0;
  if (sparse) covered = n - emptyRows(sparse);
  else for (let i = 0; i < n; i++) if ((counts as Int32Array)[i] > 0) covered++;
  const stride = Math.max(1, Math.ceil(covered / CHECK_SAMPLE_ROWS));
  const rows = new Int32Array(Math.ceil(covered / stride));
  if (sparse) {
    const { rowStart } = sparse;
    for (let i = 0, c = 0, r = 0; i < n; i++) if (rowStart[i + 1] > rowStart[i] && c++ % stride === 0) rows[r++] = i;
  } else for (let i = 0, c = 0, r = 0; i < n; i++) if ((counts as Int32Array)[i] > 0 && c++ % stride === 0) rows[r++] = i;
  const sample = sparse ? sampleFromSparse(L, sparse, rows) : sampleFromDense(L, rows);
  samples.set(L, sample);
  return sample;
}

/** The sample of a sparse L in one pass over its rows: their votes, compressed rows and majority vote, from L's codes. */
function sampleFromSparse(L: LabelMatrix, sparse: SparseVotes, rows: Int32Array): CoveredSample {
  const { m, k } = L;
  const size = rows.length;
  const votes = new Int8Array(size * m).fill(ABSTAIN);
  const rowStart = new Int32Array(size + 1);
  let total = 0;
  for (let r = 0; r < size; r++) total += sparse.rowStart[rows[r] + 1] - sparse.rowStart[rows[r]];
  const code = new Int32Array(total);
  const tally = new Int32Array(k);
  const mvWinner = new Int32Array(size);
  const mvShare = new Float64Array(k);
  for (let r = 0, c = 0; r < size; r++) {
    rowStart[r] = c;
    tally.fill(0);
    for (let x = sparse.rowStart[rows[r]], end = sparse.rowStart[rows[r] + 1]; x < end; x++, c++) {
      const a = sparse.code[x];
      const j = (a / k) | 0;
      code[c] = a;
      votes[r * m + j] = a - j * k;
      tally[a - j * k]++;
    }
    mvWinner[r] = addMajority(tally, mvShare);
  }
  rowStart[size] = total;
  const sampleL = new LabelMatrix({ n: size, m, votes, lfNames: L.lfNames, labels: L.labels, errorCounts: L.errorCounts });
  rememberSparseVotes(sampleL, { n: size, rowStart, code });
  return { rows, L: sampleL, mvWinner, mvShare };
}

function sampleFromDense(L: LabelMatrix, rows: Int32Array): CoveredSample {
  const { m, k, votes } = L;
  const tally = new Int32Array(k);
  const mvWinner = new Int32Array(rows.length);
  const mvShare = new Float64Array(k);
  for (let r = 0; r < rows.length; r++) {
    tally.fill(0);
    for (let p = rows[r] * m, end = p + m; p < end; p++) if (votes[p] !== ABSTAIN) tally[votes[p]]++;
    mvWinner[r] = addMajority(tally, mvShare);
  }
  return { rows, L: L.selectRows(rows), mvWinner, mvShare };
}

/** Adds one row's majority-vote shares (a tie splits it evenly) and returns its single winner, or -1 on a tie. */
function addMajority(tally: Int32Array, mvShare: Float64Array): number {
  let max = 0;
  let winner = 0;
  let winners = 0;
  for (let y = 0; y < tally.length; y++) {
    if (tally[y] > max) (max = tally[y]), (winner = y), (winners = 1);
    else if (tally[y] === max) winners++;
  }
  for (let y = 0; y < tally.length; y++) if (tally[y] === max) mvShare[y] += 1 / winners;
  return winners === 1 ? winner : -1;
}

/** The most probable class of row r of n×k probabilities (the first on ties). */
export function argmaxRow(probs: Float64Array, r: number, k: number): number {
  let best = 0;
  for (let y = 1; y < k; y++) if (probs[r * k + y] > probs[r * k + best]) best = y;
  return best;
}
