import { ABSTAIN } from '../matrix/labels.js';
import type { LabelMatrix } from '../matrix/label-matrix.js';
import { ConfigError } from '../util/errors.js';
import { TopK, type Ranked } from './top-k.js';
import { TIE_TOLERANCE, toGold, toProbabilities, type GoldLabels, type Probabilities } from '../matrix/checked.js';
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

/** A candidate carrying what is needed to describe it once it survives the ranking. */
interface Candidate extends Ranked {
  suggested: number;
  disputed: number;
  lf: number;
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
  const o = resolveDisagreementOptions(L, options);
  const probs = withDecisions(toProbabilities(probsIn, L.labels, 'probabilities', L.n), options.preds);
  const voteCounts = countVotes(L);
  const thresholds = confidenceThresholds(L, probs, voteCounts, o); // per-class mean self-confidence (t_y)
  const found = judgeRows(L, probs, voteCounts, thresholds, o); // one pass over the votes, three judges
  return assembleReport(L, probs, thresholds, found, o);
}

/**
 * The checked probabilities with `top` replaced by the model's decisions when given (each consumer of `top` then
 * reads the one decision rule). Decisions are checked: one per row, -1 or a class index.
 */
function withDecisions(checked: Probabilities, preds: ArrayLike<number> | undefined): Probabilities {
  if (!preds) return checked;
  const { n, k } = checked;
  if (preds.length !== n) throw new ConfigError(`preds: ${preds.length} labels for ${n} rows`);
  const top = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const y = preds[i];
    if (!Number.isInteger(y) || y < -1 || y >= k) throw new ConfigError(`preds: row ${i} has label ${y}, expected -1 or 0..${k - 1}`);
    top[i] = y;
  }
  return { ...checked, top };
}

/** The options, checked; `gold` as class indices (null when not given). */
interface ResolvedOptions {
  gold: Int32Array | null;
  top: number;
  topPerLF: number;
  fixedConsensus: number | undefined;
  kinds: Set<DisagreementKind>;
  endProbs: ArrayLike<number> | undefined;
  /** Hard labels came from the model's decision rule (`preds`), not the argmax. */
  decided: boolean;
}

function resolveDisagreementOptions(L: LabelMatrix, options: DisagreementOptions): ResolvedOptions {
  const gold = options.gold ? toGold(options.gold, L.labels, 'gold labels', L.n).values : null;
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
  const kinds = new Set(options.kinds ?? DISAGREEMENT_KINDS.filter((x) => x !== 'label-error' || gold));
  for (const kind of kinds)
    if (!DISAGREEMENT_KINDS.includes(kind)) throw new ConfigError(`unknown disagreement kind "${kind}"; kinds are ${DISAGREEMENT_KINDS.join(', ')}`);
  if (kinds.has('label-error') && !gold) throw new ConfigError('disagreements of kind label-error need gold (given) labels');
  return { gold, top, topPerLF, fixedConsensus, kinds, endProbs: options.endProbs, decided: options.preds !== undefined };
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

/** Pass 1 over probabilities: per-class mean self-confidence (given labels) and mean confidence (model's own class). */
function confidenceThresholds(L: LabelMatrix, checked: Probabilities, voteCounts: Int32Array, o: ResolvedOptions): Thresholds {
  const { n, k } = L;
  const { gold, fixedConsensus } = o;
  const probs = checked.values;
  const top1 = checked.top;
  const goldSum = new Float64Array(k),
    goldCount = new Float64Array(k);
  const consSum = new Float64Array(k),
    consCount = new Float64Array(k);
  let uncoveredRows = 0,
    uncoveredWithGold = 0;
  for (let i = 0; i < n; i++) {
    if (voteCounts[i] === 0) {
      uncoveredRows++;
      if (gold && gold[i] !== ABSTAIN) uncoveredWithGold++;
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
  const labelError = Array.from(goldSum, (s, y) => (goldCount[y] > 0 ? s / goldCount[y] : null));
  const consensus = Array.from(consSum, (s, y) => (fixedConsensus !== undefined ? fixedConsensus : consCount[y] > 0 ? s / consCount[y] : null));
  return { labelError, consensus, uncoveredRows, uncoveredWithGold };
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
}

/**
 * Pass 2 over votes: each covered row's class votes are counted once and shown to the three judges, so the matrix is
 * read once whatever kinds are asked for.
 */
function judgeRows(L: LabelMatrix, checked: Probabilities, voteCounts: Int32Array, t: Thresholds, o: ResolvedOptions): Found {
  const { n, m, k, votes } = L;
  const { gold, kinds } = o;
  const probs = checked.values;
  const top1 = checked.top;
  const found: Found = {
    labelErrors: new TopK<Candidate>(kinds.has('label-error') ? o.top : 0),
    conflicts: new TopK<Candidate>(kinds.has('lf-conflict') ? o.top : 0),
    mistakes: Array.from({ length: m }, () => new TopK<Candidate>(kinds.has('lf-mistake') ? o.topPerLF : 0)),
    labelErrorsFound: 0,
    conflictsFound: 0,
    mistakesFound: new Int32Array(m),
  };
  // With end-model probabilities, label errors are judged by findLabelErrors instead (in assembleReport).
  const judgeLabelErrors = gold !== null && kinds.has('label-error') && !o.endProbs;
  const judgeConflicts = kinds.has('lf-conflict');
  const judgeMistakes = kinds.has('lf-mistake');
  // Slot 0 counts abstains, slot 1 + y class y: counting without a branch per vote.
  const slots = new Int32Array(k + 1);
  const classVotes = slots.subarray(1);
  const logK = Math.log(k);
  const decided = o.decided;

  for (let i = 0, base = 0; i < n; i++, base += m) {
    if (voteCounts[i] === 0) continue;
    slots.fill(0);
    for (let j = 0; j < m; j++) slots[votes[base + j] + 1]++;
    const pRow = i * k;
    if (judgeLabelErrors && gold[i] !== ABSTAIN) {
      if (labelErrorJudge(probs, pRow, decided ? top1[i] : null, k, gold[i], classVotes, t.labelError, found.labelErrors, i))
        found.labelErrorsFound++;
    }
    if (judgeConflicts && conflictJudge(classVotes, k, voteCounts[i], logK, found.conflicts, i)) found.conflictsFound++;
    const y1 = top1[i];
    if (judgeMistakes && y1 !== ABSTAIN) {
      const ty = t.consensus[y1];
      if (ty !== null && probs[pRow + y1] >= ty && classVotes[y1] < voteCounts[i])
        mistakeJudge(votes, base, m, probs, pRow, y1, classVotes, found, i);
    }
  }
  return found;
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
  i: number,
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
  if (heap.admits(i, score, tie)) heap.offer({ row: i, score, tie, suggested: s, disputed: g, lf: -1 });
  return true;
}

/** lf-conflict: ≥ 2 distinct classes voted; score = vote entropy / log k. Returns whether the row qualified. */
function conflictJudge(classVotes: Int32Array, k: number, total: number, logK: number, heap: TopK<Candidate>, i: number): boolean {
  let distinct = 0;
  for (let y = 0; y < k; y++) if (classVotes[y] > 0) distinct++;
  if (distinct < 2) return false;
  let h = 0;
  for (let y = 0; y < k; y++) {
    const c = classVotes[y];
    if (c > 0) h -= (c / total) * Math.log(c / total);
  }
  const score = h / logK;
  if (heap.admits(i, score, total)) heap.offer({ row: i, score, tie: total, suggested: -1, disputed: -1, lf: -1 });
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
  i: number,
): void {
  for (let j = 0; j < m; j++) {
    const v = votes[base + j];
    if (v === ABSTAIN || v === y1) continue;
    found.mistakesFound[j]++;
    const score = probs[pRow + y1] - probs[pRow + v];
    const tie = classVotes[y1];
    if (found.mistakes[j].admits(i, score, tie)) found.mistakes[j].offer({ row: i, score, tie, suggested: y1, disputed: v, lf: j });
  }
}

/** A surviving candidate as a reported flag: its votes, probabilities, predicted and given class, and the reason. */
function describeFlag(
  L: LabelMatrix,
  checked: Probabilities,
  t: Thresholds,
  gold: Int32Array | null,
  kind: DisagreementKind,
  c: Candidate,
  rank: number,
): Disagreement {
  const { m, k, votes } = L;
  const probs = checked.values;
  const rowVotes: Record<string, string> = {};
  for (let j = 0; j < m; j++) {
    const v = votes[c.row * m + j];
    if (v !== ABSTAIN) rowVotes[L.lfNames[j]] = L.labels[v];
  }
  const p = Array.from({ length: k }, (_, y) => probs[c.row * k + y]);
  const y1 = checked.top[c.row];
  const tally = voteTally(L, c.row);
  let reason: string;
  if (kind === 'label-error') {
    const [s, d] = [L.labels[c.suggested], L.labels[c.disputed]];
    reason = `given ${d}, but the model says ${s} with p=${pct(p[c.suggested])} (class threshold ${pct(t.labelError[c.suggested])}); votes: ${tally}`;
  } else if (kind === 'lf-conflict') {
    reason = `LFs split ${tally} (vote entropy ${pct(c.score)})`;
  } else {
    reason = `${L.lfNames[c.lf]} votes ${L.labels[c.disputed]} against a confident ${L.labels[c.suggested]} (p=${pct(p[c.suggested])}, threshold ${pct(t.consensus[c.suggested])}); votes: ${tally}`;
  }
  const out: Disagreement = {
    kind,
    rank,
    row: c.row,
    score: c.score,
    reason,
    ...(kind === 'lf-mistake' ? { lf: L.lfNames[c.lf] } : {}),
    votes: rowVotes,
    probs: p,
    predicted: y1 === ABSTAIN ? null : L.labels[y1],
  };
  if (gold) out.given = gold[c.row] === ABSTAIN ? null : L.labels[gold[c.row]];
  return out;
}

function assembleReport(L: LabelMatrix, checked: Probabilities, t: Thresholds, found: Found, o: ResolvedOptions): DisagreementReport {
  const { n } = L;
  const { gold, kinds } = o;
  const { uncoveredRows, uncoveredWithGold } = t;
  const notes: string[] = [];
  if (uncoveredRows > 0) {
    if (o.endProbs && gold && kinds.has('label-error'))
      notes.push(`${uncoveredRows} of ${n} rows have no LF vote (${uncoveredWithGold} with a given label); the end model judged their labels`);
    else
      notes.push(
        `${uncoveredRows} of ${n} rows have no LF vote and were not judged${gold ? ` (${uncoveredWithGold} of them with a given label)` : ''}`,
      );
  }
  if (kinds.has('label-error')) {
    t.labelError.forEach((ty, y) => {
      if (ty === null) notes.push(`no covered row is labeled ${L.labels[y]}, so no row can be suggested to be ${L.labels[y]}`);
    });
  }
  const describe = (kind: DisagreementKind, c: Candidate, rank: number) => describeFlag(L, checked, t, gold, kind, c, rank);
  const flags: Disagreement[] = [];
  const counts: DisagreementReport['found'] = {};
  if (kinds.has('label-error') && o.endProbs && gold) {
    counts['label-error'] = endModelLabelErrors(L, checked, t, gold, o, flags, notes);
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
    counts['lf-mistake'] = Object.fromEntries(L.lfNames.map((lf, j) => [lf, found.mistakesFound[j]]));
  }

  return {
    labels: [...L.labels],
    flags,
    found: counts,
    thresholds: {
      ...(kinds.has('label-error') ? { labelError: t.labelError } : {}),
      ...(kinds.has('lf-mistake') ? { consensus: t.consensus } : {}),
    },
    uncoveredRows,
    ...(gold ? { uncoveredWithGold } : {}),
    notes,
  };
}

/**
 * label-error judged with out-of-sample end-model probabilities (confident learning on both models, with an
 * attribution per flag). Pushes the flags and a note; replaces the label-error thresholds with the ones it used and
 * returns how many rows qualified.
 */
function endModelLabelErrors(
  L: LabelMatrix,
  checked: Probabilities,
  t: Thresholds,
  gold: Int32Array,
  o: ResolvedOptions,
  flags: Disagreement[],
  notes: string[],
): number {
  const { k } = L;
  const r = findLabelErrors({ gold, endProbs: o.endProbs!, labelProbs: checked.values, L });
  r.flags.slice(0, o.top).forEach((f, rank) => {
    // describeFlag still runs for the shared fields (and reads the label-model thresholds, replaced only below).
    const base = describeFlag(
      L,
      checked,
      t,
      gold,
      'label-error',
      { row: f.row, score: f.score, tie: 0, suggested: f.suggested, disputed: f.given, lf: -1 },
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

/** Votes per row, counted without a branch per vote (abstain = -1 adds 0). */
function countVotes(L: LabelMatrix): Int32Array {
  const { n, m, votes } = L;
  const out = new Int32Array(n);
  for (let i = 0, base = 0; i < n; i++, base += m) {
    let c = 0;
    for (let j = 0; j < m; j++) c += 1 + (votes[base + j] >> 31);
    out[i] = c;
  }
  return out;
}

/** "3 SPAM, 1 HAM": the row's votes per class, most first. */
function voteTally(L: LabelMatrix, i: number): string {
  const counts = new Map<number, number>();
  for (const v of L.row(i)) if (v !== ABSTAIN) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .map(([y, c]) => `${c} ${L.labels[y]}`)
    .join(', ');
}
