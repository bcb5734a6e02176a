import { ABSTAIN } from '../matrix/labels.js';
import type { LabelMatrix } from '../matrix/label-matrix.js';
import { probsToPreds } from '../label-model/predict.js';
import { ConfigError } from '../util/errors.js';
import { createRng } from '../util/rng.js';
import { countKeys, describePattern, gramKeys, patternKeys, tokenizeRows, topIndices, Vocabulary } from './drift-features.js';
import { chiSquareTwoSample, holm, ksTwoSample, poolRareCells, psi, twoProportionP } from './stats.js';

/**
 * Drift between a reference set (the training data) and a current one (new data): per-LF votes, vote patterns, the
 * label model's predicted class balance, metadata columns and the tokens of a text column, each with a standard test,
 * an effect size and the population stability index, ranked. Linear in rows (numeric columns are sorted for the
 * Kolmogorov–Smirnov test).
 */

type Row = Record<string, unknown>;

export type DriftKind = 'lf' | 'vote-patterns' | 'class-balance' | 'column' | 'tokens' | 'bigrams';

/** One cell whose share moved: the value and its share in each set. */
export interface DriftCell {
  value: string;
  reference: number;
  current: number;
}

/** One test of the report. */
export interface DriftCheck {
  kind: DriftKind;
  /** 'lf:keyword_my', 'vote patterns', 'class balance (label model)', 'column:DATE', 'tokens:CONTENT'. */
  name: string;
  test: 'chi-square' | 'kolmogorov-smirnov' | 'two-proportion (per gram, Bonferroni)';
  statistic: number;
  df?: number;
  p: number;
  /** Holm-adjusted over every check of the report. */
  pAdjusted: number;
  /** pAdjusted < alpha. */
  significant: boolean;
  psi: number;
  /** Cramér's V (chi-square), D (Kolmogorov–Smirnov), or the largest document-frequency difference (grams). */
  effect: { name: 'cramers_v' | 'ks_d' | 'max_df_diff'; value: number };
  /** One line with the numbers that moved. */
  detail: string;
  /** The cells that moved most (largest absolute share change first), up to 10. */
  top: DriftCell[];
}

export interface DriftReport {
  rows: { reference: number; current: number };
  lfs: { compared: string[]; onlyReference: string[]; onlyCurrent: string[] };
  labels: string[];
  /** Ranked: significant first (specific checks before the vote-pattern summary), then by PSI, then by p. */
  checks: DriftCheck[];
  verdict: { status: 'none' | 'minor' | 'moderate' | 'major'; line: string };
  alpha: number;
  notes: string[];
}

/** One side: its label matrix, optionally its data rows (same order) and label-model probabilities (n × k). */
export interface DriftSide {
  L: LabelMatrix;
  rows?: readonly Row[];
  probs?: Float64Array;
}

export interface DriftOptions {
  /** Text column(s) whose tokens and bigrams are compared (they are left out of the column checks). */
  textColumn?: string | readonly string[];
  /** Metadata columns to compare (default: every column both sets have, except text columns). */
  columns?: readonly string[];
  /** Refuse matrices whose LFs differ instead of comparing the shared ones (default false). */
  strict?: boolean;
  /** Significance level, after Holm's adjustment over all checks (default 0.05). */
  alpha?: number;
  /** Most cells per categorical distribution (the rest are pooled) (default 30). */
  maxCells?: number;
  /** Bins (reference quantiles) for the PSI of numeric columns (default 10). */
  bins?: number;
  /** Rows per set whose bigrams are counted (a seeded sample above it; default 100,000). Tokens use every row. */
  bigramSample?: number;
  /** Name of the label model, for the class-balance check (default 'label model', or 'majority vote' without probs). */
  modelName?: string;
}

const POOL_MIN = 10;
/** Rows a gram must appear in (both sets together) to be tested: rarer ones cannot reach a Bonferroni-level p honestly. */
const GRAM_MIN = 20;

/** Compares two sets; see `DriftReport`. Empty sets, other classes, or (with `strict`) other LFs are ConfigErrors. */
export function driftReport(reference: DriftSide, current: DriftSide, options: DriftOptions = {}): DriftReport {
  const alpha = options.alpha ?? 0.05;
  const maxCells = options.maxCells ?? 30;
  const bins = options.bins ?? 10;
  const bigramSample = options.bigramSample ?? 100_000;
  const A = reference.L,
    B = current.L;
  if (A.n === 0) throw new ConfigError('the reference data has no rows: nothing to compare against');
  if (B.n === 0) throw new ConfigError('the new data has no rows: nothing to compare');
  if (A.labels.join('\u0000') !== B.labels.join('\u0000')) {
    throw new ConfigError(`the two label matrices have different classes (${A.labels.join(', ')} vs ${B.labels.join(', ')})`);
  }
  for (const [side, what] of [
    [reference, 'reference'],
    [current, 'new'],
  ] as const) {
    if (side.rows && side.rows.length !== side.L.n)
      throw new ConfigError(`the ${what} data has ${side.rows.length} rows but its label matrix has ${side.L.n}`);
    if (side.probs && side.probs.length !== side.L.n * side.L.k)
      throw new ConfigError(`the ${what} probabilities have ${side.probs.length} values, expected ${side.L.n}·${side.L.k}`);
  }
  if (Boolean(reference.probs) !== Boolean(current.probs))
    throw new ConfigError('label-model probabilities were given for one set only; give them for both or for neither (majority vote)');
  const inB = new Set(B.lfNames);
  const inA = new Set(A.lfNames);
  const compared = A.lfNames.filter((x) => inB.has(x));
  const onlyReference = A.lfNames.filter((x) => !inB.has(x));
  const onlyCurrent = B.lfNames.filter((x) => !inA.has(x));
  const notes: string[] = [];
  if (onlyReference.length || onlyCurrent.length) {
    const what = [
      onlyReference.length ? `only in the reference: ${onlyReference.join(', ')}` : '',
      onlyCurrent.length ? `only in the new matrix: ${onlyCurrent.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join('; ');
    if (options.strict) throw new ConfigError(`the two label matrices have different LFs (${what})`);
    notes.push(`compared the ${compared.length} LFs both matrices have (${what})`);
  }
  if (compared.length === 0) throw new ConfigError('the two label matrices share no LF: nothing to compare');
  const colsA = compared.map((x) => A.lfIndex(x));
  const colsB = compared.map((x) => B.lfIndex(x));

  const raw: Omit<DriftCheck, 'pAdjusted' | 'significant'>[] = [];
  // Per LF: abstain + one cell per class.
  compared.forEach((lf, t) => raw.push(lfCheck(lf, A, colsA[t], B, colsB[t])));
  raw.push(patternCheck(A, colsA, B, colsB, maxCells));
  raw.push(classBalanceCheck(reference, current, colsA, colsB, options.modelName));

  const textCols = options.textColumn === undefined ? [] : typeof options.textColumn === 'string' ? [options.textColumn] : [...options.textColumn];
  if (reference.rows && current.rows) {
    for (const c of textCols) {
      if (!hasColumn(reference.rows, c) || !hasColumn(current.rows, c))
        throw new ConfigError(`text column "${c}" is missing from the ${hasColumn(reference.rows, c) ? 'new' : 'reference'} data`);
      const vocab = new Vocabulary();
      const toks = { a: tokenizeRows(reference.rows, c, vocab), b: tokenizeRows(current.rows, c, vocab) };
      raw.push(gramCheck(reference.rows, current.rows, c, 1, vocab, toks, Infinity));
      raw.push(gramCheck(reference.rows, current.rows, c, 2, vocab, toks, bigramSample));
      if (bigramSample < Math.max(reference.rows.length, current.rows.length))
        notes.push(`bigrams of ${c} were counted on a seeded sample of about ${bigramSample.toLocaleString('en-US')} rows per set`);
    }
    const shared = options.columns ?? columnsOf(reference.rows).filter((c) => columnsOf(current.rows!).includes(c) && !textCols.includes(c));
    for (const c of shared) {
      if (!hasColumn(reference.rows, c) || !hasColumn(current.rows, c))
        throw new ConfigError(`column "${c}" is missing from the ${hasColumn(reference.rows, c) ? 'new' : 'reference'} data`);
      const check = columnCheck(reference.rows, current.rows, c, maxCells, bins);
      if (typeof check === 'string') notes.push(check);
      else raw.push(check);
    }
  } else if (textCols.length || options.columns) {
    throw new ConfigError('comparing text or metadata columns needs the data rows of both sets');
  }

  const adjusted = holm(raw.map((c) => c.p));
  const checks: DriftCheck[] = raw.map((c, i) => ({ ...c, pAdjusted: adjusted[i], significant: adjusted[i] < alpha }));
  // The vote-pattern check sums up every LF at once (its PSI is at least as large as the LF shifts it is made of), so
  // among significant checks it comes after the specific ones: it points at a cause only when nothing specific moved.
  const composite = (c: DriftCheck) => (c.kind === 'vote-patterns' ? 1 : 0);
  checks.sort(
    (a, b) =>
      Number(b.significant) - Number(a.significant) ||
      (a.significant ? composite(a) - composite(b) : 0) ||
      b.psi - a.psi ||
      a.p - b.p ||
      (a.name < b.name ? -1 : 1),
  );
  return {
    rows: { reference: A.n, current: B.n },
    lfs: { compared, onlyReference, onlyCurrent },
    labels: [...A.labels],
    checks,
    verdict: verdictOf(checks, alpha),
    alpha,
    notes,
  };
}

function verdictOf(checks: readonly DriftCheck[], alpha: number): DriftReport['verdict'] {
  const sig = checks.filter((c) => c.significant);
  if (sig.length === 0)
    return { status: 'none', line: `no drift: none of ${checks.length} checks changed significantly (Holm-adjusted p < ${alpha})` };
  const worst = sig.reduce((a, b) => (b.psi > a.psi ? b : a));
  const status = worst.psi >= 0.25 ? 'major' : worst.psi >= 0.1 ? 'moderate' : 'minor';
  const names = sig
    .slice(0, 3)
    .map((c) => c.name)
    .join(', ');
  return {
    status,
    line: `${status} drift: ${sig.length} of ${checks.length} checks changed significantly (${names}${sig.length > 3 ? ', …' : ''}); largest PSI ${worst.psi.toFixed(3)} on ${worst.name}`,
  };
}

const share = (x: number, t: number) => (t > 0 ? x / t : 0);
const f3 = (x: number) => x.toFixed(3);

/** The chi-square part shared by every categorical check: pool rare cells, test, PSI, the cells that moved most. */
function categorical(
  base: { kind: DriftKind; name: string },
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  labels: readonly string[],
  detail: (top: DriftCell[]) => string,
): Omit<DriftCheck, 'pAdjusted' | 'significant'> {
  const pooled = poolRareCells(a, b, POOL_MIN);
  const chi = chiSquareTwoSample(pooled.a, pooled.b);
  let ta = 0,
    tb = 0;
  for (let i = 0; i < a.length; i++) {
    ta += a[i];
    tb += b[i];
  }
  const cells: DriftCell[] = labels.map((value, i) => ({ value, reference: share(a[i], ta), current: share(b[i], tb) }));
  const top = cells
    .filter((c) => c.reference !== c.current)
    .sort((x, y) => Math.abs(y.current - y.reference) - Math.abs(x.current - x.reference) || (x.value < y.value ? -1 : 1))
    .slice(0, 10);
  return {
    ...base,
    test: 'chi-square',
    statistic: chi.statistic,
    df: chi.df,
    p: chi.p,
    psi: psi(pooled.a, pooled.b),
    effect: { name: 'cramers_v', value: chi.cramersV },
    detail: detail(top),
    top,
  };
}

function lfCheck(lf: string, A: LabelMatrix, ja: number, B: LabelMatrix, jb: number) {
  const k = A.k;
  const count = (L: LabelMatrix, j: number) => {
    const c = new Float64Array(k + 1);
    for (let i = 0, p = j; i < L.n; i++, p += L.m) c[L.votes[p] + 1]++;
    return c;
  };
  const a = count(A, ja),
    b = count(B, jb);
  const covA = 1 - a[0] / A.n,
    covB = 1 - b[0] / B.n;
  const polarity = (c: Float64Array) => {
    const voted = A.n === 0 ? 0 : c.reduce((s, x, i) => (i ? s + x : s), 0);
    return A.labels.map((y, i) => `${y} ${f3(share(c[i + 1], voted))}`).join(' / ');
  };
  // Vote shares only say something for an LF that votes more than one class.
  const classes = (c: Float64Array) => c.slice(1).filter((x) => x > 0).length;
  const shares = classes(a) > 1 || classes(b) > 1 ? `; vote shares ${polarity(a)} → ${polarity(b)}` : '';
  return categorical({ kind: 'lf', name: `lf:${lf}` }, a, b, ['(abstain)', ...A.labels], () => `coverage ${f3(covA)} → ${f3(covB)}${shares}`);
}

function patternCheck(A: LabelMatrix, colsA: number[], B: LabelMatrix, colsB: number[], maxCells: number) {
  const ka = patternKeys(A, colsA),
    kb = patternKeys(B, colsB);
  const { keys, ca, cb } = countKeys(ka, kb);
  // The most common patterns (both sets together) get their own cell; the rest are pooled.
  const score = new Float64Array(keys.length);
  for (let d = 0; d < keys.length; d++) score[d] = ca[d] / A.n + cb[d] / B.n;
  const kept = topIndices(score, maxCells);
  const inKept = new Set(kept);
  let restA = 0,
    restB = 0,
    newPatterns = 0;
  for (let d = 0; d < keys.length; d++) {
    if (ca[d] === 0) newPatterns += cb[d];
    if (!inKept.has(d)) {
      restA += ca[d];
      restB += cb[d];
    }
  }
  // A row showing each kept pattern, for its description.
  const wanted = new Map<number, string>(kept.map((d) => [keys[d], '']));
  for (const [L, cols, k] of [
    [A, colsA, ka],
    [B, colsB, kb],
  ] as const) {
    for (let i = 0; i < k.length; i++) if (wanted.get(k[i]) === '') wanted.set(k[i], describePattern(L, cols, i));
  }
  const rest = keys.length - kept.length;
  const a = [...kept.map((d) => ca[d]), restA];
  const b = [...kept.map((d) => cb[d]), restB];
  const labels = [...kept.map((d) => wanted.get(keys[d])!), `(${rest} other patterns)`];
  return categorical(
    { kind: 'vote-patterns', name: 'vote patterns' },
    a,
    b,
    labels,
    (top) =>
      `${keys.length} distinct patterns; ${f3(newPatterns / B.n)} of new rows have a pattern the reference never has` +
      (top[0] ? `; most moved: "${top[0].value}" ${f3(top[0].reference)} → ${f3(top[0].current)}` : ''),
  );
}

function classBalanceCheck(reference: DriftSide, current: DriftSide, colsA: number[], colsB: number[], modelName?: string) {
  const k = reference.L.k;
  const name = modelName ?? (reference.probs && current.probs ? 'label model' : 'majority vote');
  const count = (side: DriftSide, cols: number[]) => {
    const c = new Float64Array(k + 1);
    if (side.probs) {
      for (const y of probsToPreds(side.probs, k, 'abstain')) c[y === ABSTAIN ? k : y]++;
      return c;
    }
    // Majority vote over the shared LFs, counted in place (the same classes as MajorityVote, ties and empty rows → tie).
    const { n, m, votes } = side.L;
    const per = new Int32Array(k);
    for (let i = 0, base = 0; i < n; i++, base += m) {
      per.fill(0);
      for (const j of cols) {
        const v = votes[base + j];
        if (v !== ABSTAIN) per[v]++;
      }
      let best = 0,
        tied = false;
      for (let y = 1; y < k; y++) {
        if (per[y] > per[best]) {
          best = y;
          tied = false;
        } else if (per[y] === per[best]) tied = true;
      }
      c[tied || per[best] === 0 ? k : best]++;
    }
    return c;
  };
  const a = count(reference, colsA),
    b = count(current, colsB);
  const labels = [...reference.L.labels, '(tie)'];
  return categorical({ kind: 'class-balance', name: `class balance (${name})` }, a, b, labels, () => {
    const na = reference.L.n,
      nb = current.L.n;
    return `predicted ${labels.map((y, i) => `${y} ${f3(a[i] / na)} → ${f3(b[i] / nb)}`).join(', ')}`;
  });
}

/**
 * Tokens (or bigrams) of a text column, by document frequency: one two-proportion test (Yates-corrected) per gram
 * seen in ≥ 20 rows of both sets together, the check's p the smallest times the number tested (Bonferroni), so the
 * check keeps its level although grams of one row are dependent. PSI over the 200 most frequent tested grams plus
 * the rest pooled.
 */
function gramCheck(
  _ra: readonly Row[],
  _rb: readonly Row[],
  column: string,
  grams: 1 | 2,
  vocab: Vocabulary,
  toks: { a: TokenRows; b: TokenRows },
  sample: number,
) {
  const V = Math.max(1, vocab.words.length);
  // Bigrams run to millions of distinct keys on big sets: count them on a seeded sample of rows (still a valid test
  // of the same hypothesis, with less power). Tokens are counted on every row (dense counts by id).
  const a = grams === 2 ? sampleRows(toks.a, sample, 1) : toks.a,
    b = grams === 2 ? sampleRows(toks.b, sample, 2) : toks.b;
  const { keys, ca, cb } = grams === 1 ? denseCounts(gramKeys(a, 1, V), gramKeys(b, 1, V), V) : countKeys(gramKeys(a, 2, V), gramKeys(b, 2, V));
  const na = a.offsets.length - 1,
    nb = b.offsets.length - 1;
  const name = (key: number) => (grams === 1 ? vocab.words[key] : `${vocab.words[Math.floor(key / V)]} ${vocab.words[key % V]}`);
  let minP = 1,
    maxDiff = 0,
    totalA = 0,
    totalB = 0,
    unseen = 0;
  const tested: number[] = [];
  const pOf = new Float64Array(keys.length).fill(1);
  for (let d = 0; d < keys.length; d++) {
    const xa = ca[d],
      xb = cb[d];
    totalA += xa;
    totalB += xb;
    if (xa === 0) unseen += xb;
    if (xa + xb < GRAM_MIN) continue;
    const p = twoProportionP(xa, na, xb, nb, true);
    pOf[d] = p;
    if (p < minP) minP = p;
    const diff = Math.abs(xb / nb - xa / na);
    if (diff > maxDiff) maxDiff = diff;
    tested.push(d);
  }
  const moved = (d: number) => Math.abs(cb[d] / nb - ca[d] / na);
  const byP = [...tested].sort((x, y) => pOf[x] - pOf[y] || moved(y) - moved(x) || x - y);
  const top: DriftCell[] = byP.slice(0, 10).map((d) => ({ value: name(keys[d]), reference: ca[d] / na, current: cb[d] / nb }));
  const freq = Float64Array.from(tested, (d) => ca[d] / na + cb[d] / nb);
  const head = topIndices(freq, 200).map((t) => tested[t]);
  let headA = 0,
    headB = 0;
  for (const d of head) {
    headA += ca[d];
    headB += cb[d];
  }
  const pa = [...head.map((d) => ca[d]), totalA - headA],
    pb = [...head.map((d) => cb[d]), totalB - headB];
  const what = grams === 1 ? 'tokens' : 'bigrams';
  return {
    kind: what as DriftKind,
    name: `${what}:${column}`,
    test: 'two-proportion (per gram, Bonferroni)' as const,
    statistic: tested.length,
    p: Math.min(1, minP * Math.max(1, tested.length)),
    psi: psi(pa, pb),
    effect: { name: 'max_df_diff' as const, value: maxDiff },
    detail:
      `${f3(share(unseen, totalB))} of new ${grams === 1 ? 'token' : 'bigram'} occurrences are unseen in the reference; ${tested.length} ${what} tested` +
      (top[0] ? `; most moved: "${top[0].value}" in ${f3(top[0].reference)} → ${f3(top[0].current)} of rows` : ''),
    top,
  };
}

type TokenRows = { ids: Int32Array; offsets: Int32Array };

/** Token counts of two samples by id (ids < V): the same shape as countKeys, without hashing. */
function denseCounts(a: Float64Array, b: Float64Array, V: number): { keys: Float64Array; ca: Int32Array; cb: Int32Array } {
  const ca = new Int32Array(V),
    cb = new Int32Array(V);
  for (let i = 0; i < a.length; i++) ca[a[i]]++;
  for (let i = 0; i < b.length; i++) cb[b[i]]++;
  return { keys: Float64Array.from({ length: V }, (_, i) => i), ca, cb };
}

/** A seeded sample of at most `max` rows of tokenized text (all rows when there are fewer). */
function sampleRows(t: TokenRows, max: number, seed: number): TokenRows {
  const n = t.offsets.length - 1;
  if (n <= max) return t;
  const rng = createRng(seed);
  // Keep each row with probability max / n (Bernoulli sampling keeps rows independent).
  const keep: number[] = [];
  for (let i = 0; i < n; i++) if (rng.next() * n < max) keep.push(i);
  const offsets = new Int32Array(keep.length + 1);
  let len = 0;
  keep.forEach((i, r) => {
    len += t.offsets[i + 1] - t.offsets[i];
    offsets[r + 1] = len;
  });
  const ids = new Int32Array(len);
  keep.forEach((i, r) => ids.set(t.ids.subarray(t.offsets[i], t.offsets[i + 1]), offsets[r]));
  return { ids, offsets };
}

function hasColumn(rows: readonly Row[], c: string): boolean {
  return rows.some((r) => Object.hasOwn(r, c));
}

function columnsOf(rows: readonly Row[]): string[] {
  const seen = new Set<string>();
  for (let i = 0; i < Math.min(rows.length, 100); i++) for (const c of Object.keys(rows[i])) seen.add(c);
  return [...seen];
}

const isMissing = (v: unknown) => v === null || v === undefined || v === '';
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Numbers of a column when every non-empty cell is a number (or every one an ISO date, as ms), else null. */
function numericValues(rows: readonly Row[], c: string): { values: Float64Array; missing: number; dates: boolean } | null {
  const out: number[] = [];
  let missing = 0,
    dates: boolean | null = null;
  for (const r of rows) {
    const v = r[c];
    if (isMissing(v)) {
      missing++;
      continue;
    }
    if (typeof v === 'number') {
      if (!Number.isFinite(v) || dates === true) return null;
      dates = false;
      out.push(v);
      continue;
    }
    const s = String(v).trim();
    if (dates !== true && s !== '' && Number.isFinite(Number(s))) {
      dates = false;
      out.push(Number(s));
    } else if (dates !== false && ISO_DATE.test(s) && Number.isFinite(Date.parse(s))) {
      dates = true;
      out.push(Date.parse(s));
    } else return null;
  }
  return { values: Float64Array.from(out).sort(), missing, dates: dates === true };
}

/** Whether a sorted array holds at least `k` distinct values. */
function distinctAtLeast(sorted: Float64Array, k: number): boolean {
  let d = sorted.length ? 1 : 0;
  for (let i = 1; i < sorted.length && d < k; i++) if (sorted[i] !== sorted[i - 1]) d++;
  return d >= k;
}

/** A metadata column: KS + PSI (reference quantile bins) for numbers and dates, chi-square + PSI for categories. */
function columnCheck(
  ra: readonly Row[],
  rb: readonly Row[],
  c: string,
  maxCells: number,
  bins: number,
): Omit<DriftCheck, 'pAdjusted' | 'significant'> | string {
  const xa = numericValues(ra, c),
    xb = numericValues(rb, c);
  // A number column with few distinct values (0/1 flags, star ratings) is compared as categories.
  if (xa && xb && xa.dates === xb.dates && xa.values.length && xb.values.length && distinctAtLeast(xa.values, 11)) {
    const ks = ksTwoSample(xa.values, xb.values);
    const edges: number[] = [];
    for (let q = 1; q < bins; q++) {
      const e = xa.values[Math.floor((q * xa.values.length) / bins)];
      if (edges.length === 0 || e > edges[edges.length - 1]) edges.push(e);
    }
    const hist = (v: Float64Array, missing: number) => {
      const h = new Float64Array(edges.length + 2);
      let b = 0;
      for (const x of v) {
        while (b < edges.length && x >= edges[b]) b++;
        h[b]++;
      }
      h[edges.length + 1] = missing;
      return h;
    };
    const ha = hist(xa.values, xa.missing),
      hb = hist(xb.values, xb.missing);
    const fmt = (x: number) => (xa.dates ? new Date(x).toISOString().slice(0, 10) : Number.isInteger(x) ? String(x) : x.toPrecision(4));
    const median = (v: Float64Array) => v[Math.floor(v.length / 2)];
    return {
      kind: 'column',
      name: `column:${c}`,
      test: 'kolmogorov-smirnov',
      statistic: ks.d,
      p: ks.p,
      psi: psi(ha, hb),
      effect: { name: 'ks_d', value: ks.d },
      detail: `median ${fmt(median(xa.values))} → ${fmt(median(xb.values))}; empty ${f3(xa.missing / ra.length)} → ${f3(xb.missing / rb.length)}`,
      top: [],
    };
  }
  const counts = new Map<string, { a: number; b: number }>();
  const add = (rows: readonly Row[], side: 'a' | 'b') => {
    for (const r of rows) {
      const v = r[c];
      const key = isMissing(v) ? '(missing)' : String(v);
      const e = counts.get(key) ?? { a: 0, b: 0 };
      e[side]++;
      counts.set(key, e);
    }
  };
  add(ra, 'a');
  add(rb, 'b');
  if (counts.size > 0.5 * (ra.length + rb.length) && counts.size > 100) {
    return `column ${c} skipped: ${counts.size} distinct values in ${ra.length + rb.length} rows (an identifier or free text; pass it as a text column to compare its tokens)`;
  }
  const all = [...counts].sort(
    (x, y) => y[1].a / ra.length + y[1].b / rb.length - (x[1].a / ra.length + x[1].b / rb.length) || (x[0] < y[0] ? -1 : 1),
  );
  const kept = all.slice(0, maxCells),
    rest = all.slice(maxCells);
  const a = [...kept.map(([, e]) => e.a), ...(rest.length ? [rest.reduce((s, [, e]) => s + e.a, 0)] : [])];
  const b = [...kept.map(([, e]) => e.b), ...(rest.length ? [rest.reduce((s, [, e]) => s + e.b, 0)] : [])];
  const labels = [...kept.map(([v]) => v), ...(rest.length ? [`(${rest.length} other values)`] : [])];
  return categorical(
    { kind: 'column', name: `column:${c}` },
    a,
    b,
    labels,
    (top) => `${counts.size} values${top[0] ? `; most moved: ${JSON.stringify(top[0].value)} ${f3(top[0].reference)} → ${f3(top[0].current)}` : ''}`,
  );
}
