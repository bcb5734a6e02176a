import type { LabelMatrix } from './label-matrix.js';
import { ABSTAIN } from './labels.js';

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
  const counts = L.voteCounts();
  let covered = 0;
  for (let i = 0; i < n; i++) if (counts[i] > 0) covered++;
  const stride = Math.max(1, Math.ceil(covered / CHECK_SAMPLE_ROWS));
  const picked: number[] = [];
  for (let i = 0, c = 0; i < n; i++) if (counts[i] > 0 && c++ % stride === 0) picked.push(i);
  const rows = Int32Array.from(picked);
  const mvWinner = new Int32Array(rows.length);
  const mvShare = new Float64Array(k);
  const tally = new Int32Array(k);
  rows.forEach((i, r) => {
    tally.fill(0);
    for (let j = 0; j < m; j++) if (votes[i * m + j] !== ABSTAIN) tally[votes[i * m + j]]++;
    const max = Math.max(...tally);
    const winners = tally.filter((t) => t === max).length;
    for (let y = 0; y < k; y++) if (tally[y] === max) mvShare[y] += 1 / winners;
    mvWinner[r] = winners === 1 ? tally.indexOf(max) : -1;
  });
  const sample = { rows, L: L.selectRows(rows), mvWinner, mvShare };
  samples.set(L, sample);
  return sample;
}

/** The most probable class of row r of n×k probabilities (the first on ties). */
export function argmaxRow(probs: Float64Array, r: number, k: number): number {
  let best = 0;
  for (let y = 1; y < k; y++) if (probs[r * k + y] > probs[r * k + best]) best = y;
  return best;
}
