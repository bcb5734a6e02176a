import { ABSTAIN } from '../matrix/labels.js';
import type { LabelMatrix } from '../matrix/label-matrix.js';
import type { Slice } from '../lf/slice-eval.js';
import { probsToPreds } from '../label-model/predict.js';
import { ConfigError } from '../util/errors.js';
import { createRng, type Rng } from '../util/rng.js';
import { flaggedRows } from './slice-flags.js';
import { benjaminiHochberg, twoProportionP, wilsonInterval } from './stats.js';
import { checkPreds, toGold, toProbabilities, type GoldLabels, type Probabilities } from '../matrix/checked.js';

/**
 * Slice analysis: how the LFs, the label model and the end model do on subsets of the data (slice functions or
 * metadata columns), and which slices pull the metric down. A plain data shape (`SliceReport`) that the CLI prints and
 * the HTML report renders.
 */

export type SliceMetricName = 'accuracy' | 'f1';

/** A metric on a slice's gold rows with its confidence interval (Wilson for accuracy, seeded bootstrap for F1). */
export interface SliceMetric {
  value: number;
  lo: number;
  hi: number;
  /** Gold rows it was computed on. */
  n: number;
  method: 'wilson' | 'bootstrap';
}

/** An LF whose accuracy inside the slice differs from outside it. */
export interface SliceLFShift {
  lf: string;
  inside: number;
  outside: number;
  /** inside − outside. */
  diff: number;
  votesInside: number;
  votesOutside: number;
}

/** One slice's row of the report (the whole data set is `overall`, named '(all)'). */
export interface SliceRow {
  name: string;
  source: 'function' | 'column' | 'length' | 'all';
  rows: number;
  /** rows / n. */
  fraction: number;
  /** Rows where its slice function threw (counted out of the slice). */
  errors: number;
  /** Fraction of its rows with at least one vote. */
  coverage: number;
  /** Fraction of its rows with two or more distinct votes. */
  conflict: number;
  /** Class shares, in label order: of the LF votes cast, the label model's mean probabilities, the end model's. */
  balance: { votes: number[]; labelModel: number[]; endModel?: number[] };
  /** Its rows with a gold label. */
  goldRows: number;
  labelModel?: SliceMetric;
  endModel?: SliceMetric;
  /** Metric in the slice minus the metric on gold rows outside it, for the ranked model (negative = worse inside). */
  gap?: number;
  /** How much the overall metric would rise if the slice did as well as the rest: −gap × goldRows / all gold rows. */
  impact?: number;
  /** Two-sided p-value of "the slice does as well as the rest" (two-proportion test; bootstrap for F1). */
  p?: number;
  /** Benjamini–Hochberg adjusted p over the slices tested. */
  q?: number;
  /** Fraction of its rows flagged by `disagreements` (label-error with gold, lf-mistake). */
  flagRate: number;
  /** LFs whose accuracy differs most inside vs outside (largest |diff| first). */
  lfs: SliceLFShift[];
}

export interface SliceReport {
  metric: SliceMetricName;
  labels: string[];
  overall: SliceRow;
  slices: SliceRow[];
  /** Names of the slices that do significantly worse than the rest, most harmful (impact) first. */
  underperforming: string[];
  /** The model whose metric ranks the slices. */
  rankedBy: 'labelModel' | 'endModel';
  /** What LF accuracies inside/outside were measured against: gold labels, or the label model's predictions without gold. */
  lfBasis: 'gold' | 'label model';
  minSize: number;
  alpha: number;
  confidence: number;
  notes: string[];
}

export interface SliceAnalysisInput {
  L: LabelMatrix;
  /** Label-model probabilities, row-major n × k. */
  probs: Float64Array;
  /** End-model probabilities, row-major n × k, when one was trained. */
  endModelProbs?: Float64Array;
  /** Gold class per row (-1 = unknown). */
  gold?: ArrayLike<number>;
  /**
   * The label model's hard labels by its own decision rule (`model.predictFromProbs(probs, 'random', seed)`: auto's F1
   * cut), so slice accuracies score what `ballot predict` outputs. Default: the most probable class, seeded random ties.
   */
  preds?: Int32Array;
  slices: readonly Slice[];
}

export interface SliceAnalysisOptions {
  /** 'accuracy' (default) or binary 'f1' (positive class `positive`, default labels[1]). */
  metric?: SliceMetricName;
  positive?: number;
  /** Slices with fewer gold rows are reported but never ranked as underperforming (default 30). */
  minSize?: number;
  /** False discovery rate for the underperforming list (default 0.05). */
  alpha?: number;
  /** Confidence of the intervals (default 0.95). */
  confidence?: number;
  /** Bootstrap resamples for F1 intervals and tests (default 1000). */
  bootstrap?: number;
  /** Seed for tie-breaks and the bootstrap (default 0). */
  seed?: number;
  /** LFs listed per slice (default 3). */
  topLFs?: number;
  /** An LF needs this many votes inside and outside to be compared (default 10). */
  minLFVotes?: number;
  /** Rank by the end model (default: the label model). */
  rankBy?: 'labelModel' | 'endModel';
}

/** Per-row facts computed once and shared by every slice. */
interface RowFacts {
  covered: Uint8Array;
  conflicted: Uint8Array;
  classVotes: Int32Array; // n × k
  predLM: Int32Array;
  predEM: Int32Array | null;
  flagged: Uint8Array;
}

/**
 * Analyzes slices of a label matrix (see `SliceReport`). Linear in rows per slice (each slice walks its own rows);
 * the underperforming list is guarded by a minimum gold size and Benjamini–Hochberg over the slices tested.
 */
export function analyzeSlices(input: SliceAnalysisInput, options: SliceAnalysisOptions = {}): SliceReport {
  const { L, probs, endModelProbs, slices } = input;
  const gold = input.gold;
  const { n, k } = L;
  const metric = options.metric ?? 'accuracy';
  if (metric !== 'accuracy' && metric !== 'f1') throw new ConfigError(`metric must be accuracy or f1, got ${JSON.stringify(metric)}`);
  if (metric === 'f1' && k !== 2) throw new ConfigError(`metric f1 is binary; the label matrix has ${k} classes (use accuracy)`);
  const positive = options.positive ?? 1;
  const minSize = options.minSize ?? 30;
  const alpha = options.alpha ?? 0.05;
  const confidence = options.confidence ?? 0.95;
  const B = options.bootstrap ?? 1000;
  const seed = options.seed ?? 0;
  const topLFs = options.topLFs ?? 3;
  const minLFVotes = options.minLFVotes ?? 10;
  const rankBy = options.rankBy ?? 'labelModel';
  if (rankBy === 'endModel' && !endModelProbs) throw new ConfigError('rankBy endModel needs end-model probabilities');
  const checked = toProbabilities(probs, L.labels, 'probabilities', L.n);
  if (endModelProbs) toProbabilities(endModelProbs, L.labels, 'end-model probabilities', L.n);
  const checkedGold = gold ? toGold(gold, L.labels, 'gold labels', L.n) : undefined;
  const names = new Set<string>();
  for (const s of slices) {
    if (s.mask.length !== n) throw new ConfigError(`slice "${s.name}" has ${s.mask.length} rows of membership but the label matrix has ${n}`);
    if (names.has(s.name)) throw new ConfigError(`two slices are named "${s.name}"`);
    names.add(s.name);
  }
  const notes: string[] = [];
  const facts = rowFacts(L, checked, endModelProbs, checkedGold, seed, input.preds && checkPreds(input.preds, n, L.k));
  const lfBasis: SliceReport['lfBasis'] = gold && hasAny(gold) ? 'gold' : 'label model';
  if (!gold) notes.push('no gold labels: no accuracy per slice; LF accuracies inside/outside are agreement with the label model');
  const truth = lfBasis === 'gold' ? gold! : facts.predLM;
  // Per-LF totals over all rows, so "outside" is total − inside.
  const lfTotal = lfCounts(L, truth, null);
  const goldAll = gold ? countGold(gold, null) : 0;
  const rng = createRng(seed);
  const ctx = { L, probs, endModelProbs, gold, facts, metric, positive, confidence, B, lfTotal, truth, topLFs, minLFVotes };

  const overall = describe(ctx, null, { name: '(all)', source: 'all', errors: 0 }, rng.fork('(all)'));
  const rows = slices.map((s) => describe(ctx, s.mask, s, rng.fork(`slice:${s.name}`)));

  // Test each big-enough slice against the rest, then BH over the tested ones.
  const tested: SliceRow[] = [];
  if (gold) {
    const preds = rankBy === 'endModel' ? facts.predEM! : facts.predLM;
    const all = wholeCounts(gold, preds, metric, positive);
    rows.forEach((r, idx) => {
      const s = slices[idx];
      const sliceMetric = rankBy === 'endModel' ? r.endModel : r.labelModel;
      if (!sliceMetric || r.goldRows < minSize || goldAll - r.goldRows < minSize) return;
      const cmp = compareToRest(membersOf(s.mask), all, gold, preds, metric, positive, B, rng.fork(`test:${s.name}`));
      r.gap = cmp.inside - cmp.outside;
      r.impact = (-r.gap * r.goldRows) / goldAll;
      r.p = cmp.p;
      tested.push(r);
    });
    const q = benjaminiHochberg(tested.map((r) => r.p!));
    tested.forEach((r, i) => (r.q = q[i]));
    const small = rows.filter((r) => r.goldRows < minSize).length;
    if (small) notes.push(`${small} slice${small === 1 ? ' has' : 's have'} fewer than ${minSize} gold rows: reported, not ranked`);
  }
  const underperforming = tested
    .filter((r) => r.gap! < 0 && r.q! < alpha)
    .sort((a, b) => b.impact! - a.impact! || (a.name < b.name ? -1 : 1))
    .map((r) => r.name);
  for (const s of slices) if (s.errors) notes.push(`slice function "${s.name}" threw on ${s.errors} rows (counted out of the slice)`);
  const empty = rows.filter((r) => r.rows === 0).map((r) => r.name);
  if (empty.length) notes.push(`empty slices: ${empty.join(', ')}`);
  return { metric, labels: [...L.labels], overall, slices: rows, underperforming, rankedBy: rankBy, lfBasis, minSize, alpha, confidence, notes };
}

function hasAny(gold: ArrayLike<number>): boolean {
  for (let i = 0; i < gold.length; i++) if (gold[i] !== ABSTAIN) return true;
  return false;
}

function rowFacts(
  L: LabelMatrix,
  probs: Probabilities,
  em: Float64Array | undefined,
  gold: GoldLabels | undefined,
  seed: number,
  preds: Int32Array | undefined,
): RowFacts {
  const { n, m, k, votes } = L;
  const covered = new Uint8Array(n);
  const conflicted = new Uint8Array(n);
  const classVotes = new Int32Array(n * k);
  for (let i = 0, base = 0; i < n; i++, base += m) {
    let min = 127,
      max = -1;
    for (let j = 0; j < m; j++) {
      const v = votes[base + j];
      if (v === ABSTAIN) continue;
      classVotes[i * k + v]++;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (max >= 0) covered[i] = 1;
    if (max >= 0 && min !== max) conflicted[i] = 1;
  }
  // Ties are broken by a seeded hash of the row (as `ballot predict --tie random`), so each row has one prediction.
  return {
    covered,
    conflicted,
    classVotes,
    predLM: preds ?? probsToPreds(probs.values, k, 'random', seed),
    predEM: em ? probsToPreds(em, k, 'random', seed) : null,
    flagged: flaggedRows(L, probs, gold, preds).flagged,
  };
}

/** Per LF: votes and votes equal to `truth` (rows with truth −1 skipped), over the rows in `members` (all when null). */
function lfCounts(L: LabelMatrix, truth: ArrayLike<number>, members: Int32Array | null): { votes: Int32Array; correct: Int32Array } {
  const { m, votes } = L;
  const v = new Int32Array(m);
  const c = new Int32Array(m);
  const count = members ? members.length : L.n;
  for (let r = 0; r < count; r++) {
    const i = members ? members[r] : r;
    const t = truth[i];
    if (t === ABSTAIN) continue;
    const base = i * m;
    for (let j = 0; j < m; j++) {
      const x = votes[base + j];
      if (x === ABSTAIN) continue;
      v[j]++;
      if (x === t) c[j]++;
    }
  }
  return { votes: v, correct: c };
}

function countGold(gold: ArrayLike<number>, members: Int32Array | null): number {
  let c = 0;
  const count = members ? members.length : gold.length;
  for (let r = 0; r < count; r++) if (gold[members ? members[r] : r] !== ABSTAIN) c++;
  return c;
}

function membersOf(mask: Uint8Array): Int32Array {
  let c = 0;
  for (let i = 0; i < mask.length; i++) c += mask[i];
  const out = new Int32Array(c);
  for (let i = 0, r = 0; i < mask.length; i++) if (mask[i]) out[r++] = i;
  return out;
}

interface Ctx {
  L: LabelMatrix;
  probs: Float64Array;
  endModelProbs?: Float64Array;
  gold?: ArrayLike<number>;
  facts: RowFacts;
  metric: SliceMetricName;
  positive: number;
  confidence: number;
  B: number;
  lfTotal: { votes: Int32Array; correct: Int32Array };
  truth: ArrayLike<number>;
  topLFs: number;
  minLFVotes: number;
}

function describe(ctx: Ctx, mask: Uint8Array | null, s: { name: string; source: SliceRow['source']; errors: number }, rng: Rng): SliceRow {
  const { L, probs, endModelProbs, gold, facts } = ctx;
  const { n, k } = L;
  const members = mask ? membersOf(mask) : null;
  const size = members ? members.length : n;
  let covered = 0,
    conflicted = 0,
    flagged = 0;
  const votes = new Float64Array(k),
    lm = new Float64Array(k),
    em = new Float64Array(k);
  for (let r = 0; r < size; r++) {
    const i = members ? members[r] : r;
    covered += facts.covered[i];
    conflicted += facts.conflicted[i];
    flagged += facts.flagged[i];
    for (let y = 0; y < k; y++) {
      votes[y] += facts.classVotes[i * k + y];
      lm[y] += probs[i * k + y];
      if (endModelProbs) em[y] += endModelProbs[i * k + y];
    }
  }
  const share = (a: Float64Array) => {
    let t = 0;
    for (const x of a) t += x;
    return Array.from(a, (x) => (t > 0 ? x / t : 0));
  };
  const frac = (x: number) => (size > 0 ? x / size : 0);
  const row: SliceRow = {
    name: s.name,
    source: s.source,
    rows: size,
    fraction: n > 0 ? size / n : 0,
    errors: s.errors,
    coverage: frac(covered),
    conflict: frac(conflicted),
    balance: { votes: share(votes), labelModel: share(lm), ...(endModelProbs ? { endModel: share(em) } : {}) },
    goldRows: gold ? countGold(gold, members) : 0,
    flagRate: frac(flagged),
    lfs: [],
  };
  if (gold) {
    row.labelModel = sliceMetric(members, n, gold, facts.predLM, ctx, rng.fork('lm'));
    if (facts.predEM) row.endModel = sliceMetric(members, n, gold, facts.predEM, ctx, rng.fork('em'));
  }
  if (members) {
    const inside = lfCounts(L, ctx.truth, members);
    const shifts: SliceLFShift[] = [];
    for (let j = 0; j < L.m; j++) {
      const vi = inside.votes[j],
        vo = ctx.lfTotal.votes[j] - vi;
      if (vi < ctx.minLFVotes || vo < ctx.minLFVotes) continue;
      const ai = inside.correct[j] / vi,
        ao = (ctx.lfTotal.correct[j] - inside.correct[j]) / vo;
      shifts.push({ lf: L.lfNames[j], inside: ai, outside: ao, diff: ai - ao, votesInside: vi, votesOutside: vo });
    }
    shifts.sort((a, b) => Math.abs(b.diff) - Math.abs(a.diff) || (a.lf < b.lf ? -1 : 1));
    row.lfs = shifts.slice(0, ctx.topLFs);
  }
  return row;
}

/** Binary confusion counts over gold rows of `members` (or outside them with `outside`). */
interface Confusion {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

function confusion(members: Int32Array | null, n: number, gold: ArrayLike<number>, preds: ArrayLike<number>, positive: number): Confusion {
  const c = { tp: 0, fp: 0, fn: 0, tn: 0 };
  const count = members ? members.length : n;
  for (let r = 0; r < count; r++) {
    const i = members ? members[r] : r;
    const g = gold[i];
    if (g === ABSTAIN) continue;
    const pp = preds[i] === positive,
      gp = g === positive;
    if (pp && gp) c.tp++;
    else if (pp) c.fp++;
    else if (gp) c.fn++;
    else c.tn++;
  }
  return c;
}

const f1Of = (c: Confusion) => (2 * c.tp + c.fp + c.fn === 0 ? 0 : (2 * c.tp) / (2 * c.tp + c.fp + c.fn));

function sliceMetric(
  members: Int32Array | null,
  n: number,
  gold: ArrayLike<number>,
  preds: ArrayLike<number>,
  ctx: Ctx,
  rng: Rng,
): SliceMetric | undefined {
  if (ctx.metric === 'accuracy') {
    let right = 0,
      total = 0;
    const count = members ? members.length : n;
    for (let r = 0; r < count; r++) {
      const i = members ? members[r] : r;
      if (gold[i] === ABSTAIN) continue;
      total++;
      if (preds[i] === gold[i]) right++;
    }
    if (total === 0) return undefined;
    const [lo, hi] = wilsonInterval(right, total, ctx.confidence);
    return { value: right / total, lo, hi, n: total, method: 'wilson' };
  }
  const c = confusion(members, n, gold, preds, ctx.positive);
  const total = c.tp + c.fp + c.fn + c.tn;
  if (total === 0) return undefined;
  const boot = new Float64Array(ctx.B);
  for (let b = 0; b < ctx.B; b++) boot[b] = f1Of(resample(c, rng));
  boot.sort();
  const tail = (1 - ctx.confidence) / 2;
  const at = (q: number) => boot[Math.min(ctx.B - 1, Math.max(0, Math.floor(q * ctx.B)))];
  return { value: f1Of(c), lo: at(tail), hi: at(1 - tail), n: total, method: 'bootstrap' };
}

/**
 * Slice vs rest: the metric on each side and a two-sided p-value (two-proportion test; bootstrap for F1). The rest's
 * counts are the whole set's minus the slice's, so no pass over the other rows.
 */
function compareToRest(
  members: Int32Array,
  all: Confusion,
  gold: ArrayLike<number>,
  preds: ArrayLike<number>,
  metric: SliceMetricName,
  positive: number,
  B: number,
  rng: Rng,
): { inside: number; outside: number; p: number } {
  if (metric === 'accuracy') {
    let ri = 0,
      ti = 0;
    for (const i of members) {
      if (gold[i] === ABSTAIN) continue;
      ti++;
      if (preds[i] === gold[i]) ri++;
    }
    // For accuracy `all` holds right answers in tp and wrong ones in fp.
    const ro = all.tp - ri,
      to = all.tp + all.fp - ti;
    return { inside: ri / ti, outside: ro / to, p: twoProportionP(ri, ti, ro, to) };
  }
  const ci = confusion(members, 0, gold, preds, positive);
  const co = { tp: all.tp - ci.tp, fp: all.fp - ci.fp, fn: all.fn - ci.fn, tn: all.tn - ci.tn };
  const diff = f1Of(ci) - f1Of(co);
  // Bootstrap the difference; p = twice the share of resamples on the other side of 0.
  let other = 0;
  for (let b = 0; b < B; b++) {
    const d = f1Of(resample(ci, rng)) - f1Of(resample(co, rng));
    if (diff < 0 ? d >= 0 : d <= 0) other++;
  }
  return { inside: f1Of(ci), outside: f1Of(co), p: Math.min(1, (2 * (other + 1)) / (B + 1)) };
}

/** Whole-set counts for `compareToRest`: the confusion table (F1), or right answers in tp and wrong in fp (accuracy). */
function wholeCounts(gold: ArrayLike<number>, preds: ArrayLike<number>, metric: SliceMetricName, positive: number): Confusion {
  if (metric === 'f1') return confusion(null, gold.length, gold, preds, positive);
  const c = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (let i = 0; i < gold.length; i++) {
    if (gold[i] === ABSTAIN) continue;
    if (preds[i] === gold[i]) c.tp++;
    else c.fp++;
  }
  return c;
}

/** A bootstrap resample of a confusion table: a multinomial draw of its total over its four cells. */
function resample(c: Confusion, rng: Rng): Confusion {
  let left = c.tp + c.fp + c.fn + c.tn;
  let mass = left;
  const out = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (const key of ['tp', 'fp', 'fn'] as const) {
    const x = mass > 0 ? binomial(left, c[key] / mass, rng) : 0;
    out[key] = x;
    left -= x;
    mass -= c[key];
  }
  out.tn = left;
  return out;
}

/**
 * Binomial draw: by geometric waiting times when the rarer outcome is expected fewer than 25 times (exact, O(n·q)),
 * else the normal approximation (its variance is then large enough for interval work).
 */
function binomial(n: number, p: number, rng: Rng): number {
  if (p <= 0 || n === 0) return 0;
  if (p >= 1) return n;
  const q = Math.min(p, 1 - p);
  if (n * q < 25) {
    const logQ = Math.log(1 - q);
    let x = 0;
    for (let pos = 0; ; x++) {
      pos += Math.floor(Math.log(1 - rng.next()) / logQ) + 1;
      if (pos > n) break;
    }
    return q === p ? x : n - x;
  }
  // Box–Muller.
  const u = 1 - rng.next(),
    v = rng.next();
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return Math.min(n, Math.max(0, Math.round(n * p + z * Math.sqrt(n * p * (1 - p)))));
}
