import { ABSTAIN } from '../matrix/labels.js';
import type { LabelMatrix } from '../matrix/label-matrix.js';
import type { LabelModel } from '../label-model/types.js';
import { ConfigError } from '../util/errors.js';
import { toGold, type GoldLabels } from '../matrix/checked.js';
import { modelAccuraciesFor } from './validate.js';

/**
 * One LF's row of the summary. Fractions divide by n (all rows), as Snorkel's `LFAnalysis.lf_summary` does,
 * so Coverage ≥ Overlaps ≥ Conflicts always holds for one LF.
 */
export interface LFSummaryRow {
  lf: string;
  /** Class names the LF voted at least once, in label-space order (Snorkel: sorted distinct non-abstain labels). */
  polarity: string[];
  /** Fraction of all rows where the LF voted. */
  coverage: number;
  /** Fraction of all rows where the LF voted and at least one other LF voted too. */
  overlaps: number;
  /** Fraction of all rows where the LF voted and the row holds ≥ 2 distinct votes (even if this LF sided with the majority). */
  conflicts: number;
  /** With gold: rows (gold known) where the LF voted the gold class. */
  correct?: number;
  /** With gold: rows (gold known) where the LF voted another class. */
  incorrect?: number;
  /** With gold: correct / (correct + incorrect); 0 when the LF never voted on a row with gold (as Snorkel). */
  empiricalAccuracy?: number;
  /** From a fitted label model: its estimate of P(vote correct | LF voted). */
  learnedAccuracy?: number;
  /** Rows where the LF threw and was recorded as abstain (from `L.errorCounts`). */
  errors: number;
}

/** Whole-matrix measures (Snorkel's `label_coverage`, `label_overlap`, `label_conflict`), plus counts. */
export interface MatrixSummary {
  n: number;
  m: number;
  k: number;
  /** Fraction of rows with at least one vote. */
  coverage: number;
  /** Fraction of rows with at least two votes. */
  overlap: number;
  /** Fraction of rows with at least two distinct votes. */
  conflict: number;
  /** Rows no LF voted on: every label model can only give them the class prior. */
  uncoveredRows: number;
  /** Mean number of votes per row. */
  meanVotesPerRow: number;
  /** Number of votes cast for each class, in label-space order. */
  votesPerClass: number[];
}

export interface LFSummaryOptions {
  /** Gold class index per row (-1 = unknown; those rows are left out of correct/incorrect). Length n. */
  gold?: GoldLabels | ArrayLike<number>;
  /**
   * A fitted label model; its `accuracies()` fill `learnedAccuracy`, matched to L's LFs by name (the model may list
   * them in another order, not other ones). A model without that notion adds nothing.
   */
  model?: LabelModel;
  /** Learned accuracies given directly, one per LF (takes precedence over `model`). */
  learnedAccuracies?: ArrayLike<number>;
}

/** Raw counts of one pass over the matrix; both summaries are derived from it. */
interface MatrixCounts {
  /** m × (k + 1): votes of LF j for class y at [j·(k+1) + 1 + y]; slot 0 counts its abstains. */
  votesByClass: Int32Array;
  /** Rows where LF j was the only voter (overlaps = coverage − these). */
  alone: Int32Array;
  conflicts: Int32Array;
  /** With gold: per LF, votes equal to the gold label, and votes on rows whose gold is known. */
  correct: Int32Array | null;
  votesWithGold: Int32Array | null;
  coveredRows: number;
  overlappedRows: number;
  conflictedRows: number;
  totalVotes: number;
}

/**
 * One pass over the row-major votes, branch-free per vote (votes are sparse and unpredictable, so branches would
 * mispredict): abstains are counted in their own slot, and a row conflicts when its smallest and largest non-abstain
 * votes differ. Only conflicted rows are swept a second time, while cache-hot, to credit their voters.
 */
function countMatrix(L: LabelMatrix, gold: ArrayLike<number> | null): MatrixCounts {
  const { n, m, k, votes } = L;
  const k1 = k + 1;
  const votesByClass = new Int32Array(m * k1);
  const alone = new Int32Array(m);
  const conflicts = new Int32Array(m);
  const correct = gold ? new Int32Array(m) : null;
  const votesWithGold = gold ? new Int32Array(m) : null;
  let coveredRows = 0;
  let overlappedRows = 0;
  let conflictedRows = 0;
  let totalVotes = 0;

  for (let i = 0, base = 0; i < n; i++, base += m) {
    let count = 0;
    let min = 127;
    let max = -1;
    let last = 0;
    const g = gold ? gold[i] : ABSTAIN;
    if (g === ABSTAIN) {
      for (let j = 0, slot = 1; j < m; j++, slot += k1) {
        const v = votes[base + j];
        votesByClass[slot + v]++;
        const voted = 1 + (v >> 31); // 0 for abstain (-1), 1 otherwise
        count += voted;
        last = voted ? j : last;
        max = v > max ? v : max;
        const u = voted ? v : 127;
        min = u < min ? u : min;
      }
    } else {
      // Same loop, plus the per-LF gold tallies (kept out of the loop above so rows without gold pay nothing).
      for (let j = 0, slot = 1; j < m; j++, slot += k1) {
        const v = votes[base + j];
        votesByClass[slot + v]++;
        const voted = 1 + (v >> 31);
        count += voted;
        last = voted ? j : last;
        max = v > max ? v : max;
        const u = voted ? v : 127;
        min = u < min ? u : min;
        votesWithGold![j] += voted;
        correct![j] += v === g ? 1 : 0;
      }
    }
    if (count === 0) continue;
    coveredRows++;
    totalVotes += count;
    if (count === 1) alone[last]++;
    else overlappedRows++;
    if (min !== max) {
      conflictedRows++;
      for (let j = 0; j < m; j++) conflicts[j] += 1 + (votes[base + j] >> 31);
    }
  }
  return { votesByClass, alone, conflicts, correct, votesWithGold, coveredRows, overlappedRows, conflictedRows, totalVotes };
}

/** The learned accuracies to show in L's column order, or null; a model's are matched to L's LFs by name. */
function learnedAccuracies(L: LabelMatrix, options: LFSummaryOptions): ArrayLike<number> | null {
  let acc: ArrayLike<number> | null = options.learnedAccuracies ?? null;
  if (!acc && options.model) acc = modelAccuraciesFor(L, options.model);
  if (acc && acc.length !== L.m) throw new ConfigError(`learned accuracies: ${acc.length} values for ${L.m} LFs`);
  return acc;
}

/**
 * Per-LF summary with Snorkel's `LFAnalysis.lf_summary` definitions (see `LFSummaryRow`), computed in one pass
 * over the votes. With `gold`, adds correct / incorrect / empirical accuracy; with a model (or accuracies), the
 * learned accuracy.
 */
export function lfSummary(L: LabelMatrix, options: LFSummaryOptions = {}): LFSummaryRow[] {
  return summarizeMatrix(L, options).lfs;
}

/** `matrixSummary` and `lfSummary` of one matrix from one pass over its votes (they are always shown together). */
export function summarizeMatrix(L: LabelMatrix, options: LFSummaryOptions = {}): { matrix: MatrixSummary; lfs: LFSummaryRow[] } {
  const gold = options.gold ? toGold(options.gold, L.labels, 'gold labels', L.n).values : null;
  const learned = learnedAccuracies(L, options);
  const c = countMatrix(L, gold);
  return { matrix: matrixOf(L, c), lfs: lfRows(L, c, gold, learned) };
}

function lfRows(L: LabelMatrix, c: MatrixCounts, gold: ArrayLike<number> | null, learned: ArrayLike<number> | null | undefined): LFSummaryRow[] {
  const n = L.n;
  const frac = (x: number) => (n === 0 ? 0 : x / n);
  const k = L.k;
  return L.lfNames.map((lf, j) => {
    let covered = 0;
    for (let y = 0; y < k; y++) covered += c.votesByClass[j * (k + 1) + 1 + y];
    const right = c.correct?.[j] ?? 0;
    const wrong = (c.votesWithGold?.[j] ?? 0) - right;
    return {
      lf,
      polarity: L.labels.filter((_, y) => c.votesByClass[j * (k + 1) + 1 + y] > 0),
      coverage: frac(covered),
      overlaps: frac(covered - c.alone[j]),
      conflicts: frac(c.conflicts[j]),
      ...(gold ? { correct: right, incorrect: wrong, empiricalAccuracy: right + wrong === 0 ? 0 : right / (right + wrong) } : {}),
      ...(learned ? { learnedAccuracy: learned[j] } : {}),
      errors: L.errorCounts[j] ?? 0,
    };
  });
}

/** Whole-matrix coverage, overlap and conflict (Snorkel's `label_coverage/overlap/conflict`), in one pass. */
export function matrixSummary(L: LabelMatrix): MatrixSummary {
  return matrixOf(L, countMatrix(L, null));
}

function matrixOf(L: LabelMatrix, c: MatrixCounts): MatrixSummary {
  const n = L.n;
  const frac = (x: number) => (n === 0 ? 0 : x / n);
  return {
    n,
    m: L.m,
    k: L.k,
    coverage: frac(c.coveredRows),
    overlap: frac(c.overlappedRows),
    conflict: frac(c.conflictedRows),
    uncoveredRows: n - c.coveredRows,
    meanVotesPerRow: frac(c.totalVotes),
    votesPerClass: Array.from({ length: L.k }, (_, y) => {
      let total = 0;
      for (let j = 0; j < L.m; j++) total += c.votesByClass[j * (L.k + 1) + 1 + y];
      return total;
    }),
  };
}
