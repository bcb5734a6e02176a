import { ABSTAIN } from '../matrix/labels.js';
import type { LabelMatrix } from '../matrix/label-matrix.js';
import { emptyRows, sparseVotes } from '../matrix/sparse-votes.js';
import { BaseLabelModel } from './base.js';
import { checkOptions, type OptionSpec } from './options.js';
import { probsToPreds } from './predict.js';
import type { FitReport, LabelModelJSON, TiePolicy } from './types.js';

/** Majority vote takes no options. */
export type MajorityVoteOptions = Record<string, never>;
export const MV_OPTIONS: OptionSpec<MajorityVoteOptions> = {};

/**
 * Majority vote: each row's probability is uniform over the classes with the most votes (Snorkel's MajorityLabelVoter).
 * A row where every LF abstained is uniform over all classes. Needs no fit; `fit` records the LFs and classes, and a
 * fitted (or loaded) majority vote then reads a matrix as the other models do: columns matched by LF name, other LFs
 * or classes refused. An unfitted one votes on any matrix.
 */
export class MajorityVote extends BaseLabelModel {
  readonly kind = 'mv';

  fit(L: LabelMatrix, options?: MajorityVoteOptions): FitReport {
    checkOptions(this.title, options, MV_OPTIONS);
    this.fittedOn(L);
    this.prior = new Float64Array(L.k).fill(1 / L.k);
    const sparse = sparseVotes(L);
    let uncovered = sparse ? emptyRows(sparse) : 0;
    if (!sparse) {
      const counts = L.voteCounts();
      for (let i = 0; i < L.n; i++) if (counts[i] === 0) uncovered++;
    }
    return { model: this.kind, n: L.n, m: L.m, k: L.k, uncoveredRows: uncovered, iterations: 0, converged: true };
  }

  predictProba(matrix: LabelMatrix): Float64Array {
    const L = this.labels.length ? this.aligned(matrix) : matrix;
    const { n, m, k, votes } = L;
    const probs = new Float64Array(n * k);
    const counts = new Int32Array(k);
    // A sparse matrix's rows are read from its compressed votes (built once per matrix), a dense one's vote by vote.
    const sparse = sparseVotes(L);
    for (let i = 0; i < n; i++) {
      counts.fill(0);
      if (sparse) for (let c = sparse.rowStart[i], end = sparse.rowStart[i + 1]; c < end; c++) counts[sparse.code[c] % k]++;
      else
        for (let j = 0, p = i * m; j < m; j++, p++) {
          const v = votes[p];
          if (v !== ABSTAIN) counts[v]++;
        }
      let max = 0;
      for (let y = 0; y < k; y++) if (counts[y] > max) max = counts[y];
      let tied = 0;
      for (let y = 0; y < k; y++) if (counts[y] === max) tied++;
      const base = i * k;
      for (let y = 0; y < k; y++) if (counts[y] === max) probs[base + y] = 1 / tied;
    }
    return probs;
  }

  /** An unfitted majority vote takes its classes from the matrix. */
  override predict(L: LabelMatrix, tiePolicy: TiePolicy = 'abstain', seed = 0): Int32Array {
    return this.labels.length ? super.predict(L, tiePolicy, seed) : probsToPreds(this.predictProba(L), L.k, tiePolicy, seed);
  }

  accuracies(): Float64Array | null {
    return null;
  }

  override classBalance(): Float64Array {
    const k = this.labels.length || 2;
    return new Float64Array(k).fill(1 / k);
  }

  protected params(): Record<string, unknown> {
    return {};
  }

  static fromJSON(json: LabelModelJSON): MajorityVote {
    const mv = new MajorityVote();
    mv.restore(json);
    mv.prior = mv.classBalance();
    return mv;
  }
}
