import { ABSTAIN } from '../matrix/labels.js';
import type { LabelMatrix } from '../matrix/label-matrix.js';
import { ConfigError } from '../util/errors.js';
import { TopK, type Ranked } from './top-k.js';
import { checkPreds, TIE_TOLERANCE, toGold, toProbabilities, type GoldLabels, type Probabilities } from '../matrix/checked.js';
import { findLabelErrors, type Attribution } from './label-errors.js';

/**
 * Why a row is worth a human look:
 * - `label-error`: the given (gold/human) label is contradicted by a confident label model: likely a labeling mistake.
 * - `lf-conflict`: the LFs disagree most on this row (vote entropy): an LF bug or a genuinely hard case.
 * - `lf-mistake`: one LF votes against a confident consensus; listed per LF so its author can read its mistakes.
 */
export type DisagreementKind = 'label-error' | 'lf-conflict' | 'lf-mistake';
export const DISAGREEMENT_KINDS: readonly DisagreementKind[] = ['label-error', 'lf-conflict', 'lf-mistake'];

export interface Disagreement {
  kind: DisagreementKind;
  /** 1-based rank within its kind (within its LF for `lf-mistake`). */
  rank: number;
  /** 0-based row index in the label matrix. */
  row: number;
  /**
   * Ranking score, higher = more worth a look. label-error and lf-mistake: probability margin p(suggested) − p(disputed)
   * in [0, 1]; lf-conflict: vote entropy normalised by log k, in [0, 1].
   */
  score: number;
  /** One sentence saying why, with the numbers. */
  reason: string;
  /** For `lf-mistake`: the LF whose vote is disputed. */
  lf?: string;
  /** The row's votes by LF name (class names; abstaining LFs left out). */
  votes: Record<string, string>;
  /** The probabilistic label p(y | votes), in label-space order. */
  probs: number[];
  /** The label model's class by its decision rule (`preds`; default argmax), or null when it gives none (a tie). */
  predicted: string | null;
  /** The given label, when gold labels were passed (null when unknown for this row). */
  given?: string | null;
  /** label-error with end-model probabilities: who is probably wrong ('label', 'lf' or 'ambiguous'). */
  attribution?: Attribution;
  /** label-error with end-model probabilities: the LFs that voted against the given label. */
  blame?: string[];
}

export interface DisagreementOptions {
  /** Given labels per row as class indices (-1 = unknown). Needed for `label-error`. */
  gold?: GoldLabels | ArrayLike<number>;
  /** Rows to return per kind (default 50). */
  top?: number;
  /** Rows to return per LF for `lf-mistake` (default 10). */
  topPerLF?: number;
  /** Kinds to compute (default: all; `label-error` only when gold is given). */
  kinds?: readonly DisagreementKind[];
  /**
   * A fixed confidence the consensus must reach for `lf-mistake`. Default: per class, the mean p(y) over covered rows the
   * model assigns to y (the same self-confidence rule as `label-error`, without gold).
   */
  consensusThreshold?: number;
  /**
   * Out-of-sample end-model probabilities (n × k, cross-fitted on the given labels). With them, label-error is
   * confident learning on the end model and the label model together (src/analysis/label-errors.ts): every flag gets
   * an attribution, and rows no LF voted on are judged too.
   */
  endProbs?: ArrayLike<number>;
  /**
   * The label model's hard labels per row (-1 = none), by its own decision rule: `model.predictFromProbs(probs)`, so
   * an `auto` model's binary F1 cut decides here as in `predict` and `sample`. Default: the most probable class (-1
   * on ties).
   */
  preds?: ArrayLike<number>;
}

export interface DisagreementReport {
  labels: string[];
  /** label-error first, then lf-conflict, then lf-mistake grouped by LF in matrix order; each group best first. */
  flags: Disagreement[];
  /** How many rows qualified before `top` cut the list (lf-mistake: per LF). */
  found: { 'label-error'?: number; 'lf-conflict'?: number; 'lf-mistake'?: Record<string, number> };
  /** Per-class thresholds used (null = class never seen, so never suggested). */
  thresholds: { labelError?: (number | null)[]; consensus?: (number | null)[] };
  /** Rows no LF voted on. They are never flagged: the model only knows the prior there, so nothing can be judged. */
  uncoveredRows: number;
  /** Of the uncovered rows, how many carry a given label (those labels were not checked). */
  uncoveredWithGold?: number;
  notes: string[];
}

/** What describing a flagged row needs of it, copied when it enters a top list (so a streamed matrix can move on). */
interface RowSnapshot {
  votes: Int8Array;
  probs: number[];
  /** The tie-aware top class (-1 when the top classes tie). */
  top: number;
  /** The given label (-1 unknown or no gold). */
  given: number;
}

/** A candidate carrying what is needed to describe it once it survives the ranking. */
interface Candidate extends Ranked {
  suggested: number;
  disputed: number;
  lf: number;
  snap: RowSnapshot;
}

/** The names a report speaks in. */
interface Names {
  lfNames: readonly string[];
  labels: readonly string[];
}

// A class no covered row carries as its given label has no threshold (null): shown as '-', never a crash.
const pct = (x: number | null | undefined) => (x === null || x === undefined ? '-' : x.toFixed(2));

/**
 * Finds the rows worth a human look in a label matrix, given any label model's probabilities (row-major n × k).
 *
 * The model's class of a row is `options.preds` (its decision rule, e.g. auto's F1 cut) or else the most probable class.
 * label-error (confident learning): t_y = mean p(y | x) over covered rows whose given label is y. A row with given label g is
 * flagged when the model's class y' ≠ g (for the argmax: not tied with g) and p(y') ≥ t_y'; score = p(y') − p(g), ties
 * broken by the vote margin (votes for y' − votes for g). Under a decision cut the score can be below 0 (a class
 * chosen below P = 0.5).
 * lf-conflict: rows with ≥ 2 distinct votes, score = entropy of the vote distribution / log k, ties broken by vote count.
 * lf-mistake: for each LF, rows where it votes v but the model's class y* ≠ v is confident (p(y*) ≥ threshold);
 * score = p(y*) − p(v), ties broken by the votes for y*.
 */
export function disagreements(L: LabelMatrix, probsIn: Probabilities | ArrayLike<number>, options: DisagreementOptions = {}): DisagreementReport {
  return judgeMatrix(L, probsIn, options);
}

/**
 * `disagreements`, also marking in `flagged` (one entry per row of L) every row that qualified as a label error or
 * an LF mistake — whether or not it made a top list (slices count flag rates from it).
 */
export function judgeMatrix(
  L: LabelMatrix,
  probsIn: Probabilities | ArrayLike<number>,
  options: DisagreementOptions = {},
  flagged?: Uint8Array,
): DisagreementReport {
  const gold = options.gold ? toGold(options.gold, L.labels, 'gold labels', L.n).values : null;
  const o = resolveDisagreementOptions(options, gold !== null);
  const probs = withDecisions(toProbabilities(probsIn, L.labels, 'probabilities', L.n), options.preds);
  const voteCounts = L.voteCounts();
  const sums = new ThresholdSums(L.k);
  sums.add(L, probs, voteCounts, gold);
  const thresholds = sums.thresholds(o.fixedConsensus); // per-class mean self-confidence (t_y)
  const found = newFound(L.m, o);
  if (flagged) found.flagged = flagged;
  judgeRows(L, probs, voteCounts, thresholds, o, found, 0, gold, options.preds !== undefined); // one pass over the votes, three judges
  return assembleReport(L, L.n, thresholds, found, o, o.endProbs && gold ? { L, checked: probs, gold } : undefined);
}

/**
 * The same report built chunk by chunk (a streamed label matrix): `observe` every chunk in row order (pass 1, the
 * thresholds), then `judge` every chunk again in the same order (pass 2), then `report()`. Memory is the top lists;
 * the flags, ranks and numbers equal `disagreements` on the whole matrix (sums are added in the same row order, and a
 * top list ranks by score, tie key and row). End-model label errors need every row at once: not available here.
 */
export class DisagreementPasses {
  private readonly o: ResolvedOptions;
  private readonly sums: ThresholdSums;
  private t?: Thresholds;
  private readonly found: Found;
  private rows = 0;

  constructor(
    private readonly names: Names,
    options: Omit<DisagreementOptions, 'gold' | 'endProbs'> & { hasGold: boolean },
  ) {
    this.o = resolveDisagreementOptions(options, options.hasGold);
    this.sums = new ThresholdSums(names.labels.length);
    this.found = newFound(names.lfNames.length, this.o);
  }

  /**
   * Pass 1: a chunk's probabilities and given labels (class indices, -1 unknown) go into the thresholds. `preds`: the
   * model's decisions for the chunk's rows (as `DisagreementOptions.preds`); give them in both passes or in neither.
   */
  observe(L: LabelMatrix, probs: Probabilities | ArrayLike<number>, gold: Int32Array | null, preds?: ArrayLike<number>): void {
    if (this.t) throw new ConfigError('DisagreementPasses: observe() after judge()');
    this.sums.add(L, withDecisions(toProbabilities(probs, L.labels, 'probabilities', L.n), preds), L.voteCounts(), gold);
    this.rows += L.n;
  }

  /** Pass 2: a chunk whose first row is row `offset` of the matrix. */
  judge(L: LabelMatrix, probs: Probabilities | ArrayLike<number>, gold: Int32Array | null, offset: number, preds?: ArrayLike<number>): void {
    this.t ??= this.sums.thresholds(this.o.fixedConsensus);
    const checked = withDecisions(toProbabilities(probs, L.labels, 'probabilities', L.n), preds);
    judgeRows(L, checked, L.voteCounts(), this.t, this.o, this.found, offset, gold, preds !== undefined);
  }

  report(): DisagreementReport {
    this.t ??= this.sums.thresholds(this.o.fixedConsensus);
    return assembleReport(this.names, this.rows, this.t, this.found, this.o);
  }
}

/**
 * The checked probabilities with `top` replaced by the model's decisions when given (each consumer of `top` then
 * reads the one decision rule). Decisions are checked: one per row, -1 or a class index.
 */
function withDecisions(checked: Probabilities, preds: ArrayLike<number> | undefined): Probabilities {
  if (!preds) return checked;
  return { ...checked, top: checkPreds(preds, checked.n, checked.k) };
}

/** The options, checked. */
interface ResolvedOptions {
  hasGold: boolean;
  top: number;
  topPerLF: number;
  fixedConsensus: number | undefined;
  kinds: Set<DisagreementKind>;
  endProbs: ArrayLike<number> | undefined;
}

function resolveDisagreementOptions(options: DisagreementOptions, hasGold: boolean): ResolvedOptions {
  const top = options.top ?? 50;
  const topPerLF = options.topPerLF ?? 10;
  for (const [name, v] of [
    ['top', top],
    ['topPerLF', topPerLF],
  ] as const) {
    if (!Number.isInteger(v) || v < 0) throw new ConfigError(`${name} must be a non-negative integer, got ${v}`);
  }
  const fixedConsensus = options.consensusThreshold;
  if (fixedConsensus !== undefined && !(fixedConsensus >= 0 && fixedConsensus <= 1)) {
    throw new ConfigError(`consensusThreshold must be in [0, 1], got ${fixedConsensus}`);
  }
  const kinds = new Set(options.kinds ?? DISAGREEMENT_KINDS.filter((x) => x !== 'label-error' || hasGold));
  for (const kind of kinds)
    if (!DISAGREEMENT_KINDS.includes(kind)) throw new ConfigError(`unknown disagreement kind "${kind}"; kinds are ${DISAGREEMENT_KINDS.join(', ')}`);
  if (kinds.has('label-error') && !hasGold) throw new ConfigError('disagreements of kind label-error need gold (given) labels');
  return { hasGold, top, topPerLF, fixedConsensus, kinds, endProbs: options.endProbs };
}

/** Per-class thresholds (null = class never seen, so never suggested) and the rows no LF voted on. */
interface Thresholds {
  /** t_y for label-error: mean p(y) over covered rows whose given label is y. */
  labelError: (number | null)[];
  /** For lf-mistake: the fixed consensusThreshold, else mean p(y) over covered rows whose top class is y. */
  consensus: (number | null)[];
  uncoveredRows: number;
  uncoveredWithGold: number;
}

/** Pass 1 over probabilities: per-class sums of self-confidence (given labels) and confidence (model's own class). */
class ThresholdSums {
  private readonly goldSum: Float64Array;
  private readonly goldCount: Float64Array;
  private readonly consSum: Float64Array;
  private readonly consCount: Float64Array;
  private uncoveredRows = 0;
  private uncoveredWithGold = 0;

  constructor(k: number) {
    this.goldSum = new Float64Array(k);
    this.goldCount = new Float64Array(k);
    this.consSum = new Float64Array(k);
    this.consCount = new Float64Array(k);
  }

  add(L: LabelMatrix, checked: Probabilities, voteCounts: Int32Array, gold: Int32Array | null): void {
    const { n, k } = L;
    const { goldSum, goldCount, consSum, consCount } = this;
    const probs = checked.values;
    const top1 = checked.top;
    for (let i = 0; i < n; i++) {
      if (voteCounts[i] === 0) {
        this.uncoveredRows++;
        if (gold && gold[i] !== ABSTAIN) this.uncoveredWithGold++;
        continue;
      }
      if (gold && gold[i] !== ABSTAIN) {
        goldSum[gold[i]] += probs[i * k + gold[i]];
        goldCount[gold[i]]++;
      }
      const y = top1[i];
      if (y !== ABSTAIN) {
        consSum[y] += probs[i * k + y];
        consCount[y]++;
      }
    }
  }

  thresholds(fixedConsensus: number | undefined): Thresholds {
    const { goldSum, goldCount, consSum, consCount } = this;
    const labelError = Array.from(goldSum, (s, y) => (goldCount[y] > 0 ? s / goldCount[y] : null));
    const consensus = Array.from(consSum, (s, y) => (fixedConsensus !== undefined ? fixedConsensus : consCount[y] > 0 ? s / consCount[y] : null));
    return { labelError, consensus, uncoveredRows: this.uncoveredRows, uncoveredWithGold: this.uncoveredWithGold };
  }
}

/** The candidates of each kind, each kept only while it ranks in its top list, and how many qualified in all. */
interface Found {
  labelErrors: TopK<Candidate>;
  conflicts: TopK<Candidate>;
  /** One list per LF. */
  mistakes: TopK<Candidate>[];
  labelErrorsFound: number;
  conflictsFound: number;
  mistakesFound: Int32Array;
  /** When given: 1 for every row that qualified as a label error or an LF mistake (by its index in this matrix). */
  flagged?: Uint8Array;
}

function newFound(m: number, o: ResolvedOptions): Found {
  const { kinds } = o;
  return {
    labelErrors: new TopK<Candidate>(kinds.has('label-error') ? o.top : 0),
    conflicts: new TopK<Candidate>(kinds.has('lf-conflict') ? o.top : 0),
    mistakes: Array.from({ length: m }, () => new TopK<Candidate>(kinds.has('lf-mistake') ? o.topPerLF : 0)),
    labelErrorsFound: 0,
    conflictsFound: 0,
    mistakesFound: new Int32Array(m),
  };
}

/**
 * Pass 2 over votes: each covered row's class votes are counted once and shown to the three judges, so the matrix is
 * read once whatever kinds are asked for. `offset`: the index of L's first row in the whole matrix.
 */
function judgeRows(
  L: LabelMatrix,
  checked: Probabilities,
  voteCounts: Int32Array,
  t: Thresholds,
  o: ResolvedOptions,
  found: Found,
  offset: number,
  gold: Int32Array | null,
  /** The hard labels (`checked.top`) are the model's decisions (`preds`), not the argmax. */
  decided: boolean,
): void {
  const { n, m, k, votes } = L;
  const { kinds } = o;
  const probs = checked.values;
  const top1 = checked.top;
  // With end-model probabilities, label errors are judged by findLabelErrors instead (in assembleReport).
  const judgeLabelErrors = gold !== null && kinds.has('label-error') && !o.endProbs;
  const judgeConflicts = kinds.has('lf-conflict');
  const judgeMistakes = kinds.has('lf-mistake');
  // Slot 0 counts abstains, slot 1 + y class y: counting without a branch per vote.
  const slots = new Int32Array(k + 1);
  const classVotes = slots.subarray(1);
  const logK = Math.log(k);
  // A row's snapshot is taken once, when a top list first keeps it (several LFs' lists may keep the same row).
  let snapRow = -1;
  let snap: RowSnapshot | undefined;
  const snapAt = (i: number): RowSnapshot => {
    if (snapRow !== i) {
      snapRow = i;
      snap = snapshotOf(L, checked, gold, i);
    }
    return snap!;
  };

  for (let i = 0, base = 0; i < n; i++, base += m) {
    if (voteCounts[i] === 0) continue;
    slots.fill(0);
    for (let j = 0; j < m; j++) slots[votes[base + j] + 1]++;
    const pRow = i * k;
    const row = offset + i;
    if (judgeLabelErrors && gold[i] !== ABSTAIN) {
      if (labelErrorJudge(probs, pRow, decided ? top1[i] : null, k, gold[i], classVotes, t.labelError, found.labelErrors, row, i, snapAt)) {
        found.labelErrorsFound++;
        if (found.flagged) found.flagged[i] = 1;
      }
    }
    if (judgeConflicts && conflictJudge(classVotes, k, voteCounts[i], logK, found.conflicts, row, i, snapAt)) found.conflictsFound++;
    const y1 = top1[i];
    if (judgeMistakes && y1 !== ABSTAIN) {
      const ty = t.consensus[y1];
      if (ty !== null && probs[pRow + y1] >= ty && classVotes[y1] < voteCounts[i])
        mistakeJudge(votes, base, m, probs, pRow, y1, classVotes, found, row, i, snapAt);
    }
  }
}

/** Row i of a matrix (chunk) as a snapshot. */
function snapshotOf(L: LabelMatrix, checked: Probabilities, gold: Int32Array | null, i: number): RowSnapshot {
  const { m, k } = L;
  return {
    votes: L.votes.slice(i * m, (i + 1) * m),
    probs: Array.from({ length: k }, (_, y) => checked.values[i * k + y]),
    top: checked.top[i],
    given: gold ? gold[i] : ABSTAIN,
  };
}

/**
 * label-error: the model's confident class contradicts the given label g. `decision`: the model's class by its decision
 * rule (-1: none), or null for "the first argmax, unless g ties with it". Returns whether the row qualified.
 */
function labelErrorJudge(
  probs: Float64Array,
  pRow: number,
  decision: number | null,
  k: number,
  g: number,
  classVotes: Int32Array,
  thresholds: (number | null)[],
  heap: TopK<Candidate>,
  row: number,
  i: number,
  snapAt: (i: number) => RowSnapshot,
): boolean {
  let s = decision ?? -1;
  if (decision === null) {
    // The model's class: the first argmax, unless the given class ties with it (then the model does not contradict it).
    s = 0;
    for (let y = 1; y < k; y++) if (probs[pRow + y] > probs[pRow + s]) s = y;
    if (!(probs[pRow + s] - probs[pRow + g] > TIE_TOLERANCE)) return false;
  } else if (s === -1 || s === g) return false;
  const t = thresholds[s];
  if (!(t !== null && probs[pRow + s] >= t)) return false;
  const score = probs[pRow + s] - probs[pRow + g];
  const tie = classVotes[s] - classVotes[g];
  if (heap.admits(row, score, tie)) heap.offer({ row, score, tie, suggested: s, disputed: g, lf: -1, snap: snapAt(i) });
  return true;
}

/** lf-conflict: ≥ 2 distinct classes voted; score = vote entropy / log k. Returns whether the row qualified. */
function conflictJudge(
  classVotes: Int32Array,
  k: number,
  total: number,
  logK: number,
  heap: TopK<Candidate>,
  row: number,
  i: number,
  snapAt: (i: number) => RowSnapshot,
): boolean {
  let distinct = 0;
  for (let y = 0; y < k; y++) if (classVotes[y] > 0) distinct++;
  if (distinct < 2) return false;
  let h = 0;
  for (let y = 0; y < k; y++) {
    const c = classVotes[y];
    if (c > 0) h -= (c / total) * Math.log(c / total);
  }
  const score = h / logK;
  if (heap.admits(row, score, total)) heap.offer({ row, score, tie: total, suggested: -1, disputed: -1, lf: -1, snap: snapAt(i) });
  return true;
}

/** lf-mistake: every LF voting against the row's confident consensus y1 is a candidate in its own list. */
function mistakeJudge(
  votes: Int8Array,
  base: number,
  m: number,
  probs: Float64Array,
  pRow: number,
  y1: number,
  classVotes: Int32Array,
  found: Found,
  row: number,
  i: number,
  snapAt: (i: number) => RowSnapshot,
): void {
  for (let j = 0; j < m; j++) {
    const v = votes[base + j];
    if (v === ABSTAIN || v === y1) continue;
    found.mistakesFound[j]++;
    if (found.flagged) found.flagged[i] = 1;
    const score = probs[pRow + y1] - probs[pRow + v];
    const tie = classVotes[y1];
    if (found.mistakes[j].admits(row, score, tie)) found.mistakes[j].offer({ row, score, tie, suggested: y1, disputed: v, lf: j, snap: snapAt(i) });
  }
}

/** A surviving candidate as a reported flag: its votes, probabilities, predicted and given class, and the reason. */
function describeFlag(names: Names, t: Thresholds, hasGold: boolean, kind: DisagreementKind, c: Candidate, rank: number): Disagreement {
  const { lfNames, labels } = names;
  const { snap } = c;
  const rowVotes: Record<string, string> = {};
  for (let j = 0; j < snap.votes.length; j++) {
    const v = snap.votes[j];
    if (v !== ABSTAIN) rowVotes[lfNames[j]] = labels[v];
  }
  const p = snap.probs;
  const y1 = snap.top;
  const tally = voteTally(labels, snap.votes);
  let reason: string;
  if (kind === 'label-error') {
    const [s, d] = [labels[c.suggested], labels[c.disputed]];
    reason = `given ${d}, but the model says ${s} with p=${pct(p[c.suggested])} (class threshold ${pct(t.labelError[c.suggested])}); votes: ${tally}`;
  } else if (kind === 'lf-conflict') {
    reason = `LFs split ${tally} (vote entropy ${pct(c.score)})`;
  } else {
    reason = `${lfNames[c.lf]} votes ${labels[c.disputed]} against a confident ${labels[c.suggested]} (p=${pct(p[c.suggested])}, threshold ${pct(t.consensus[c.suggested])}); votes: ${tally}`;
  }
  const out: Disagreement = {
    kind,
    rank,
    row: c.row,
    score: c.score,
    reason,
    ...(kind === 'lf-mistake' ? { lf: lfNames[c.lf] } : {}),
    votes: rowVotes,
    probs: [...p],
    predicted: y1 === ABSTAIN ? null : labels[y1],
  };
  if (hasGold) out.given = snap.given === ABSTAIN ? null : labels[snap.given];
  return out;
}

/** The whole matrix, for end-model label errors (in memory only). */
interface WholeMatrix {
  L: LabelMatrix;
  checked: Probabilities;
  gold: Int32Array;
}

function assembleReport(names: Names, n: number, t: Thresholds, found: Found, o: ResolvedOptions, whole?: WholeMatrix): DisagreementReport {
  const { hasGold, kinds } = o;
  const { labels, lfNames } = names;
  const { uncoveredRows, uncoveredWithGold } = t;
  const notes: string[] = [];
  if (uncoveredRows > 0) {
    if (whole && kinds.has('label-error'))
      notes.push(`${uncoveredRows} of ${n} rows have no LF vote (${uncoveredWithGold} with a given label); the end model judged their labels`);
    else
      notes.push(
        `${uncoveredRows} of ${n} rows have no LF vote and were not judged${hasGold ? ` (${uncoveredWithGold} of them with a given label)` : ''}`,
      );
  }
  if (kinds.has('label-error')) {
    t.labelError.forEach((ty, y) => {
      if (ty === null) notes.push(`no covered row is labeled ${labels[y]}, so no row can be suggested to be ${labels[y]}`);
    });
  }
  const describe = (kind: DisagreementKind, c: Candidate, rank: number) => describeFlag(names, t, hasGold, kind, c, rank);
  const flags: Disagreement[] = [];
  const counts: DisagreementReport['found'] = {};
  if (kinds.has('label-error') && whole) {
    counts['label-error'] = endModelLabelErrors(whole, t, o, flags, notes);
  } else if (kinds.has('label-error')) {
    found.labelErrors.sorted().forEach((c, r) => flags.push(describe('label-error', c, r + 1)));
    counts['label-error'] = found.labelErrorsFound;
  }
  if (kinds.has('lf-conflict')) {
    found.conflicts.sorted().forEach((c, r) => flags.push(describe('lf-conflict', c, r + 1)));
    counts['lf-conflict'] = found.conflictsFound;
  }
  if (kinds.has('lf-mistake')) {
    found.mistakes.forEach((heap) => heap.sorted().forEach((c, r) => flags.push(describe('lf-mistake', c, r + 1))));
    counts['lf-mistake'] = Object.fromEntries(lfNames.map((lf, j) => [lf, found.mistakesFound[j]]));
  }

  return {
    labels: [...labels],
    flags,
    found: counts,
    thresholds: {
      ...(kinds.has('label-error') ? { labelError: t.labelError } : {}),
      ...(kinds.has('lf-mistake') ? { consensus: t.consensus } : {}),
    },
    uncoveredRows,
    ...(hasGold ? { uncoveredWithGold } : {}),
    notes,
  };
}

/**
 * label-error judged with out-of-sample end-model probabilities (confident learning on both models, with an
 * attribution per flag). Pushes the flags and a note; replaces the label-error thresholds with the ones it used and
 * returns how many rows qualified.
 */
function endModelLabelErrors(whole: WholeMatrix, t: Thresholds, o: ResolvedOptions, flags: Disagreement[], notes: string[]): number {
  const { L, checked, gold } = whole;
  const { k } = L;
  const r = findLabelErrors({ gold, endProbs: o.endProbs!, labelProbs: checked.values, L });
  r.flags.slice(0, o.top).forEach((f, rank) => {
    // describeFlag still runs for the shared fields (and reads the label-model thresholds, replaced only below).
    const base = describeFlag(
      L,
      t,
      true,
      'label-error',
      { row: f.row, score: f.score, tie: 0, suggested: f.suggested, disputed: f.given, lf: -1, snap: snapshotOf(L, checked, gold, f.row) },
      rank + 1,
    );
    const why =
      f.attribution === 'label'
        ? `the end model (p=${pct(f.endSuggested)}) and the LFs agree on ${L.labels[f.suggested]}`
        : f.attribution === 'lf'
          ? `the end model backs ${L.labels[f.given]} (p=${pct(f.endGiven)}): probably the LFs ${f.lfs.join(', ')} are wrong`
          : f.covered
            ? 'the end model and the LFs disagree: hard or ambiguous'
            : 'no LF voted; the end model is not sure';
    flags.push({
      ...base,
      reason: `given ${L.labels[f.given]}, suggested ${L.labels[f.suggested]} (p=${pct(f.pSuggested)}, class threshold ${pct(r.thresholds[f.suggested] ?? 0)}): ${why}`,
      attribution: f.attribution,
      blame: f.lfs,
    });
  });
  t.labelError.splice(0, k, ...r.thresholds);
  notes.push(
    `label errors judged with the end model: ${r.counts.label} blamed on the label, ${r.counts.lf} on LFs, ${r.counts.ambiguous} ambiguous; ${r.judgedUncovered} rows without LF votes were judged by the end model alone`,
  );
  return r.flags.length;
}

/** "3 SPAM, 1 HAM": a row's votes per class, most first. */
function voteTally(labels: readonly string[], votes: ArrayLike<number>): string {
  const counts = new Map<number, number>();
  for (let j = 0; j < votes.length; j++) if (votes[j] !== ABSTAIN) counts.set(votes[j], (counts.get(votes[j]) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .map(([y, c]) => `${c} ${labels[y]}`)
    .join(', ');
}
