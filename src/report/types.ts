import type { Disagreement } from '../analysis/disagreements.js';
import type { Row } from '../data/types.js';
import type { LabelMatrix } from '../matrix/label-matrix.js';
import type { LabelModel } from '../label-model/types.js';
import type { LFSummaryRow, MatrixSummary } from '../analysis/lf-summary.js';

/** A row flagged by the end model (or anything downstream of the label model), shown beside the disagreements. */
export interface EndModelFlag {
  row: number;
  /** Higher = more worth a look. */
  score: number;
  reason: string;
  /** The end model's class, or null when it ties. */
  predicted?: string | null;
}

/** Headline numbers of one slice (one value of a metadata column). */
export interface SliceHeadline {
  value: string;
  rows: number;
  /** Fraction of the slice's rows with at least one vote. */
  coverage: number;
  /** Fraction of the slice's rows with at least two distinct votes. */
  conflict: number;
  /** Label-model accuracy on the slice's rows with a known given label (ties count as wrong); absent without gold. */
  labelModelAccuracy?: number;
  /** Rows of the slice with a known given label. */
  n_gold: number;
}

/** The slices section's data: the plain shape the page renders (a richer slice analysis can fill it too). */
export interface SliceSection {
  column: string;
  slices: SliceHeadline[];
  /** Values beyond the shown ones, folded together, so no row is silently dropped. */
  omitted?: { values: number; rows: number };
}

/** What `collectReportData` reads: objects already loaded and checked; it never reads files itself. */
export interface ReportInput {
  L: LabelMatrix;
  /** A fitted label model: its probabilities and learned accuracies. Without one, majority vote gives the probabilities. */
  model?: LabelModel;
  /** The label model's probabilities (row-major n × k), when already computed; otherwise taken from `model`. */
  probs?: Float64Array;
  /** The end model's probabilities on the same rows (row-major n × k). */
  endModelProbs?: Float64Array;
  /** Rows flagged by the end model; without them, rows where the end model contradicts the label are derived from `endModelProbs`. */
  endModelFlags?: readonly EndModelFlag[];
  /** The data rows, in label-matrix order (for the flags' text and the slices). */
  rows?: readonly Row[];
  /** Column of `rows` holding each row's text. */
  textColumn?: string;
  /** Given labels as class indices, -1 = unknown; length n. */
  gold?: ArrayLike<number>;
  /** Rows of a sample file (with the `_row`, `_part`, `_label` provenance columns) drawn from this matrix. */
  sampleRows?: readonly Row[];
  /** Column of `rows` to slice by. */
  by?: string;
  /** Flags shown in the browser at most (default 2000); the counts found always cover every row. */
  maxFlags?: number;
  /** Names shown on the page and in error messages, e.g. the files the inputs came from. */
  sources?: { L?: string; model?: string; endModel?: string; data?: string; gold?: string; sample?: string };
  /** Page title. */
  title?: string;
}

export type FlagKind = 'label-error' | 'lf-conflict' | 'lf-mistake' | 'end-model';

/** One flag as the page shows it: a disagreement (or an end-model flag), with the row's text and end-model view. */
export interface ReportFlag extends Omit<Disagreement, 'kind'> {
  kind: FlagKind;
  endProbs?: number[];
  endPredicted?: string | null;
  text?: string;
}

export interface LFReportRow extends LFSummaryRow {
  /** 95% Wilson interval of the empirical accuracy (with gold, when the LF voted on rows with gold). */
  accuracyInterval?: [number, number];
}

/** A bin of a histogram or reliability curve. */
export interface ConfidenceBin {
  lo: number;
  hi: number;
  count: number;
}

/** Everything the page shows, JSON-serialisable: aggregates over all rows, and the capped list of flags. */
export interface ReportData {
  title: string;
  generated: { sources: NonNullable<ReportInput['sources']>; labelModel: string; endModel: boolean; gold: boolean };
  labels: string[];
  lfNames: string[];
  matrix: MatrixSummary;
  /** Share of each class by source: votes, label model (argmax, ties left out), end model, gold. */
  classBalance: { source: string; label: string; count: number; share: number }[];
  lfs: LFReportRow[];
  correlation: {
    /** LFs shown in the heatmap (the most covering ones when there are many). */
    lfs: string[];
    cells: { a: string; b: string; shared: number; agreement: number; conflict: number; jaccard: number; nearDuplicate: boolean }[];
    nearDuplicates: { a: string; b: string; agreement: number; jaccard: number }[];
    duplicateAgreement: number;
    duplicateJaccard: number;
    omittedLFs: number;
  };
  /** Label model confidence (max probability) per predicted class, over covered rows. */
  confidence: { label: string; lo: number; hi: number; count: number }[];
  /** Reliability on rows with a known given label, per model: mean confidence vs accuracy per bin. */
  reliability: { model: string; lo: number; hi: number; count: number; confidence: number; accuracy: number }[];
  /** Expected calibration error per model (weighted mean |accuracy − confidence|). */
  calibration: { model: string; rows: number; ece: number; accuracy: number }[];
  sample?: { rows: number; parts: { part: string; label: string; count: number }[] };
  flags: ReportFlag[];
  /** How many rows qualified per kind, before the cap (lf-mistake: summed over LFs). */
  found: Partial<Record<FlagKind, number>>;
  foundPerLF?: Record<string, number>;
  maxFlags: number;
  notes: string[];
  slices?: SliceSection;
}
