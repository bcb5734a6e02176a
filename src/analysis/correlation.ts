import type { LabelMatrix } from '../matrix/label-matrix.js';
import { ConfigError } from '../util/errors.js';
import { countPairs, type PairCountMethod } from './pair-counts.js';

/** How two LFs relate on the rows where both voted. */
export interface LFPairStats {
  a: string;
  b: string;
  /** Rows where both LFs voted. */
  shared: number;
  /** shared / n. */
  overlap: number;
  /** Fraction of shared rows where the two votes are equal. */
  agreement: number;
  /** Fraction of shared rows where the two votes differ. */
  conflict: number;
  /** shared / rows where either voted: how much the two LFs fire on the same rows. */
  jaccard: number;
  /** Votes agree on ≥ `duplicateAgreement` of shared rows AND jaccard ≥ `duplicateJaccard`. */
  nearDuplicate: boolean;
}

export interface LFCorrelationOptions {
  /** Minimum agreement on shared rows for a near-duplicate (default 0.95). */
  duplicateAgreement?: number;
  /**
   * Minimum jaccard for a near-duplicate (default 0.5). Without it, any two one-class LFs of the same class would be
   * "duplicates" (they can only agree); duplicates must also fire on mostly the same rows.
   */
  duplicateJaccard?: number;
  /** How pairs are counted (same result, different speed); default `auto` picks the cheaper for the matrix's density. */
  method?: PairCountMethod;
}

export interface LFCorrelation {
  /** Every pair of LFs with at least one shared row, most shared first. */
  pairs: LFPairStats[];
  /** The pairs flagged `nearDuplicate`: they double-count one signal, which breaks the label model's independence assumption. */
  nearDuplicates: LFPairStats[];
  duplicateAgreement: number;
  duplicateJaccard: number;
}

/**
 * Pairwise agreement and conflict of LFs on the rows both cover, and the near-duplicate pairs. Counting is exact either
 * per row (cost ∝ votes per row squared) or with per-LF row bitsets (cost ∝ m² · n / 32); see `countPairs`.
 */
export function lfCorrelations(L: LabelMatrix, options: LFCorrelationOptions = {}): LFCorrelation {
  const duplicateAgreement = options.duplicateAgreement ?? 0.95;
  const duplicateJaccard = options.duplicateJaccard ?? 0.5;
  for (const [name, v] of [
    ['duplicateAgreement', duplicateAgreement],
    ['duplicateJaccard', duplicateJaccard],
  ] as const) {
    if (!(v >= 0 && v <= 1)) throw new ConfigError(`${name} must be in [0, 1], got ${v}`);
  }
  const { n, m } = L;
  const { shared, agree, coverage } = countPairs(L, options.method);

  const pairs: LFPairStats[] = [];
  for (let a = 0; a < m; a++) {
    for (let b = a + 1; b < m; b++) {
      const s = shared[a * m + b];
      if (s === 0) continue;
      const agreement = agree[a * m + b] / s;
      const conflict = (s - agree[a * m + b]) / s;
      const jaccard = s / (coverage[a] + coverage[b] - s);
      pairs.push({
        a: L.lfNames[a],
        b: L.lfNames[b],
        shared: s,
        overlap: s / n,
        agreement,
        conflict,
        jaccard,
        nearDuplicate: agreement >= duplicateAgreement && jaccard >= duplicateJaccard,
      });
    }
  }
  pairs.sort((x, y) => y.shared - x.shared); // stable: ties stay in LF order
  return { pairs, nearDuplicates: pairs.filter((p) => p.nearDuplicate), duplicateAgreement, duplicateJaccard };
}
