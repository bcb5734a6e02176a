import { ABSTAIN } from '../lf/labels.js';
import type { LabelMatrix } from '../lf/label-matrix.js';

/**
 * The non-abstain votes of a label matrix in compressed-row form: row i's votes are code[rowStart[i] .. rowStart[i+1])
 * with code = j·k + class. Iterative models (Dawid-Skene EM) walk this many times; its size grows with the number of
 * votes, not with n·m.
 */
export interface SparseVotes {
  n: number;
  rowStart: Int32Array;
  code: Int32Array;
}

export function toSparseVotes(L: LabelMatrix): SparseVotes {
  const { n, m, k, votes } = L;
  const rowStart = new Int32Array(n + 1);
  let nnz = 0;
  for (let p = 0; p < votes.length; p++) if (votes[p] !== ABSTAIN) nnz++;
  const code = new Int32Array(nnz);
  let c = 0;
  for (let i = 0, p = 0; i < n; i++) {
    rowStart[i] = c;
    for (let j = 0; j < m; j++, p++) {
      const v = votes[p];
      if (v !== ABSTAIN) code[c++] = j * k + v;
    }
  }
  rowStart[n] = c;
  return { n, rowStart, code };
}
