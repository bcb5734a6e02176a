import type { Row } from '../data/types.js';
import type { LFPairStats } from './correlation.js';
import type { DisagreementReport } from './disagreements.js';
import type { LFSummaryRow } from './lf-summary.js';

/**
 * Flat records (scalar values only) for CSV/Arrow files and tables: lists become text, optional columns appear only
 * when some row has them, so a file's columns are the same for every row.
 */

/** LF summary rows; polarity as "HAM,SPAM". */
export function summaryRecords(rows: readonly LFSummaryRow[]): Row[] {
  const hasGold = rows.some((r) => r.correct !== undefined);
  const hasLearned = rows.some((r) => r.learnedAccuracy !== undefined);
  return rows.map((r) => ({
    lf: r.lf,
    polarity: r.polarity.join(','),
    coverage: r.coverage,
    overlaps: r.overlaps,
    conflicts: r.conflicts,
    ...(hasGold ? { correct: r.correct ?? null, incorrect: r.incorrect ?? null, empirical_accuracy: r.empiricalAccuracy ?? null } : {}),
    ...(hasLearned ? { learned_accuracy: r.learnedAccuracy ?? null } : {}),
    errors: r.errors,
  }));
}

export function pairRecords(pairs: readonly LFPairStats[]): Row[] {
  return pairs.map((p) => ({
    lf_a: p.a,
    lf_b: p.b,
    shared: p.shared,
    overlap: p.overlap,
    agreement: p.agreement,
    conflict: p.conflict,
    jaccard: p.jaccard,
    near_duplicate: p.nearDuplicate,
  }));
}

/**
 * One record per flagged row: kind, rank, row, score, lf, given, predicted, p_<class> per class, votes as
 * "lf=CLASS; lf=CLASS", reason, then `extra(row)` columns (e.g. the row's id and text from the data file).
 */
export function disagreementRecords(report: DisagreementReport, extra?: (row: number) => Row): Row[] {
  const hasGold = report.flags.some((f) => f.given !== undefined);
  return report.flags.map((f) => ({
    kind: f.kind,
    rank: f.rank,
    row: f.row,
    score: f.score,
    lf: f.lf ?? null,
    ...(hasGold ? { given: f.given ?? null } : {}),
    predicted: f.predicted,
    ...Object.fromEntries(report.labels.map((name, y) => [`p_${name}`, f.probs[y]])),
    votes: Object.entries(f.votes)
      .map(([lf, v]) => `${lf}=${v}`)
      .join('; '),
    reason: f.reason,
    ...(extra ? extra(f.row) : {}),
  }));
}

/** The columns of `disagreementRecords`, known even when nothing is flagged (so the file still gets its header). */
export function disagreementColumns(report: DisagreementReport, extraColumns: readonly string[] = []): string[] {
  const hasGold = report.flags.some((f) => f.given !== undefined);
  const base = [
    'kind',
    'rank',
    'row',
    'score',
    'lf',
    ...(hasGold ? ['given'] : []),
    'predicted',
    ...report.labels.map((name) => `p_${name}`),
    'votes',
    'reason',
  ];
  return [...new Set([...base, ...extraColumns])];
}
